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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisLeaseStore} waiting for a real replica to acknowledge grants and renewals ({@code WAIT}), with
 * Lettuce and Jedis; the replica is paused with {@code SIGSTOP} to keep it from acknowledging.
 */
class RedisLeaseStoreReplicaTests {

	private static final Duration LEASE = Duration.ofSeconds(10);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ROLE = "orders";

	private static final String LOCK = "{leader-election:" + ROLE + "}:lock";

	private static RedisServer master;

	private static RedisServer replica;

	private final List<DisposableBean> factories = new ArrayList<>();

	private final List<RedisLeaseStore> stores = new ArrayList<>();

	@BeforeAll
	static void startMasterAndReplica() {
		Assumptions.assumeTrue(RedisServer.isLocal(), "Replication between servers needs local redis-server processes");
		master = RedisServer.start();
		replica = RedisServer.start();
		assertThat(master.command("CONFIG", "SET", "repl-diskless-sync-delay", "0")).isEqualTo("+OK");
		assertThat(replica.command("REPLICAOF", master.host(), Integer.toString(master.port()))).isEqualTo("+OK");
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> replica.command("INFO", "replication").contains("master_link_status:up"));
	}

	@AfterAll
	static void stopMasterAndReplica() {
		if (replica != null) {
			replica.close();
		}
		if (master != null) {
			master.close();
		}
	}

	@BeforeEach
	void deleteAllKeys() {
		replica.resume();
		master.flushAll();
		assertThat(master.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		assertThat(master.command("WAIT", "1", "5000")).isEqualTo(":1");
	}

	@AfterEach
	void stopStoresAndFactories() throws Exception {
		replica.resume();
		this.stores.forEach(RedisLeaseStore::stop);
		for (DisposableBean factory : this.factories) {
			factory.destroy();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void grantsAndRenewalsCountOnlyOnceTheReplicaAcknowledgedThem(String client) {
		RedisConnectionFactory factory = factory(client);
		RedisLeaseStore store = store(factory, Duration.ofSeconds(1));
		RedisLeaseStore other = store(factory, Duration.ofSeconds(1));
		assertThat(store.acquire(claim("one")).isGranted()).isTrue();
		// Acknowledged: the replica has the grant already.
		assertThat(replica.command("GET", LOCK)).contains("one nonce-one");
		assertThat(store.renew(ROLE, holder("one"), LEASE)).isTrue();
		replica.pause();
		long sent = System.nanoTime();
		assertThatExceptionOfType(InsufficientReplicasException.class)
			.isThrownBy(() -> store.renew(ROLE, holder("one"), LEASE))
			.withMessage("0 of 1 replicas of Redis at %s:%d acknowledged the renewal of '%s' within 1.0 s, so it does "
					+ "not count", master.host(), master.port(), ROLE);
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThan(Duration.ofMillis(900));
		// A refusal writes nothing and waits for nothing.
		sent = System.nanoTime();
		assertThat(other.acquire(claim("two")).outcome()).isEqualTo(Outcome.HELD);
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(500));
		// A release needs no acknowledgement: the worst a lost release does is delay the next leader.
		assertThat(store.release(ROLE, holder("one"))).isTrue();
		assertThatExceptionOfType(InsufficientReplicasException.class).isThrownBy(() -> other.acquire(claim("two")))
			.withMessageContaining("acknowledged the grant of '%s'".formatted(ROLE));
		replica.resume();
		Acquisition granted = await().atMost(TIMEOUT)
			.ignoreExceptionsInstanceOf(InsufficientReplicasException.class)
			.until(() -> other.acquire(claim("two")), Objects::nonNull);
		assertThat(granted.isGranted()).isTrue();
		assertThat(replica.command("GET", LOCK)).contains("two nonce-two");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void renewAllWaitsOnceForTheReplicaAndCountsOnlyOnceItAcknowledged(String client) {
		RedisLeaseStore store = store(factory(client), Duration.ofSeconds(1));
		List<LeaseRenewal> renewals = new ArrayList<>();
		for (int i = 0; i < 600; i++) {
			String role = "role-" + i;
			assertThat(store.acquire(new LeaseClaim(role, holder("one"), "host-one", Instant.EPOCH, LEASE)).isGranted())
				.isTrue();
			renewals.add(new LeaseRenewal(role, holder("one"), LEASE));
		}
		renewals.add(new LeaseRenewal("role-0", holder("two"), LEASE));
		assertThat(master.command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		List<Boolean> renewed = store.renewAll(renewals);
		assertThat(renewed.subList(0, 600)).containsOnly(true);
		assertThat(renewed.get(600)).isFalse();
		// Two script calls, one WAIT after both.
		String stats = master.command("INFO", "commandstats");
		assertThat(stats).containsPattern("cmdstat_eval(sha)?:calls=2,").contains("cmdstat_wait:calls=1,");
		replica.pause();
		assertThatExceptionOfType(InsufficientReplicasException.class).isThrownBy(() -> store.renewAll(renewals))
			.withMessage("0 of 1 replicas of Redis at %s:%d acknowledged the renewals of 601 roles within 1.0 s, so "
					+ "it does not count", master.host(), master.port());
		// Nothing renewed waits for nothing.
		long sent = System.nanoTime();
		assertThat(store.renewAll(List.of(new LeaseRenewal("role-0", holder("two"), LEASE)))).containsExactly(false);
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(900));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void waitingForTheReplicaBlocksNoConnectionThatOthersUse(String client) throws Exception {
		RedisConnectionFactory factory = factory(client);
		RedisLeaseStore store = store(factory, Duration.ofMillis(1500));
		StringRedisTemplate template = new StringRedisTemplate(factory);
		assertThat(store.acquire(claim("one")).isGranted()).isTrue();
		replica.pause();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<Boolean> renewal = executor.submit(() -> store.renew(ROLE, holder("one"), LEASE));
			await().atMost(TIMEOUT).until(() -> master.command("CLIENT", "LIST").contains("cmd=wait"));
			long sent = System.nanoTime();
			assertThat(store.currentLeader(ROLE)).isPresent();
			assertThat(template.opsForValue().get(LOCK)).isEqualTo("one nonce-one");
			assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(500));
			assertThat(master.command("CLIENT", "LIST")).as("still waiting").contains("cmd=wait");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(renewal::get)
				.withCauseInstanceOf(InsufficientReplicasException.class);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aReplicaTimeoutAtOrAboveTheCommandTimeoutIsRefused() {
		RedisConnectionFactory factory = factory("jedis");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisLeaseStore(factory, "app", Duration.ofSeconds(1),
					RedisLeaseStore.Options.DEFAULTS.withReplicas(1, Duration.ofSeconds(2))))
			.withMessage("'replicaTimeout' (2.0 s) must be below the command timeout of the Redis client (2.0 s, "
					+ "spring.data.redis.timeout): WAIT would fail as a timed-out command");
	}

	@Test
	void anElectorDoesNotLeadWhileTheReplicaDoesNotAcknowledge() {
		replica.pause();
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + master.host(), "spring.data.redis.port=" + master.port(),
					"spring.data.redis.timeout=2s", "leader.election.lease-duration=2s",
					"leader.election.renew-interval=500ms", "leader.election.retry-interval=200ms",
					"leader.election.redis.quarantine-new-server=false", "leader.election.redis.replicas=1",
					"leader.election.redis.replica-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(context.getBean(RedisLeaseStore.class).options())
					.isEqualTo(new RedisLeaseStore.Options(false, 1, Duration.ofMillis(300)));
				await().during(Duration.ofSeconds(2)).atMost(TIMEOUT).until(() -> !elector.isLeader());
				replica.resume();
				await().atMost(TIMEOUT).until(elector::isLeader);
			});
	}

	private RedisConnectionFactory factory(String client) {
		if (client.equals("jedis")) {
			return track(RedisLeaseStores.jedis(master));
		}
		return track(RedisLeaseStores.lettuce(master));
	}

	private <F extends DisposableBean> F track(F factory) {
		this.factories.add(factory);
		return factory;
	}

	private RedisLeaseStore store(RedisConnectionFactory factory, Duration replicaTimeout) {
		RedisLeaseStore store = new RedisLeaseStore(factory, RedisLeaseStores.KEY_PREFIX,
				RedisLeaseStores.RESUBSCRIBE_INTERVAL,
				RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false).withReplicas(1, replicaTimeout));
		store.start();
		this.stores.add(store);
		return store;
	}

	private static LeaseClaim claim(String instanceId) {
		return new LeaseClaim(ROLE, holder(instanceId), "host-" + instanceId, Instant.EPOCH, LEASE);
	}

	private static LeaseHolder holder(String instanceId) {
		return new LeaseHolder(instanceId, "nonce-" + instanceId);
	}

}
