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


package io.github.leaderelection.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisLeaseStore} when a real Redis server loses or rolls back a role's data: a restart from an
 * older snapshot or append-only file, a failover to a replica, a deleted or evicted lock, {@code FLUSHALL}. Each test
 * runs servers of its own, local processes stopped by PID after it, and stores standing for processes that share
 * them.
 */
class RedisLeaseStoreDataLossTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ROLE = "reports";

	private static final String LOCK = "{leader-election:" + ROLE + "}:lock";

	private static final Pattern USED_MEMORY = Pattern.compile("used_memory:(\\d+)");

	private static final Pattern REPLID = Pattern.compile("master_replid:(\\w+)");

	private static final RedisLeaseStore.Options NO_NEW_SERVER_QUARANTINE = RedisLeaseStore.Options.DEFAULTS
		.withQuarantineNewServer(false);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void requireLocalServers() {
		Assumptions.assumeTrue(RedisServer.isLocal(),
				"Restarts from files and replication between servers need local redis-server processes");
	}

	@AfterEach
	void close() throws Exception {
		Collections.reverse(this.resources);
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void restartFromASnapshotTakenBeforeTheCurrentGrantQuarantinesForAFullLease() {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		List<LeaseStore> stores = List.of(store(factory), store(factory), store(factory));
		long firstToken = granted(stores.get(0).acquire(claim("first"))).fencingToken();
		assertThat(stores.get(0).release(ROLE, holder("first"))).isTrue();
		// Redis's default persistence: a snapshot now and then. This one holds the role's data but no lock.
		assertThat(server.command("SAVE")).isEqualTo("+OK");
		Acquisition current = granted(stores.get(1).acquire(claim("second")));
		assertThat(current.fencingToken()).isGreaterThan(firstToken);
		assertThat(stores.get(2).acquire(claim("third")).outcome()).isEqualTo(Outcome.HELD);
		server.kill();
		server.restart();
		assertQuarantinedAfterRestart(server, stores, current);
	}

	@Test
	void restartFromAnOlderAppendOnlyFileQuarantinesForAFullLease() throws IOException {
		RedisServer server = server("--appendonly", "yes", "--appendfsync", "everysec");
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		List<LeaseStore> stores = List.of(store(factory), store(factory), store(factory));
		long firstToken = granted(stores.get(0).acquire(claim("first"))).fencingToken();
		assertThat(stores.get(0).release(ROLE, holder("first"))).isTrue();
		// With everysec a kill -9 loses nothing (the writes are in the page cache); the last second goes only when
		// the machine dies. A copy taken now stands for what such a crash, or a restored backup, leaves behind.
		// Rewritten first, so that the copy holds every write so far: everysec may postpone a write for 2 seconds.
		assertThat(server.command("BGREWRITEAOF")).startsWith("+");
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			String persistence = server.command("INFO", "persistence");
			return persistence.contains("aof_rewrite_in_progress:0") && persistence.contains("aof_rewrite_scheduled:0")
					&& persistence.contains("aof_last_bgrewrite_status:ok");
		});
		Path directory = Path.of(lastLine(server.command("CONFIG", "GET", "dir")));
		Path file = Files.exists(directory.resolve("appendonlydir")) ? directory.resolve("appendonlydir")
				: directory.resolve("appendonly.aof");
		Path older = Files.createTempDirectory("older-aof-");
		this.resources.add(() -> FileSystemUtils.deleteRecursively(older));
		FileSystemUtils.copyRecursively(file, older.resolve("copy"));
		Acquisition current = granted(stores.get(1).acquire(claim("second")));
		assertThat(current.fencingToken()).isGreaterThan(firstToken);
		assertThat(stores.get(2).acquire(claim("third")).outcome()).isEqualTo(Outcome.HELD);
		server.kill();
		FileSystemUtils.deleteRecursively(file);
		FileSystemUtils.copyRecursively(older.resolve("copy"), file);
		server.restart();
		assertQuarantinedAfterRestart(server, stores, current);
	}

	// The role's counter came back with the older file, the lock did not; the first claim is quarantined, the
	// holder of the current grant cannot renew, and the next grant comes a lease later with a higher token.
	private static void assertQuarantinedAfterRestart(RedisServer server, List<LeaseStore> stores,
			Acquisition current) {
		long restarted = System.nanoTime();
		assertThat(server.command("EXISTS", "{leader-election:" + ROLE + "}:token")).as("older data loaded")
			.isEqualTo(":1");
		assertThat(server.command("EXISTS", LOCK)).isEqualTo(":0");
		Acquisition afterRestart = firstAnswer(() -> stores.get(2).acquire(claim("third")));
		assertThat(afterRestart.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(afterRestart.retryAfter()).isGreaterThan(LEASE.minusMillis(500)).isLessThanOrEqualTo(LEASE);
		assertThat(firstAnswer(() -> stores.get(1).renew(ROLE, holder("second"), LEASE))).isFalse();
		Acquisition next = awaitGrant(List.of(stores.get(0), stores.get(2)), List.of("first", "third"));
		assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isGreaterThan(LEASE.minusMillis(500));
		assertThat(next.fencingToken()).isGreaterThan(current.fencingToken());
	}

	@Test
	void failoverToAReplicaThatMissedTheLastWritesQuarantinesForAFullLease() {
		RedisServer master = server();
		RedisServer replica = server();
		TcpProxy link = replicateThroughProxy(replica, master);
		RedisConnectionFactory toMaster = lettuce(master);
		RedisLeaseStores.awaitUptime(master, LEASE);
		LeaseStore first = store(toMaster);
		LeaseStore second = store(toMaster);
		long firstToken = granted(first.acquire(claim("first"))).fencingToken();
		await().atMost(TIMEOUT).until(() -> replica.command("GET", LOCK).contains("first"));
		link.blackhole();
		assertThat(first.release(ROLE, holder("first"))).isTrue();
		long secondToken = granted(second.acquire(claim("second"))).fencingToken();
		assertThat(secondToken).isGreaterThan(firstToken);
		master.kill();
		assertThat(replica.command("REPLICAOF", "NO", "ONE")).isEqualTo("+OK");
		// The promoted replica still holds the first grant, and a counter below the second.
		assertThat(replica.command("GET", LOCK)).contains("first");
		RedisConnectionFactory toReplica = lettuce(replica);
		LeaseStore third = store(toReplica);
		Acquisition quarantined = third.acquire(claim("third"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isEqualTo(LEASE);
		assertThat(quarantined.reason()).isEqualTo(("Redis at %s:%d restarted or failed over since the last write of "
				+ "'%s' (its run id or replication id changed)")
			.formatted(replica.host(), replica.port(), ROLE));
		assertThat(replica.command("EXISTS", LOCK)).isEqualTo(":0");
		// The processes of the first and the second grant, now connected to the new master.
		LeaseStore firstAgain = store(toReplica);
		LeaseStore secondAgain = store(toReplica);
		assertThat(firstAgain.renew(ROLE, holder("first"), LEASE)).isFalse();
		assertThat(secondAgain.renew(ROLE, holder("second"), LEASE)).isFalse();
		Acquisition next = awaitGrant(List.of(third, firstAgain), List.of("third", "first"));
		assertThat(next.fencingToken()).isGreaterThan(secondToken);
	}

	@Test
	void failoverToAReplicaThatNeverReceivedTheRoleQuarantinesAnInstanceThatNeverSawIt() {
		RedisServer master = server();
		RedisServer replica = server();
		TcpProxy link = replicateThroughProxy(replica, master);
		RedisLeaseStores.awaitUptime(replica, LEASE);
		// The role's first grant never reaches the replica.
		link.blackhole();
		LeaseStore holder = store(lettuce(master));
		long token = granted(holder.acquire(claim("holder"))).fencingToken();
		master.kill();
		assertThat(replica.command("REPLICAOF", "NO", "ONE")).isEqualTo("+OK");
		assertThat(replica.command("EXISTS", "{leader-election:" + ROLE + "}:state")).isEqualTo(":0");
		// An instance started during the failover: the promoted server shows it no sign of the lease in use.
		RedisConnectionFactory toReplica = lettuce(replica);
		LeaseStore newcomer = store(toReplica);
		Acquisition quarantined = newcomer.acquire(claim("newcomer"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isEqualTo(LEASE);
		assertThat(quarantined.reason()).isEqualTo(("Redis at %s:%d is a replica promoted since it started, which may "
				+ "never have received '%s' from its old master while a lease was in use; no leader for one lease (set "
				+ "leader.election.redis.quarantine-new-server=false where no earlier leader can exist, such as tests)")
			.formatted(replica.host(), replica.port(), ROLE));
		// The holder, now connected to the new master, meets the loss at its next renewal.
		LeaseStore holderAgain = store(toReplica);
		assertThat(holderAgain.renew(ROLE, holder("holder"), LEASE)).isFalse();
		assertThat(awaitGrant(List.of(newcomer), List.of("newcomer")).fencingToken()).isGreaterThan(token);
		// Once per role and server: another role's first claim waits too, a later claim of this one does not.
		Acquisition otherRole = newcomer.acquire(claim("audits", "newcomer"));
		assertThat(otherRole.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(otherRole.reason()).contains("is a replica promoted since it started");
		assertThat(store(toReplica).acquire(claim("later")).outcome()).isEqualTo(Outcome.HELD);
	}

	@Test
	void promotionOfAReplicaWithAllTheWritesQuarantinesAsWell() {
		RedisServer master = server();
		RedisServer replica = server();
		replicate(replica, master, master.host(), master.port());
		RedisConnectionFactory toMaster = lettuce(master);
		RedisLeaseStores.awaitUptime(master, LEASE);
		LeaseStore first = store(toMaster);
		long token = granted(first.acquire(claim("first"))).fencingToken();
		assertThat(master.command("WAIT", "1", "5000")).isEqualTo(":1");
		assertThat(replica.command("REPLICAOF", "NO", "ONE")).isEqualTo("+OK");
		LeaseStore onReplica = store(lettuce(replica));
		// The replica's run id differs from the master's: nothing tells that it received every write.
		Acquisition quarantined = onReplica.acquire(claim("second"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(onReplica.renew(ROLE, holder("first"), LEASE)).isFalse();
		assertThat(awaitGrant(List.of(onReplica), List.of("second")).fencingToken()).isGreaterThan(token);
	}

	@Test
	void aReplicaAttachingToTheMasterIsNoLoss() {
		RedisServer master = server();
		RedisConnectionFactory factory = lettuce(master);
		// A lease that outlasts the first synchronisation; the server is younger than that.
		Duration lease = Duration.ofMinutes(1);
		LeaseStore first = store(factory, NO_NEW_SERVER_QUARANTINE);
		LeaseStore second = store(factory, NO_NEW_SERVER_QUARANTINE);
		assertThat(first.acquire(claim("first", lease)).isGranted()).isTrue();
		String replid = find(REPLID, master.command("INFO", "replication"));
		RedisServer replica = server();
		replicate(replica, master, master.host(), master.port());
		// The master took a new replication id for its new backlog.
		String replication = master.command("INFO", "replication");
		assertThat(find(REPLID, replication)).isNotEqualTo(replid);
		assertThat(replication).contains("master_replid2:0000000000");
		assertThat(first.renew(ROLE, holder("first"), lease)).isTrue();
		assertThat(second.acquire(claim("second", lease)).outcome()).isEqualTo(Outcome.HELD);
	}

	@Test
	void deleteOfTheLockWhileHeldQuarantinesForAFullLease() {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		LeaseStore holder = store(factory);
		LeaseStore follower = store(factory);
		long token = granted(holder.acquire(claim("holder"))).fencingToken();
		assertThat(server.command("DEL", LOCK)).isEqualTo(":1");
		Acquisition quarantined = follower.acquire(claim("follower"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.reason())
			.isEqualTo("the lock of '%s' on Redis at %s:%d vanished before it expired (evicted or deleted)"
				.formatted(ROLE, server.host(), server.port()));
		assertThat(holder.renew(ROLE, holder("holder"), LEASE)).isFalse();
		assertThat(awaitGrant(List.of(follower), List.of("follower")).fencingToken()).isGreaterThan(token);
	}

	@Test
	void releaseAfterADeleteOfTheLockEndsTheLeaseAtOnceAndTellsTheFollowers() {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		LeaseStore holder = store(factory);
		LeaseStore follower = store(factory);
		AtomicInteger released = new AtomicInteger();
		follower.onRelease(ROLE, released::incrementAndGet);
		long token = granted(holder.acquire(claim("holder"))).fencingToken();
		assertThat(server.command("DEL", LOCK)).isEqualTo(":1");
		released.set(0);
		// The state still names the holder: nobody was granted since, and the holder steps down.
		assertThat(holder.release(ROLE, holder("holder"))).isTrue();
		await().atMost(TIMEOUT).until(() -> released.get() > 0);
		assertThat(granted(follower.acquire(claim("follower"))).fencingToken()).isGreaterThan(token);
		assertThat(holder.release(ROLE, holder("holder"))).isFalse();
	}

	@Test
	void releaseAfterASignOfLossQuarantinesForAFullLeaseAndTellsTheFollowers() {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		LeaseStore holder = store(factory);
		LeaseStore follower = store(factory);
		AtomicInteger released = new AtomicInteger();
		follower.onRelease(ROLE, released::incrementAndGet);
		long token = granted(holder.acquire(claim("holder"))).fencingToken();
		// The lock is still there, its state is not: the role's data cannot be trusted.
		assertThat(server.command("DEL", "{leader-election:" + ROLE + "}:state")).isEqualTo(":1");
		released.set(0);
		long releasedAt = System.nanoTime();
		assertThat(holder.release(ROLE, holder("holder"))).isTrue();
		await().atMost(TIMEOUT).until(() -> released.get() > 0);
		assertThat(server.command("EXISTS", LOCK)).isEqualTo(":0");
		Acquisition quarantined = follower.acquire(claim("follower"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isGreaterThan(LEASE.minusMillis(500)).isLessThanOrEqualTo(LEASE);
		assertThat(quarantined.reason()).startsWith("the data of '%s' on Redis at".formatted(ROLE));
		assertThat(awaitGrant(List.of(follower), List.of("follower")).fencingToken()).isGreaterThan(token);
		assertThat(Duration.ofNanos(System.nanoTime() - releasedAt)).isGreaterThan(LEASE.minusMillis(500));
	}

	@Test
	void flushAllQuarantinesBothInstancesThatSawTheRoleAndNewcomers() {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		LeaseStore holder = store(factory);
		long token = granted(holder.acquire(claim("holder"))).fencingToken();
		assertThat(server.command("FLUSHALL")).isEqualTo("+OK");
		// A newcomer claims first: it never saw the role, but the server counted the flush.
		LeaseStore newcomer = store(factory);
		Acquisition quarantined = newcomer.acquire(claim("newcomer"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isEqualTo(LEASE);
		assertThat(quarantined.reason()).isEqualTo(("FLUSHALL or FLUSHDB ran on Redis at %s:%d since it started and "
				+ "may have deleted a lease still in use; no leader for one lease (set "
				+ "leader.election.redis.quarantine-new-server=false where no earlier leader can exist, such as tests)")
			.formatted(server.host(), server.port()));
		assertThat(holder.renew(ROLE, holder("holder"), LEASE)).isFalse();
		assertThat(holder.acquire(claim("holder")).outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(awaitGrant(List.of(newcomer, holder), List.of("newcomer", "holder")).fencingToken())
			.isGreaterThan(token);
		// The instance that saw the role notices the next flush itself.
		assertThat(server.command("FLUSHALL")).isEqualTo("+OK");
		assertThat(server.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		Acquisition again = holder.acquire(claim("holder"));
		assertThat(again.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(again.reason()).startsWith("the data of '%s' on Redis at".formatted(ROLE));
	}

	@Test
	void evictionOfTheLockUnderAVolatilePolicyQuarantinesForAFullLease() {
		RedisServer server = server();
		LettuceConnectionFactory factory = lettuce(server);
		// A long lease, so that the lock can only go by eviction; the server is younger than that.
		Duration lease = Duration.ofMinutes(5);
		LeaseStore holder = store(factory, NO_NEW_SERVER_QUARANTINE);
		LeaseStore follower = store(factory, NO_NEW_SERVER_QUARANTINE);
		long token = granted(holder.acquire(claim("holder", lease))).fencingToken();
		assertThat(follower.acquire(claim("follower", lease)).outcome()).isEqualTo(Outcome.HELD);
		long used = Long.parseLong(find(USED_MEMORY, server.command("INFO", "memory")));
		assertThat(server.command("CONFIG", "SET", "maxmemory", Long.toString(used + (4 << 20)))).isEqualTo("+OK");
		assertThat(server.command("CONFIG", "SET", "maxmemory-policy", "volatile-lru")).isEqualTo("+OK");
		StringRedisTemplate template = new StringRedisTemplate(factory);
		String value = "x".repeat(10_000);
		AtomicInteger fillers = new AtomicInteger();
		// Keys with a TTL, each written after the lock was: the lock is the least recently used of them.
		await().atMost(TIMEOUT).pollInterval(Duration.ZERO).until(() -> {
			for (int i = 0; i < 100; i++) {
				template.opsForValue().set("filler-" + fillers.incrementAndGet(), value, Duration.ofHours(1));
			}
			return !template.hasKey(LOCK);
		});
		assertThat(server.command("INFO", "stats")).containsPattern("evicted_keys:[1-9]");
		assertThat(template.hasKey("{leader-election:" + ROLE + "}:state")).isTrue();
		assertThat(template.hasKey("{leader-election:" + ROLE + "}:token")).isTrue();
		Acquisition quarantined = follower.acquire(claim("follower", LEASE));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.reason()).startsWith("the lock of '%s' on Redis at %s:%d vanished before it expired"
			.formatted(ROLE, server.host(), server.port()));
		assertThat(holder.renew(ROLE, holder("holder"), lease)).isFalse();
		assertThat(server.command("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK");
		assertThat(awaitGrant(List.of(follower), List.of("follower")).fencingToken()).isGreaterThan(token);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Loss.class)
	void renewAllRefusesAndQuarantinesEachRoleAsRenewDoes(Loss loss) {
		RedisServer server = server();
		RedisConnectionFactory factory = lettuce(server);
		RedisLeaseStores.awaitUptime(server, LEASE);
		LeaseStore holder = store(factory);
		LeaseStore follower = store(factory);
		List<String> roles = List.of("alone", "first", "second");
		for (String role : roles) {
			granted(holder.acquire(claim(role, "holder")));
		}
		loss.apply(server, roles);
		assertThat(firstAnswer(() -> holder.renew("alone", holder("holder"), LEASE))).isFalse();
		assertThat(firstAnswer(() -> holder.renewAll(List.of(new LeaseRenewal("first", holder("holder"), LEASE),
				new LeaseRenewal("second", holder("holder"), LEASE)))))
			.containsExactly(false, false);
		Acquisition alone = follower.acquire(claim("alone", "follower"));
		assertThat(alone.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(alone.reason()).contains("'alone'");
		for (String role : List.of("first", "second")) {
			Acquisition batched = follower.acquire(claim(role, "follower"));
			assertThat(batched.outcome()).as(role).isEqualTo(Outcome.QUARANTINED);
			assertThat(batched.reason().replace("'" + role + "'", "'alone'")).as(role).isEqualTo(alone.reason());
			assertThat(batched.retryAfter()).as(role).isCloseTo(alone.retryAfter(), Duration.ofMillis(500));
		}
	}

	/**
	 * Ways a Redis server loses the data of live leases, each of which renew.lua tells.
	 */
	enum Loss {

		FLUSHALL {
			@Override
			void apply(RedisServer server, List<String> roles) {
				assertThat(server.command("FLUSHALL")).isEqualTo("+OK");
			}
		},

		LOCKS_DELETED {
			@Override
			void apply(RedisServer server, List<String> roles) {
				roles.forEach((role) -> assertThat(server.command("DEL", "{leader-election:" + role + "}:lock"))
					.isEqualTo(":1"));
			}
		},

		STATES_DELETED {
			@Override
			void apply(RedisServer server, List<String> roles) {
				roles.forEach((role) -> assertThat(server.command("DEL", "{leader-election:" + role + "}:state"))
					.isEqualTo(":1"));
			}
		},

		COUNTERS_ROLLED_BACK {
			@Override
			void apply(RedisServer server, List<String> roles) {
				roles.forEach((role) -> assertThat(server.command("SET", "{leader-election:" + role + "}:token", "1"))
					.isEqualTo("+OK"));
			}
		},

		RESTART_WITHOUT_PERSISTENCE {
			@Override
			void apply(RedisServer server, List<String> roles) {
				server.kill();
				server.restart();
			}
		};

		abstract void apply(RedisServer server, List<String> roles);

	}

	private RedisServer server(String... options) {
		RedisServer server = (options.length > 0) ? RedisServer.startWith(options) : RedisServer.start();
		this.resources.add(server);
		return server;
	}

	private LettuceConnectionFactory lettuce(RedisServer server) {
		LettuceConnectionFactory factory = RedisLeaseStores.lettuce(server);
		this.resources.add(factory::destroy);
		return factory;
	}

	private RedisLeaseStore store(RedisConnectionFactory factory) {
		return store(factory, RedisLeaseStore.Options.DEFAULTS);
	}

	private RedisLeaseStore store(RedisConnectionFactory factory, RedisLeaseStore.Options options) {
		RedisLeaseStore store = new RedisLeaseStore(factory, RedisLeaseStores.KEY_PREFIX,
				RedisLeaseStores.RESUBSCRIBE_INTERVAL, options);
		store.start();
		this.resources.add(store::stop);
		return store;
	}

	// The replica replicates through a proxy, which cuts it off from the master when the test says so.
	private TcpProxy replicateThroughProxy(RedisServer replica, RedisServer master) {
		TcpProxy link = TcpProxy.start(master.host(), master.port());
		this.resources.add(link);
		replicate(replica, master, link.host(), link.port());
		return link;
	}

	private static void replicate(RedisServer replica, RedisServer master, String host, int port) {
		// At once, not after the default delay of 5 seconds.
		assertThat(master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0")).isEqualTo("+OK");
		assertThat(replica.command("REPLICAOF", host, Integer.toString(port))).isEqualTo("+OK");
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.command("INFO", "replication").contains("master_link_status:up"));
	}

	private static Acquisition granted(Acquisition acquisition) {
		assertThat(acquisition.outcome()).isEqualTo(Outcome.GRANTED);
		return acquisition;
	}

	// Claims in turn until one is granted; none may be granted while the quarantine lasts.
	private static Acquisition awaitGrant(List<LeaseStore> stores, List<String> instanceIds) {
		AtomicInteger attempts = new AtomicInteger();
		AtomicReference<Acquisition> last = new AtomicReference<>();
		await().atMost(LEASE.plus(TIMEOUT)).pollInterval(Duration.ofMillis(50)).until(() -> {
			int i = attempts.getAndIncrement() % stores.size();
			last.set(stores.get(i).acquire(claim(instanceIds.get(i))));
			assertThat(last.get().outcome()).isIn(Outcome.QUARANTINED, Outcome.GRANTED);
			return last.get().isGranted();
		});
		return last.get();
	}

	// The first answer after a restart, while the client reconnects.
	private static <T> T firstAnswer(Callable<T> call) {
		return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(call,
				Objects::nonNull);
	}

	private static LeaseClaim claim(String instanceId) {
		return claim(instanceId, LEASE);
	}

	private static LeaseClaim claim(String role, String instanceId) {
		return new LeaseClaim(role, holder(instanceId), "host-" + instanceId, Instant.EPOCH, LEASE);
	}

	private static LeaseClaim claim(String instanceId, Duration lease) {
		return new LeaseClaim(ROLE, holder(instanceId), "host-" + instanceId, Instant.EPOCH, lease);
	}

	private static LeaseHolder holder(String instanceId) {
		return new LeaseHolder(instanceId, "nonce-" + instanceId);
	}

	private static String lastLine(String reply) {
		return reply.substring(reply.lastIndexOf('\n') + 1);
	}

	private static String find(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
		return matcher.group(1);
	}

}
