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


package io.github.leaderelection.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.github.leaderelection.faults.Checker.FaultOutcome;
import io.github.leaderelection.faults.Checker.Verdict;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.TcpProxy;
import org.jspecify.annotations.Nullable;

import org.springframework.util.FileSystemUtils;

/**
 * Runs instances of {@link FaultApplication} in JVMs of their own, each connected to one Redis through a
 * {@link TcpProxy} of its own, injects every kind of fault once and then random ones for a while, and checks what the
 * instances recorded with the {@link Checker}. Writes {@code summary.json}, {@code summary.md}, the histories and the
 * instances' logs to its directory. Every process it starts is stopped by its PID, also when it fails.
 */
final class FaultSuite {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

	private static final List<Fault.Kind> LEADER_PARTS = List.of(Fault.Kind.SIGTERM_LEADER, Fault.Kind.SIGKILL_LEADER,
			Fault.Kind.SIGSTOP_LEADER, Fault.Kind.PARTITION_DROP, Fault.Kind.PARTITION_BLACKHOLE, Fault.Kind.LATENCY);

	private static final List<Fault.Kind> REDIS_PARTS = List.of(Fault.Kind.REDIS_RESTART, Fault.Kind.REDIS_PAUSE);

	private static final List<Fault.Kind> FOLLOWER_PARTS = List.of(Fault.Kind.FOLLOWER_PAUSE,
			Fault.Kind.FOLLOWER_CUT_OFF);

	private final Settings settings;

	private final Path directory;

	private final PrintStream out;

	private final Timeline timeline = new Timeline();

	private final List<Instance> instances = new ArrayList<>();

	private final List<Instance> everyInstance = new ArrayList<>();

	private final long origin = System.nanoTime();

	private int incarnations;

	FaultSuite(Settings settings, Path directory, PrintStream out) {
		this.settings = settings;
		this.directory = directory;
		this.out = out;
	}

	Report run() throws IOException {
		// Histories are appended to: those of an earlier run must go.
		FileSystemUtils.deleteRecursively(this.directory);
		Files.createDirectories(this.directory.resolve("histories"));
		say("Seed %d (replay with -Dfaults.seed=%d); %s", this.settings.seed(), this.settings.seed(),
				this.settings.describe());
		String aborted = null;
		long ended;
		try (RedisServer redis = RedisServer.start()) {
			say("Started %s", redis);
			try {
				for (int slot = 1; slot <= this.settings.instances(); slot++) {
					launch(slot, redis);
				}
				for (Instance instance : List.copyOf(this.instances)) {
					awaitReady(instance);
				}
				for (Fault.Kind kind : Fault.Kind.values()) {
					inject(kind, redis);
				}
				Random random = new Random(this.settings.seed());
				long mixEnds = System.nanoTime() + this.settings.mix().toNanos();
				while (System.nanoTime() - mixEnds < 0) {
					injectMix(random, redis);
				}
				// Observe the recovery from the last fault too: the checker judges every fault by its recovery.
				awaitLeader();
			}
			catch (AbortedException ex) {
				aborted = ex.getMessage();
				say("STOPPED EARLY: %s", aborted);
			}
			finally {
				ended = System.nanoTime();
				stopAll();
			}
		}
		this.timeline.poll();
		Verdict verdict = Checker.check(this.timeline.snapshot(), this.settings.lease(), ended);
		Report report = new Report(this.settings, verdict, aborted, Duration.ofNanos(ended - this.origin));
		Files.writeString(this.directory.resolve("summary.json"), report.json(), StandardCharsets.UTF_8);
		Files.writeString(this.directory.resolve("summary.md"), report.markdown(), StandardCharsets.UTF_8);
		this.out.println(report.markdown());
		return report;
	}

