/*
 * Copyright 2026 the original author or authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */


package io.github.leaderelection.test;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.awaitility.core.ConditionTimeoutException;

import org.springframework.util.Assert;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Sentinel set-up for tests: one master, its replicas and three Sentinels, each a {@code redis-server}
 * process on a free loopback port (a Sentinel is the same binary started as {@code redis-server <conf> --sentinel},
 * its configuration file in its own temporary directory). Timings are short, so that a failover takes a few seconds:
 * a server is down for the Sentinels after {@value #DOWN_AFTER_MILLIS} ms without a reply, two Sentinels agree on it,
 * and replicas are moved to a new master one at a time. The down-after time is twice the second at which a Sentinel
 * reconnects and pings: at a shorter one a Sentinel may take a master it has just promoted for down before it has
 * reconnected to it, and with the votes of the failover before still counting, fail over again at once.
 * <p>
 * Servers are numbered: 0 is the first master, 1 and up its replicas. Each replica replicates through a
 * {@link TcpProxy} of its own that leads to its master, while the Sentinels reach it directly, so
 * {@link #cutOff(int)} makes it miss the writes that follow while it still looks healthy and eligible for promotion.
 * A replica that {@link #restartAsReplica(int)} starts replicates through a new proxy to the current master, and
 * {@code cutOff} first points the replica at the current master through a new proxy, whatever it replicated through
 * before (Sentinel points the other replicas of a failover at the new master itself), so a replica can miss writes
 * again after any number of failovers. Sentinel promotes replica 1 whenever it can (replica priority 1, the others the
 * default 100), even when another replica has seen more writes: a failover after {@code cutOff(1)} loses what replica
 * 1 missed. Sentinel passes over a replica whose link to the master has been down for longer than ten times the
 * down-after time plus the time the master has been down; cutting the link off just before the master dies stays well
 * within that.
 * <p>
 * The failover timeout is 10 s. A Sentinel re-points a replica that replicates through a proxy to the master itself
 * once that long has passed since it saw the replica change masters, and the master looks sane: a replica that
 * {@code cutOff} just pointed through a new proxy stays cut off for 10 s, or until the master dies. And a Sentinel
 * that voted in a failover attempt that failed (votes split among the Sentinels) tries again only after twice that
 * time, which {@link #awaitFailover(int)} waits out.
 * <p>
 * Needs a local {@code redis-server} binary (see {@link RedisServer} for where it comes from), so
 * {@link #isAvailable()} is {@code false} when servers run in containers. Every process is stopped by its PID on
 * {@link #close()} and dies with the JVM, also when the JVM is killed. Not thread-safe: one test drives it.
 *
 * @since 0.1.0
 */
public final class RedisSentinels implements AutoCloseable {

	/**
	 * Name under which the Sentinels monitor the master, as {@code spring.data.redis.sentinel.master} takes it.
	 */
	public static final String MASTER_NAME = "leader-election";

	/**
	 * Time without a reply after which a Sentinel considers a server down, in milliseconds.
	 */
	public static final int DOWN_AFTER_MILLIS = 2000;

	private static final int SENTINELS = 3;

	private static final int QUORUM = 2;

	private static final int PREFERRED_PRIORITY = 1;

	private static final int DEFAULT_PRIORITY = 100;

	private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

	// Long enough for a failed attempt and the next one, twice the failover timeout later.
	private static final Duration FAILOVER_WAIT = Duration.ofSeconds(60);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	// Redis 7 waits 5 s by default before a full sync, for more replicas to share it.
	private static final List<String> SERVER_OPTIONS = List.of("--repl-diskless-sync-delay", "0");

	private final List<RedisProcess> servers = new ArrayList<>();

	// The proxy that each replica was last pointed through, by server; each leads to the master of that moment.
	private final Map<Integer, TcpProxy> links = new HashMap<>();

	private final List<RedisProcess> sentinels = new ArrayList<>();

	private RedisSentinels() {
	}

	/**
	 * Whether a Sentinel set-up can start here: only from a local binary, not in containers.
	 */
	public static boolean isAvailable() {
		return RedisLauncher.binary().isPresent();
	}

	/**
	 * Starts a master, {@code replicas} replicas and three Sentinels, and returns once every Sentinel knows the
	 * master, each replica and the other two Sentinels.
	 * @throws IllegalStateException when no local binary is available or the set-up does not form within 30 s
	 */
	public static RedisSentinels start(int replicas) {
		Assert.isTrue(replicas >= 1, "A Sentinel set-up needs at least one replica");
		Path binary = RedisLauncher.binary()
			.orElseThrow(() -> new IllegalStateException(
					"Redis Sentinel needs a local redis-server binary; test servers run in containers here"));
		RedisSentinels sentinels = new RedisSentinels();
		try {
			sentinels.form(binary, replicas);
			return sentinels;
		}
		catch (RuntimeException ex) {
			sentinels.close();
			throw ex;
		}
	}

	private void form(Path binary, int replicas) {
		RedisProcess master = RedisProcess.launch(binary, SERVER_OPTIONS);
		this.servers.add(master);
		for (int i = 1; i <= replicas; i++) {
			TcpProxy link = TcpProxy.start(master.host(), master.port());
			this.links.put(i, link);
			this.servers.add(RedisProcess.launch(binary, replicaOptions(link.host(), link.port(), priority(i))));
		}
		// Replicas in sync before the Sentinels start are in the master's first INFO reply, which saves a
		// Sentinel the wait for the next one, ten seconds later.
		await(this + " to replicate").atMost(FORMATION_TIMEOUT)
			.pollInterval(POLL_INTERVAL)
			.ignoreException(UncheckedIOException.class)
			.until(() -> onlineReplicas(0) == replicas);
		List<String> config = List.of(
				"sentinel monitor %s %s %d %d".formatted(MASTER_NAME, master.host(), master.port(), QUORUM),
				"sentinel down-after-milliseconds %s %d".formatted(MASTER_NAME, DOWN_AFTER_MILLIS),
				"sentinel failover-timeout %s %d".formatted(MASTER_NAME, FAILOVER_TIMEOUT.toMillis()),
				"sentinel parallel-syncs %s 1".formatted(MASTER_NAME));
		for (int i = 0; i < SENTINELS; i++) {
			this.sentinels.add(RedisProcess.launchSentinel(binary, config));
		}
		await(this + " to form").atMost(FORMATION_TIMEOUT)
			.pollInterval(POLL_INTERVAL)
			.ignoreException(UncheckedIOException.class)
			.until(() -> IntStream.range(0, SENTINELS).allMatch((sentinel) -> knowsAll(sentinel, 0)));
	}

	private static int priority(int server) {
		return (server == 1) ? PREFERRED_PRIORITY : DEFAULT_PRIORITY;
	}

	private static List<String> replicaOptions(String masterHost, int masterPort, int priority) {
		List<String> options = new ArrayList<>(SERVER_OPTIONS);
		// The replica's REPLCONF listening-port already names its own port, not the proxy's.
		options.addAll(List.of("--replicaof", masterHost, Integer.toString(masterPort), "--replica-announce-ip",
				RedisProcess.HOST, "--replica-priority", Integer.toString(priority)));
		return options;
	}

	// Whether the Sentinel sees `master` as master, every other running server as its healthy replica and the other
	// Sentinels.
	private boolean knowsAll(int sentinel, int master) {
		Map<String, String> state = fields(sentinel(sentinel, "SENTINEL", "MASTER", MASTER_NAME));
		List<Integer> replicas = IntStream.range(0, this.servers.size())
			.filter((server) -> server != master && this.servers.get(server).isRunning())
			.boxed()
			.toList();
		return address(master).equals(state.get("ip") + ":" + state.get("port"))
				&& "master".equals(state.get("flags"))
				&& Integer.toString(SENTINELS - 1).equals(state.get("num-other-sentinels"))
				&& replicas.stream().allMatch((replica) -> isHealthyReplica(sentinel, replica));
	}

	private String replicaRunId(int sentinel, int server) {
		return list(sentinel(sentinel, "SENTINEL", "REPLICAS", MASTER_NAME)).stream()
			.map((replica) -> fields(replica))
			.filter((replica) -> address(server).equals(replica.get("name")))
			.map((replica) -> replica.get("runid"))
			.findFirst()
			.orElse("");
	}

	private boolean isHealthyReplica(int sentinel, int server) {
		return list(sentinel(sentinel, "SENTINEL", "REPLICAS", MASTER_NAME)).stream()
			.map((replica) -> fields(replica))
			.anyMatch((replica) -> address(server).equals(replica.get("name")) && "slave".equals(replica.get("flags"))
					&& "ok".equals(replica.get("master-link-status")));
	}

	/**
	 * Number of servers, master and replicas; they are numbered from 0.
	 */
	public int servers() {
		return this.servers.size();
	}

	/**
	 * The Sentinels' addresses as {@code spring.data.redis.sentinel.nodes} takes them: {@code host:port,host:port}.
	 */
	public String sentinelNodes() {
		return this.sentinels.stream()
			.map((sentinel) -> sentinel.host() + ":" + sentinel.port())
			.collect(Collectors.joining(","));
	}

	/**
	 * The address of server {@code server}, as {@code host:port}.
	 */
	public String address(int server) {
		RedisProcess process = this.servers.get(server);
		return process.host() + ":" + process.port();
	}

	/**
	 * Whether server {@code server} runs, paused or not.
	 */
	public boolean isRunning(int server) {
		return this.servers.get(server).isRunning();
	}

	/**
	 * Sends one command to server {@code server} and returns its reply as raw RESP lines joined by {@code \n}.
	 */
	public String command(int server, String... args) {
		RedisProcess process = this.servers.get(server);
		return RespClient.command(process.host(), process.port(), COMMAND_TIMEOUT, args);
	}

	/**
	 * What each Sentinel reports as the master's address now ({@code host:port}), in Sentinel order.
	 * @throws UncheckedIOException when a Sentinel does not answer
	 */
	public List<String> reportedMasters() {
		return IntStream.range(0, SENTINELS).mapToObj((sentinel) -> {
			List<Object> address = list(sentinel(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME));
			return address.get(0) + ":" + address.get(1);
		}).toList();
	}

	/**
	 * The server that every Sentinel reports as master now.
	 * @throws IllegalStateException when the Sentinels disagree or report an address that is no server here
	 */
	public int master() {
		List<String> reported = reportedMasters();
		Assert.state(reported.stream().distinct().count() == 1, () -> "The Sentinels disagree on the master: " + reported);
		return serverAt(reported.get(0));
	}

	private int serverAt(String address) {
		return IntStream.range(0, this.servers.size())
			.filter((server) -> address(server).equals(address))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No server of " + this + " at " + address));
	}

	/**
	 * Kills server {@code server} with {@code SIGKILL} and waits for it to exit.
	 */
	public void kill(int server) {
		this.servers.get(server).kill();
	}

	/**
	 * Stops server {@code server} with {@code SIGSTOP}: it keeps its connections but answers nothing.
	 */
	public void pause(int server) {
		this.servers.get(server).pause();
	}

	/**
	 * Continues server {@code server} with {@code SIGCONT} after {@link #pause(int)}.
	 */
	public void resume(int server) {
		this.servers.get(server).resume();
	}

	/**
	 * The servers that run as replicas of the current master now, in server order.
	 */
	public List<Integer> replicas() {
		int master = master();
		return IntStream.range(0, this.servers.size())
			.filter((server) -> server != master && this.servers.get(server).isRunning())
			.boxed()
			.toList();
	}

	/**
	 * Silently discards, from now on, every byte between replica {@code replica} and the current master, in both
	 * directions: the replica misses every later write, yet its link looks up to it and to the master, and the
	 * Sentinels still reach it, for the next 10 s at least. The replica is first pointed at the master through a new
	 * proxy and waited for until it is in sync again, which restarts the time after which a Sentinel would point it at
	 * the master itself.
	 * @throws IllegalStateException when the replica does not catch up through the new proxy within 30 s
	 */
	public void cutOff(int replica) {
		int master = master();
		Assert.isTrue(replica >= 0 && replica < this.servers.size() && replica != master,
				() -> "No replica " + replica + ": the master is " + master + " of servers 0 to "
						+ (this.servers.size() - 1));
		route(replica, master).blackhole();
	}

	/**
	 * Heals the link that {@link #cutOff(int)} cut: the replica reconnects and catches up.
	 */
	public void reconnect(int replica) {
		TcpProxy link = this.links.get(replica);
		Assert.state(link != null, () -> "Replica " + replica + " replicates through no proxy");
		link.pass();
	}

	// Points the replica at the master through a new proxy and returns once it has acknowledged every write through
	// it. The replica continues from its offset (the master's replication id is the same), so no full sync follows.
	private TcpProxy route(int replica, int master) {
		RedisProcess target = this.servers.get(master);
		TcpProxy link = TcpProxy.start(target.host(), target.port());
		TcpProxy old = this.links.put(replica, link);
		String reply = command(replica, "REPLICAOF", link.host(), Integer.toString(link.port()));
		Assert.state(reply.startsWith("+OK"), () -> "REPLICAOF replied " + reply + " on " + address(replica));
		if (old != null) {
			old.close();
		}
		await(address(replica) + " to replicate through " + link).atMost(FORMATION_TIMEOUT)
			.pollInterval(POLL_INTERVAL)
			.ignoreException(UncheckedIOException.class)
			.until(() -> replicatesThrough(replica, link));
		awaitReplication();
		return link;
	}

	private boolean replicatesThrough(int replica, TcpProxy link) {
		String info = command(replica, "INFO", "replication");
		return info.contains("master_port:" + link.port() + "\r\n") && info.contains("master_link_status:up\r\n");
	}

	/**
	 * The replication offset of server {@code server}: how much of the replication stream a master has written, or a
	 * replica has processed; a replica below its master's offset has missed writes.
	 */
	public long replicationOffset(int server) {
		return command(server, "INFO", "replication").lines()
			.filter((line) -> line.startsWith("master_repl_offset:"))
			.map((line) -> Long.parseLong(line.substring("master_repl_offset:".length()).strip()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No master_repl_offset in INFO of " + address(server)));
	}

	/**
	 * Waits until every replica connected to the current master has acknowledged every write made so far, with
	 * {@code WAIT}; call it before {@link #cutOff(int)}, since a cut-off replica acknowledges nothing.
	 * @throws IllegalStateException when a replica has not acknowledged within 5 s
	 */
	public void awaitReplication() {
		int master = master();
		int replicas = onlineReplicas(master);
		String acknowledged = command(master, "WAIT", Integer.toString(replicas), "5000");
		Assert.state(acknowledged.equals(":" + replicas), () -> "Only %s of %d replicas of %s acknowledged the writes"
			.formatted(acknowledged.substring(1), replicas, address(master)));
	}

	private int onlineReplicas(int server) {
		String info = command(server, "INFO", "replication");
		return (int) info.lines().filter((line) -> line.matches("slave\\d+:.*state=online.*")).count();
	}

	/**
	 * Waits for the failover away from server {@code from}: every Sentinel reports the same other server as master,
	 * and that server answers {@code ROLE} as a master.
	 * @return the new master
	 * @throws IllegalStateException when no failover completes within 30 s, with the end of each Sentinel's log
	 */
	public int awaitFailover(int from) {
		int promoted;
		try {
			promoted = await(this + " to fail over from " + address(from)).atMost(FAILOVER_WAIT)
				.pollInterval(POLL_INTERVAL)
				.ignoreException(UncheckedIOException.class)
				.until(() -> {
					List<String> reported = reportedMasters();
					if (reported.stream().distinct().count() != 1 || reported.get(0).equals(address(from))) {
						return -1;
					}
					int master = serverAt(reported.get(0));
					return "master".equals(list(command(master, "ROLE")).get(0)) ? master : -1;
				}, (master) -> master >= 0);
		}
		catch (ConditionTimeoutException ex) {
			// The Sentinels' logs say why: no good replica, a failover delay, tilt mode.
			String logs = this.sentinels.stream()
				.map(RedisProcess::logTail)
				.collect(Collectors.joining(System.lineSeparator()));
			throw new IllegalStateException(ex.getMessage() + System.lineSeparator() + logs, ex);
		}
		// The promoted replica's link leads to a master that is gone.
		TcpProxy link = this.links.remove(promoted);
		if (link != null) {
			link.close();
		}
		return promoted;
	}

	/**
	 * Starts server {@code server}, which must not run, as a replica of the current master through a new proxy, and
	 * returns once it is in sync and every Sentinel sees it as a healthy replica.
	 */
	public void restartAsReplica(int server) {
		RedisProcess process = this.servers.get(server);
		Assert.state(!process.isRunning(), () -> process + " still runs");
		int master = master();
		RedisProcess current = this.servers.get(master);
		TcpProxy proxy = TcpProxy.start(current.host(), current.port());
		TcpProxy old = this.links.put(server, proxy);
		if (old != null) {
			old.close();
		}
		process.options(replicaOptions(proxy.host(), proxy.port(), priority(server)));
		process.start();
		// What a Sentinel knew of the server before it was killed may still look healthy: the new process has another
		// run id.
		String runId = command(server, "INFO", "server").lines()
			.filter((line) -> line.startsWith("run_id:"))
			.map((line) -> line.substring("run_id:".length()).strip())
			.findFirst()
			.orElseThrow();
		await(process + " to rejoin " + this).atMost(FORMATION_TIMEOUT)
			.pollInterval(POLL_INTERVAL)
			.ignoreException(UncheckedIOException.class)
			.until(() -> IntStream.range(0, SENTINELS)
				.allMatch((sentinel) -> isHealthyReplica(sentinel, server)
						&& runId.equals(replicaRunId(sentinel, server))));
	}

	/**
	 * Stops every Sentinel, server and proxy, and deletes their files.
	 */
	@Override
	public void close() {
		List<Runnable> closers = new ArrayList<>();
		this.sentinels.forEach((sentinel) -> closers.add(sentinel::close));
		this.servers.forEach((server) -> closers.add(server::close));
		this.links.values().forEach((link) -> closers.add(link::close));
		RuntimeException failure = null;
		for (Runnable closer : closers) {
			try {
				closer.run();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "Redis Sentinel set-up '%s' (servers %s, sentinels %s)".formatted(MASTER_NAME,
				IntStream.range(0, this.servers.size()).mapToObj(this::address).collect(Collectors.joining(",")),
				sentinelNodes());
	}

	private String sentinel(int sentinel, String... args) {
		RedisProcess process = this.sentinels.get(sentinel);
		return RespClient.command(process.host(), process.port(), COMMAND_TIMEOUT, args);
	}

	// Replies of Sentinel and ROLE hold no line breaks inside strings, so the lines of RespClient parse back.
	private static List<Object> list(String reply) {
		Iterator<String> lines = Arrays.asList(reply.split("\n", -1)).iterator();
		Object parsed = parse(lines);
		Assert.state(parsed instanceof List<?>, () -> "Not an array: " + reply);
		return castList(parsed);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> castList(Object list) {
		return (List<Object>) list;
	}

	private static Object parse(Iterator<String> lines) {
		String line = lines.next();
		String rest = line.substring(1);
		return switch (line.charAt(0)) {
			case '*' -> {
				List<Object> elements = new ArrayList<>();
				for (int i = Integer.parseInt(rest); i > 0; i--) {
					elements.add(parse(lines));
				}
				yield elements;
			}
			case '$' -> (Integer.parseInt(rest) < 0) ? "" : lines.next();
			case '-' -> throw new IllegalStateException("Redis replied with an error: " + rest);
			default -> rest;
		};
	}

	private static Map<String, String> fields(String reply) {
		return fields(list(reply));
	}

	private static Map<String, String> fields(Object pairs) {
		List<Object> list = castList(pairs);
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < list.size(); i += 2) {
			fields.put((String) list.get(i), String.valueOf(list.get(i + 1)));
		}
		return fields;
	}

}