	private void inject(Fault.Kind kind, RedisServer redis) {
		Instance leader = awaitLeader();
		this.timeline.step();
		say("fault %d: %s (leader %s)", this.timeline.snapshot().faults().size() + 1, kind.description(),
				leader.name());
		long lease = this.settings.lease().toNanos();
		Fault fault;
		switch (kind) {
			case SIGTERM_LEADER -> {
				fault = begin(kind, leader, redis);
				awaitNewLeader(fault);
				replace(leader, redis);
			}
			case SIGKILL_LEADER -> {
				fault = begin(kind, leader, redis);
				awaitNewLeader(fault);
				replace(leader, redis);
			}
			case SIGSTOP_LEADER -> {
				fault = begin(kind, leader, redis);
				awaitNewLeader(fault);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader, redis);
				awaitRevoked(leader, "after it was continued");
			}
			case PARTITION_DROP, PARTITION_BLACKHOLE -> {
				fault = begin(kind, leader, redis);
				awaitNewLeader(fault);
				awaitRevoked(leader, "while cut off");
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader, redis);
			}
			case LATENCY -> {
				fault = begin(kind, leader, redis);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader, redis);
			}
			case REDIS_RESTART -> {
				fault = begin(kind, null, redis);
				awaitNewLeader(fault);
			}
			case REDIS_PAUSE -> {
				fault = begin(kind, null, redis);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, null, redis);
				awaitNewLeader(fault);
			}
			case SLOW_LISTENER -> {
				Duration slow = this.settings.lease().multipliedBy(2);
				this.instances.stream().filter((instance) -> instance != leader).forEach((instance) -> instance
					.send("slow " + slow.toMillis()));
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.terminate();
				Grant next = awaitNewLeader(fault);
				awaitCondition(() -> this.timeline.hasSlowDone(next.instance(), next.token()),
						next.instance() + "'s slow listener did not return");
				this.instances.forEach((instance) -> instance.send("slow 0"));
				replace(leader, redis);
			}
			case PAUSE_AND_REDIS_RESTART -> {
				// The classic trap: the leader wakes up believing it leads, on a Redis that forgot its lease.
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.pause();
				redis.restart();
				awaitNewLeader(fault);
				hold(fault.injectedNanos() + 2 * lease);
				leader.resume();
				this.timeline.healed(fault, System.nanoTime());
				awaitRevoked(leader, "after it was continued");
			}
			case BLACKHOLE_AND_REDIS_RESTART -> {
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.proxy().blackhole();
				redis.restart();
				awaitNewLeader(fault);
				awaitRevoked(leader, "while cut off");
				hold(fault.injectedNanos() + 2 * lease);
				leader.proxy().pass();
				this.timeline.healed(fault, System.nanoTime());
			}
			case KILL_AND_REDIS_PAUSE -> {
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.kill();
				redis.pause();
				hold(fault.injectedNanos() + 2 * lease);
				redis.resume();
				this.timeline.healed(fault, System.nanoTime());
				awaitNewLeader(fault);
				replace(leader, redis);
			}
			case FOLLOWER_PAUSE, FOLLOWER_CUT_OFF -> {
				Instance follower = followers(leader).get(0);
				fault = begin(kind, follower, redis);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, follower, redis);
			}
			default -> throw new IllegalStateException("Unknown fault " + kind);
		}
		hold(System.nanoTime() + this.settings.settle().toNanos());
	}

	// A random mix: at most one fault of each group, at least one in all; the leader's at once, the others at random
	// moments within the first lease; every fault that lasts is healed two leases after the start.
	private void injectMix(Random random, RedisServer redis) {
		Instance leader = awaitLeader();
		List<Instance> followers = followers(leader);
		Fault.@Nullable Kind leaderPart = pick(random, LEADER_PARTS);
		Fault.@Nullable Kind redisPart = pick(random, REDIS_PARTS);
		Fault.@Nullable Kind followerPart = pick(random, FOLLOWER_PARTS);
		if (leaderPart == null && redisPart == null && followerPart == null) {
			leaderPart = LEADER_PARTS.get(random.nextInt(LEADER_PARTS.size()));
		}
		Instance follower = followers.get(random.nextInt(followers.size()));
		long lease = this.settings.lease().toNanos();
		long redisDelay = (long) (random.nextDouble() * lease);
		long followerDelay = (long) (random.nextDouble() * lease);
		this.timeline.step();
		long start = System.nanoTime();
		List<Part> parts = new ArrayList<>();
		if (leaderPart != null) {
			parts.add(new Part(leaderPart, leader, 0));
		}
		if (redisPart != null) {
			parts.add(new Part(redisPart, null, redisDelay));
		}
		if (followerPart != null) {
			parts.add(new Part(followerPart, follower, followerDelay));
		}
		parts.sort(Comparator.comparingLong(Part::delay));
		int first = this.timeline.snapshot().faults().size() + 1;
		say("%s: %s (leader %s)", (parts.size() == 1) ? "fault " + first
				: "mix of faults %d to %d".formatted(first, first + parts.size() - 1),
				String.join(", ", parts.stream().map((part) -> part.describe(leader)).toList()), leader.name());
		List<Fault> faults = new ArrayList<>();
		for (Part part : parts) {
			hold(start + part.delay());
			faults.add(begin(part.kind(), part.target(), redis));
		}
		hold(start + 2 * lease);
		for (int i = 0; i < parts.size(); i++) {
			heal(faults.get(i), parts.get(i).target(), redis);
		}
		if (leaderPart == Fault.Kind.SIGTERM_LEADER || leaderPart == Fault.Kind.SIGKILL_LEADER) {
			replace(leader, redis);
		}
		else if (leaderPart != null && leaderPart.removesLeader()) {
			awaitRevoked(leader, "after the mix of faults");
		}
		// The checker judges how soon a leader followed.
		awaitLeader();
		hold(System.nanoTime() + this.settings.settle().toNanos());
	}

	private List<Instance> followers(Instance leader) {
		List<Instance> followers = this.instances.stream()
			.filter((instance) -> instance != leader && instance.process().isAlive())
			.toList();
		if (followers.isEmpty()) {
			throw new AbortedException("no follower besides " + leader.name());
		}
		return followers;
	}

	private static Fault.@Nullable Kind pick(Random random, List<Fault.Kind> kinds) {
		int choice = random.nextInt(kinds.size() + 1);
		return (choice < kinds.size()) ? kinds.get(choice) : null;
	}

	// Injects one fault on an instance, or on Redis when the target is null, and records it; alone or in a mix.
	private Fault begin(Fault.Kind kind, @Nullable Instance target, RedisServer redis) {
		Fault fault = this.timeline.fault(kind, (target != null) ? target.name() : "redis", System.nanoTime());
		switch (kind) {
			case SIGTERM_LEADER -> required(target).terminate();
			case SIGKILL_LEADER -> required(target).kill();
			case SIGSTOP_LEADER, FOLLOWER_PAUSE -> required(target).pause();
			case PARTITION_DROP -> required(target).proxy().drop();
			case PARTITION_BLACKHOLE, FOLLOWER_CUT_OFF -> required(target).proxy().blackhole();
			case LATENCY -> required(target).proxy().latency(this.settings.lease().dividedBy(4));
			case REDIS_RESTART -> {
				redis.restart();
				this.timeline.healed(fault, System.nanoTime());
			}
			case REDIS_PAUSE -> redis.pause();
			default -> throw new IllegalStateException(kind + " is injected step by step, not by begin()");
		}
		return fault;
	}

	// Ends a fault that lasts; an instant one (a signal that ends a process, a restart) is over already.
	private void heal(Fault fault, @Nullable Instance target, RedisServer redis) {
		switch (fault.kind()) {
			case SIGSTOP_LEADER, FOLLOWER_PAUSE -> required(target).resume();
			case PARTITION_DROP, PARTITION_BLACKHOLE, LATENCY, FOLLOWER_CUT_OFF -> required(target).proxy().pass();
			case REDIS_PAUSE -> redis.resume();
			default -> {
				return;
			}
		}
		this.timeline.healed(fault, System.nanoTime());
	}

	private static Instance required(@Nullable Instance target) {
		if (target == null) {
			throw new IllegalStateException("A fault of an instance needs the instance");
		}
		return target;
	}

	private Instance launch(int slot, RedisServer redis) {
		int incarnation = ++this.incarnations;
		String name = "i" + slot + "-" + incarnation;
		Path history = this.directory.resolve("histories").resolve(name + ".history");
		Path log = this.directory.resolve("histories").resolve(name + ".log");
		TcpProxy proxy = TcpProxy.start(redis.host(), redis.port());
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath(),
				FaultApplication.class.getName(), "--spring.main.keep-alive=true",
				"--spring.data.redis.host=" + proxy.host(), "--spring.data.redis.port=" + proxy.port(),
				"--spring.data.redis.timeout=500ms", "--spring.data.redis.connect-timeout=500ms",
				"--leader.election.role=faults", "--leader.election.instance-id=" + name,
				"--faults.history=" + history.toAbsolutePath()));
		command.addAll(this.settings.arguments());
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Instance instance = new Instance(slot, name, process, proxy);
			this.instances.add(instance);
			this.everyInstance.add(instance);
			this.timeline.follow(name, history);
			this.timeline.life(name, Life.Kind.STARTED, System.nanoTime());
			say("%s starting (pid %d)", name, process.pid());
			return instance;
		}
		catch (IOException ex) {
			proxy.close();
			throw new UncheckedIOException(ex);
		}
	}

	// A stopped instance is replaced, so that others keep competing; the suite waits for it only when fewer than two
	// instances are ready.
	private void replace(Instance stopped, RedisServer redis) {
		if (!stopped.awaitExit(EXIT_TIMEOUT)) {
			throw new AbortedException(stopped.name() + " did not exit within " + EXIT_TIMEOUT.toSeconds() + " s");
		}
		this.timeline.life(stopped.name(), Life.Kind.EXITED, System.nanoTime());
		this.instances.remove(stopped);
		stopped.proxy().close();
		Instance replacement = launch(stopped.slot(), redis);
		if (this.instances.stream().filter((instance) -> this.timeline.isReady(instance.name())).count() < 2) {
			awaitReady(replacement);
		}
	}

	private void awaitReady(Instance instance) {
		awaitCondition(() -> this.timeline.isReady(instance.name()) || !instance.process().isAlive(),
				instance.name() + " did not start", STARTUP_TIMEOUT);
		if (!instance.process().isAlive()) {
			throw new AbortedException(instance.name() + " exited while starting; see histories/" + instance.name()
					+ ".log");
		}
	}

	private Instance awaitLeader() {
		Instance[] leader = new Instance[1];
		awaitCondition(() -> {
			Optional<Grant> grant = this.timeline.leader();
			leader[0] = grant.flatMap((value) -> this.instances.stream()
				.filter((instance) -> instance.name().equals(value.instance()) && instance.process().isAlive())
				.findFirst()).orElse(null);
			if (leader[0] != null) {
				leader[0].token(grant.get().token());
			}
			return leader[0] != null;
		}, "no instance leads");
		return leader[0];
	}

	private Grant awaitNewLeader(Fault fault) {
		String except = fault.kind().removesLeader() ? fault.target() : null;
		Grant[] next = new Grant[1];
		awaitCondition(() -> {
			next[0] = this.timeline.grantAfter(fault.injectedNanos(), except).orElse(null);
			return next[0] != null;
		}, "no new leader after fault %d (%s)".formatted(fault.number(), fault.kind()));
		Grant grant = next[0];
		say("fault %d: %s leads %d ms after it", fault.number(), grant.instance(),
				TimeUnit.NANOSECONDS.toMillis(grant.nanos() - fault.injectedNanos()));
		return grant;
	}

	private void awaitRevoked(Instance leader, String when) {
		long token = leader.token();
		awaitCondition(() -> this.timeline.hasRevoke(leader.name(), token),
				leader.name() + " did not revoke " + when);
	}

	private void awaitCondition(BooleanSupplier condition, String failure) {
		awaitCondition(condition, failure, this.settings.lease().multipliedBy(4).plusSeconds(10));
	}

	// Polls the histories every 10 ms: they are what the conditions read.
	private void awaitCondition(BooleanSupplier condition, String failure, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			this.timeline.poll();
			if (condition.getAsBoolean()) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AbortedException(failure + " within " + timeout.toSeconds() + " s");
			}
			poll();
		}
	}

	// Lets a fault last: reads the histories meanwhile.
	private void hold(long untilNanos) {
		while (System.nanoTime() - untilNanos < 0) {
			this.timeline.poll();
			poll();
		}
	}

	private static void poll() {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
	}

	private void stopAll() {
		for (Instance instance : this.instances) {
			if (instance.process().isAlive()) {
				instance.resume();
				instance.terminate();
			}
		}
		for (Instance instance : this.everyInstance) {
			if (!instance.awaitExit(EXIT_TIMEOUT)) {
				instance.process().destroyForcibly();
				instance.awaitExit(EXIT_TIMEOUT);
			}
			instance.proxy().close();
		}
	}

	private void say(String format, Object... args) {
		this.out.println("[%7.2f s] %s".formatted((System.nanoTime() - this.origin) / 1e9, format.formatted(args)));
	}

	private static String classPath() {
		return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
	}

	/**
	 * Lease settings and length of a run.
	 */
	record Settings(Duration lease, Duration renew, Duration retry, Duration jitter, int instances, Duration mix,
			Duration settle, long seed) {

		List<String> arguments() {
			return List.of("--leader.election.lease-duration=" + this.lease.toMillis() + "ms",
					"--leader.election.renew-interval=" + this.renew.toMillis() + "ms",
					"--leader.election.retry-interval=" + this.retry.toMillis() + "ms",
					"--leader.election.election-jitter=" + this.jitter.toMillis() + "ms");
		}

		String describe() {
			return "%d instances; lease %d ms, renew %d ms, retry %d ms, jitter %d ms; every fault alone, then %d s of random mixes of faults"
				.formatted(this.instances, this.lease.toMillis(), this.renew.toMillis(), this.retry.toMillis(),
						this.jitter.toMillis(), this.mix.toSeconds());
		}

	}

	/**
	 * One fault of a random mix: what, on which instance ({@code null} for Redis), and how long after the mix began.
	 */
	private record Part(Fault.Kind kind, @Nullable Instance target, long delay) {

		String describe(Instance leader) {
			String on = (this.target == null || this.target == leader) ? "" : " (" + this.target.name() + ")";
			return "%s%s at +%d ms".formatted(this.kind.label(), on, TimeUnit.NANOSECONDS.toMillis(this.delay));
		}

	}

	/**
	 * One JVM of the application, with its proxy to Redis.
	 */
	private final class Instance {

		private final int slot;

		private final String name;

		private final Process process;

		private final TcpProxy proxy;

		private final OutputStream stdin;

		private volatile long token;

		private boolean paused;

		Instance(int slot, String name, Process process, TcpProxy proxy) {
			this.slot = slot;
			this.name = name;
			this.process = process;
			this.proxy = proxy;
			this.stdin = process.getOutputStream();
		}

		int slot() {
			return this.slot;
		}

		String name() {
			return this.name;
		}

		Process process() {
			return this.process;
		}

		TcpProxy proxy() {
			return this.proxy;
		}

		long token() {
			return this.token;
		}

		void token(long token) {
			this.token = token;
		}

		void terminate() {
			// Through the handle: it sends SIGTERM and leaves the pipes open.
			this.process.toHandle().destroy();
			FaultSuite.this.timeline.life(this.name, Life.Kind.TERMINATED, System.nanoTime());
		}

		void kill() {
			this.process.toHandle().destroyForcibly();
			FaultSuite.this.timeline.life(this.name, Life.Kind.KILLED, System.nanoTime());
		}

		void pause() {
			signal("STOP");
			this.paused = true;
			FaultSuite.this.timeline.life(this.name, Life.Kind.PAUSED, System.nanoTime());
		}

		void resume() {
			if (this.paused) {
				signal("CONT");
				this.paused = false;
				FaultSuite.this.timeline.life(this.name, Life.Kind.RESUMED, System.nanoTime());
			}
		}

		void send(String command) {
			try {
				this.stdin.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
				this.stdin.flush();
			}
			catch (IOException ex) {
				// The instance is gone; nothing to tell it.
			}
		}

		boolean awaitExit(Duration timeout) {
			try {
				return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		private void signal(String signal) {
			try {
				Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(this.process.pid())).start();
				if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
					throw new AbortedException("kill -s %s %d failed".formatted(signal, this.process.pid()));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AbortedException("interrupted");
			}
		}

	}

	/**
	 * The suite could not go on: a process did not start or exit, or a fault was not followed by what must follow.
	 */
	static final class AbortedException extends RuntimeException {

		AbortedException(String message) {
			super(message);
		}

	}

	/**
	 * The outcome of a run, as Markdown and JSON.
	 */
	record Report(Settings settings, Verdict verdict, @Nullable String aborted, Duration duration) {

		boolean passed() {
			return this.aborted == null && this.verdict.passed();
		}

		String markdown() {
			StringBuilder md = new StringBuilder();
			md.append("# Fault suite: ").append(passed() ? "PASSED" : "FAILED").append("\n\n");
			md.append("Seed ").append(this.settings.seed()).append("; ").append(this.settings.describe());
			md.append("; ran for ").append(this.duration.toSeconds()).append(" s.\n\n");
			if (this.aborted != null) {
				md.append("**Stopped early:** ").append(this.aborted).append("\n\n");
			}
			md.append("| measure | value |\n| --- | --- |\n");
			md.append("| faults injected | ").append(this.verdict.faultsByKind().values().stream().mapToInt(Integer::intValue).sum()).append(" |\n");
			md.append("| handovers (grants after the first) | ").append(this.verdict.handovers()).append(" |\n");
			md.append("| longest time without a leader | ")
				.append(this.verdict.longestWithoutLeader().duration().toMillis())
				.append(" ms |\n");
			md.append("| job runs checked | ").append(this.verdict.executions()).append(" |\n");
			md.append("| overlapping runs with different tokens | ").append(this.verdict.overlaps()).append(" |\n");
			md.append("| runs paused mid-way that the next leader's runs overlapped (a fencing token check rejects them) | ")
				.append(this.verdict.fencedOverlaps())
				.append(" |\n\n");
			// A step of one fault counts for its kind; a step of several is a mix, named by its parts.
			Map<Integer, List<FaultOutcome>> steps = this.verdict.outcomes()
				.stream()
				.collect(Collectors.groupingBy((outcome) -> outcome.fault().step(), TreeMap::new, Collectors.toList()));
			Map<String, List<FaultOutcome>> alone = new LinkedHashMap<>();
			Map<String, List<FaultOutcome>> mixes = new TreeMap<>();
			for (Fault.Kind kind : Fault.Kind.values()) {
				alone.put(kind.description(), new ArrayList<>());
			}
			steps.values().forEach((step) -> {
				if (step.size() == 1) {
					alone.get(step.get(0).fault().kind().description()).add(step.get(0));
				}
				else {
					String name = String.join(" + ", step.stream().map((outcome) -> outcome.fault().kind().label()).toList());
					mixes.computeIfAbsent(name, (key) -> new ArrayList<>()).add(step.get(0));
				}
			});
			alone.values().removeIf(List::isEmpty);
			md.append("| fault alone | injected | new leader after (median, max) |\n| --- | --- | --- |\n");
			alone.forEach((name, outcomes) -> md.append(row(name, outcomes)));
			if (!mixes.isEmpty()) {
				md.append("\n| random mix (in the order injected) | injected | new leader after the first fault (median, max) |\n");
				md.append("| --- | --- | --- |\n");
				mixes.forEach((name, outcomes) -> md.append(row(name, outcomes)));
			}
			md.append("\n");
			if (this.verdict.problems().isEmpty()) {
				md.append("No problems found.\n");
			}
			else {
				md.append("Problems:\n\n");
				this.verdict.problems().forEach((problem) -> md.append("- ").append(problem).append('\n'));
			}
			return md.toString();
		}

		private static String row(String name, List<FaultOutcome> outcomes) {
			List<Long> afters = outcomes.stream()
				.map(FaultOutcome::after)
				.filter(Objects::nonNull)
				.map(Duration::toMillis)
				.sorted()
				.toList();
			return "| %s | %d | %s |\n".formatted(name, outcomes.size(), afters.isEmpty()
					? "no handover to another instance"
					: "%d ms, %d ms".formatted(afters.get((afters.size() - 1) / 2), afters.get(afters.size() - 1)));
		}

		String json() {
			StringBuilder json = new StringBuilder("{\n");
			json.append("  \"passed\": ").append(passed()).append(",\n");
			json.append("  \"seed\": ").append(this.settings.seed()).append(",\n");
			json.append("  \"leaseMillis\": ").append(this.settings.lease().toMillis()).append(",\n");
			json.append("  \"instances\": ").append(this.settings.instances()).append(",\n");
			json.append("  \"durationSeconds\": ").append(this.duration.toSeconds()).append(",\n");
			json.append("  \"aborted\": ").append((this.aborted != null) ? quote(this.aborted) : "null").append(",\n");
			json.append("  \"faultsByKind\": {");
			json.append(String.join(", ", this.verdict.faultsByKind()
				.entrySet()
				.stream()
				.map((entry) -> quote(entry.getKey().name()) + ": " + entry.getValue())
				.toList()));
			json.append("},\n");
			json.append("  \"handovers\": ").append(this.verdict.handovers()).append(",\n");
			json.append("  \"longestWithoutLeaderMillis\": ")
				.append(this.verdict.longestWithoutLeader().duration().toMillis())
				.append(",\n");
			json.append("  \"executionsChecked\": ").append(this.verdict.executions()).append(",\n");
			json.append("  \"overlaps\": ").append(this.verdict.overlaps()).append(",\n");
			json.append("  \"fencedOverlaps\": ").append(this.verdict.fencedOverlaps()).append(",\n");
			json.append("  \"faults\": [\n");
			List<String> faults = new ArrayList<>();
			for (FaultOutcome outcome : this.verdict.outcomes()) {
				faults.add(("    {\"number\": %d, \"step\": %d, \"kind\": %s, \"target\": %s, \"nextLeader\": %s, "
						+ "\"afterMillis\": %s}")
					.formatted(outcome.fault().number(), outcome.fault().step(), quote(outcome.fault().kind().name()),
							quote(outcome.fault().target()),
							(outcome.nextLeader() != null) ? quote(outcome.nextLeader()) : "null",
							(outcome.after() != null) ? Long.toString(outcome.after().toMillis()) : "null"));
			}
			json.append(String.join(",\n", faults)).append("\n  ],\n");
			json.append("  \"problems\": [");
			json.append(String.join(", ", this.verdict.problems().stream().map(Report::quote).toList()));
			json.append("]\n}\n");
			return json.toString();
		}

		private static String quote(String text) {
			return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
		}

	}

}
