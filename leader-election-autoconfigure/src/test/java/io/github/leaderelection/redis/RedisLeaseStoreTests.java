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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStoreContractTests;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisLeaseStore} with Lettuce against a real Redis server: the {@link LeaseStoreContractTests
 * contract} and what is particular to Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisLeaseStoreTests extends LeaseStoreContractTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final RedisLeaseStores stores = new RedisLeaseStores(redis, redis::connectionFactory, LONGEST_LEASE);

	@AfterEach
	void stopStores() {
		this.stores.stopAll();
	}

	@Override
	protected LeaseStore createStore() {
		return this.stores.create();
	}

	@Override
	protected void loseAllData() {
		redis.server().restart();
	}

	@Test
	void everyKeyOfARoleCarriesTheHashTagOfPrefixAndRole() {
		RedisLeaseStore store = this.stores.create("app");
		assertThat(store.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		assertThat(RedisLeaseStores.keys(redis.server())).containsExactlyInAnyOrder("{app:orders}:lock",
				"{app:orders}:token", "{app:orders}:state");
	}

	@Test
	void releaseNotificationsReachOnlyTheRolesOfTheStoresOwnPrefix() {
		RedisLeaseStore globbed = this.stores.create("a*b");
		RedisLeaseStore matching = this.stores.create("axxb");
		RedisLeaseStore follower = this.stores.create("a*b");
		AtomicInteger released = new AtomicInteger();
		AtomicInteger marker = new AtomicInteger();
		follower.onRelease("orders", released::incrementAndGet);
		follower.onRelease("marker", marker::incrementAndGet);
		await().atMost(TIMEOUT).until(() -> RedisLeaseStores.subscribedPatterns(redis.server()) == 1);
		// Listeners are also called once the subscription stands, in case releases were missed before it.
		assertThat(globbed.acquire(claim("marker", "one", LEASE)).isGranted()).isTrue();
		assertThat(globbed.release("marker", holder("one"))).isTrue();
		await().atMost(TIMEOUT).until(() -> marker.get() > 0);
		released.set(0);
		marker.set(0);
		assertThat(matching.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		assertThat(matching.release("orders", holder("one"))).isTrue();
		assertThat(globbed.acquire(claim("marker", "one", LEASE)).isGranted()).isTrue();
		assertThat(globbed.release("marker", holder("one"))).isTrue();
		// Messages arrive in order: a call for the first release would have come before the marker's.
		await().atMost(TIMEOUT).until(() -> marker.get() == 1);
		assertThat(released).hasValue(0);
		assertThat(globbed.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		assertThat(globbed.release("orders", holder("one"))).isTrue();
		await().atMost(TIMEOUT).until(() -> released.get() == 1);
	}

	@Test
	void constructorRejectsABlankKeyPrefix() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisLeaseStore(redis.connectionFactory(), " ", Duration.ofSeconds(1)))
			.withMessage("'keyPrefix' must not be empty");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{app", "app}", "my app", "app\t", "line\nbreak" })
	void constructorRejectsAKeyPrefixWithBracesOrWhitespace(String keyPrefix) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisLeaseStore(redis.connectionFactory(), keyPrefix, Duration.ofSeconds(1)))
			.withMessage("'keyPrefix' must not contain whitespace or braces");
	}

	@Test
	void toStringNamesHostAndPort() {
		assertThat(this.stores.create()).hasToString(this.stores.target());
	}

	@Test
	void describesASentinelSetUpByItsMasterAndSentinels() {
		RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration("orders-master",
				new LinkedHashSet<>(List.of("10.0.0.1:26379", "10.0.0.2:26379")));
		assertThat(RedisLeaseStore.describe(new LettuceConnectionFactory(sentinel)))
			.isEqualTo("Redis master 'orders-master' through the sentinels at 10.0.0.1:26379, 10.0.0.2:26379");
		assertThat(RedisLeaseStore.describe(new JedisConnectionFactory(sentinel)))
			.isEqualTo("Redis master 'orders-master' through the sentinels at 10.0.0.1:26379, 10.0.0.2:26379");
	}

	@Test
	void describesAClusterByItsNodes() {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(List.of("10.0.0.1:7000", "10.0.0.2:7000"));
		assertThat(RedisLeaseStore.describe(new LettuceConnectionFactory(cluster)))
			.startsWith("Redis Cluster at ")
			.contains("10.0.0.1:7000", "10.0.0.2:7000");
		assertThat(RedisLeaseStore.describe(new JedisConnectionFactory(cluster))).startsWith("Redis Cluster at ")
			.contains("10.0.0.1:7000", "10.0.0.2:7000");
	}

	@Test
	void followersLearnTheHighestTokenFromRefusalsAndNoticeACounterBelowIt() {
		RedisLeaseStore holder = this.stores.create();
		RedisLeaseStore follower = this.stores.create();
		long token = holder.acquire(claim("orders", "holder", LEASE)).fencingToken();
		assertThat(follower.acquire(claim("orders", "follower", LEASE)).outcome()).isEqualTo(Outcome.HELD);
		assertThat(holder.release("orders", holder("holder"))).isTrue();
		// An older counter, as a restore of the counter alone would leave it.
		redis.server().command("SET", "{leader-election:orders}:token", Long.toString(token - 10));
		Acquisition quarantined = follower.acquire(claim("orders", "follower", LEASE));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.reason()).isEqualTo(("the token counter of 'orders' on %s is below a token granted "
				+ "before (its data was rolled back, for example by a restart from an older file)")
			.formatted(this.stores.target()));
		AtomicReference<Acquisition> granted = new AtomicReference<>();
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
			granted.set(holder.acquire(claim("orders", "holder", LEASE)));
			return granted.get().isGranted();
		});
		assertThat(granted.get().fencingToken()).isGreaterThan(token);
	}

	@Test
	void quarantineOfANewServerSaysWhyAndHowToSkipIt() {
		RedisLeaseStore store = this.stores.create();
		redis.server().restart();
		Acquisition quarantined = await().atMost(TIMEOUT)
			.ignoreExceptions()
			.until(() -> store.acquire(claim("orders", "one", Duration.ofMinutes(1))), Objects::nonNull);
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isGreaterThan(Duration.ofSeconds(50));
		assertThat(quarantined.reason()).matches(Pattern.quote(this.stores.target())
				+ " started \\d s ago and may have restarted with a lease still in use; no leader until it has run "
				+ "for one lease \\(set leader.election.redis.quarantine-new-server=false where no earlier leader can "
				+ "exist, such as tests\\)");
	}

	@Test
	void withoutQuarantineOfNewServersAClaimOnARestartedServerIsGrantedAtOnce() {
		RedisLeaseStore store = this.stores.create(RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false));
		assertThat(store.options().quarantineNewServer()).isFalse();
		redis.server().restart();
		Acquisition granted = await().atMost(TIMEOUT)
			.ignoreExceptions()
			.until(() -> store.acquire(claim("orders", "one", Duration.ofMinutes(1))), Objects::nonNull);
		assertThat(granted.isGranted()).isTrue();
		// A store that saw the role before still notices the loss.
		redis.server().restart();
		Acquisition quarantined = await().atMost(TIMEOUT)
			.ignoreExceptions()
			.until(() -> store.acquire(claim("orders", "one", Duration.ofMinutes(1))), Objects::nonNull);
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.reason()).isEqualTo("the data of 'orders' on " + this.stores.target()
				+ " is gone (FLUSHALL, or a restart without persistence)");
	}

	@Test
	void aRenewalThatFindsTheDataGoneIsRefusedAndLogsWhy(CapturedOutput output) {
		RedisLeaseStore store = this.stores.create();
		assertThat(store.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		redis.server().restart();
		Boolean renewed = await().atMost(TIMEOUT)
			.ignoreExceptions()
			.until(() -> store.renew("orders", holder("one"), LEASE), Objects::nonNull);
		assertThat(renewed).isFalse();
		assertThat(output.getAll()).contains("WARN")
			.contains("Refused to renew the lease of 'orders': the data of 'orders' on " + this.stores.target()
					+ " is gone (FLUSHALL, or a restart without persistence)");
	}

	@Test
	void aRenewAllThatFindsTheDataGoneRefusesAndLogsWhyForEachRole(CapturedOutput output) {
		RedisLeaseStore store = this.stores.create();
		assertThat(store.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		assertThat(store.acquire(claim("cleanup", "one", LEASE)).isGranted()).isTrue();
		redis.server().restart();
		List<Boolean> renewed = await().atMost(TIMEOUT)
			.ignoreExceptions()
			.until(() -> store.renewAll(List.of(renewal("orders", "one"), renewal("cleanup", "one"))),
					Objects::nonNull);
		assertThat(renewed).containsExactly(false, false);
		for (String role : List.of("orders", "cleanup")) {
			assertThat(output.getAll()).contains("Refused to renew the lease of '%s': the data of '%s' on %s is gone "
					.formatted(role, role, this.stores.target()) + "(FLUSHALL, or a restart without persistence)");
		}
	}

	@ParameterizedTest(name = "{0} roles")
	@ValueSource(ints = { 1, 500, 501, 1200 })
	void renewAllSendsOneScriptCallForUpTo500Roles(int roles) {
		// A lease long enough to outlast the claims of all roles; the server is younger than that.
		Duration lease = Duration.ofMinutes(1);
		RedisLeaseStore.Options options = RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false);
		RedisLeaseStore store = this.stores.create(options);
		RedisLeaseStore other = this.stores.create(options);
		List<LeaseRenewal> renewals = new ArrayList<>();
		for (int i = 0; i < roles; i++) {
			String role = "role-" + i;
			// Every seventh role is another instance's.
			String instanceId = (i % 7 == 3) ? "two" : "one";
			assertThat(((instanceId.equals("one")) ? store : other).acquire(claim(role, instanceId, lease))
				.isGranted()).isTrue();
			renewals.add(new LeaseRenewal(role, holder("one"), lease));
		}
		// Loaded first, so that each call is one EVALSHA rather than a failed one and an EVAL.
		assertThat(store.renewAll(renewals.subList(0, 1))).containsExactly(true);
		assertThat(redis.server().command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		List<Boolean> renewed = store.renewAll(renewals);
		String stats = redis.server().command("INFO", "commandstats");
		int calls = (roles + RedisLeaseStore.MAX_RENEWALS_PER_CALL - 1) / RedisLeaseStore.MAX_RENEWALS_PER_CALL;
		assertThat(stats).contains("cmdstat_evalsha:calls=%d,".formatted(calls)).doesNotContain("cmdstat_eval:");
		assertThat(renewed).hasSize(roles);
		for (int i = 0; i < roles; i++) {
			assertThat(renewed.get(i)).as("role-%d", i).isEqualTo(i % 7 != 3);
		}
	}

	@Test
	void aRedisThatMayEvictAnyKeyRefusesEveryClaimAndTheStartOfAStore() {
		RedisLeaseStore store = this.stores.create();
		try {
			redis.server().command("CONFIG", "SET", "maxmemory", "512mb");
			redis.server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
			String reason = ("%s may evict any key when it is full (maxmemory-policy allkeys-lfu with maxmemory "
					+ "512mb), also the fencing-token counter and state of a role, which would lose leases silently; "
					+ "no instance is granted a lease there until it is fixed: set maxmemory-policy noeviction or a "
					+ "volatile-* policy, or keep leases on a Redis of their own")
				.formatted(this.stores.target());
			Acquisition refused = store.acquire(claim("orders", "one", LEASE));
			assertThat(refused.outcome()).isEqualTo(Outcome.MISCONFIGURED);
			assertThat(refused.reason()).isEqualTo(reason);
			assertThat(refused.retryAfter()).isEqualTo(LEASE);
			assertThat(RedisLeaseStores.keys(redis.server())).isEmpty();
			RedisLeaseStore starting = new RedisLeaseStore(redis.connectionFactory(), "leader-election",
					Duration.ofSeconds(1));
			assertThatExceptionOfType(UnsafeEvictionPolicyException.class).isThrownBy(starting::start)
				.withMessage(reason)
				.satisfies((ex) -> {
					assertThat(ex.policy()).isEqualTo("allkeys-lfu");
					assertThat(ex.maxmemory()).isEqualTo(512L << 20);
					assertThat(ex.target()).isEqualTo(this.stores.target());
				});
			assertThat(starting.isRunning()).isFalse();
			redis.server().command("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
			starting.start();
			assertThat(starting.isRunning()).isTrue();
			starting.stop();
			assertThat(store.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		}
		finally {
			redis.server().command("CONFIG", "SET", "maxmemory", "0");
			redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		}
	}

	@Test
	void startGoesOnWhenRedisIsUnreachable() {
		redis.server().stop();
		RedisLeaseStore store = new RedisLeaseStore(redis.connectionFactory(), "leader-election",
				Duration.ofSeconds(1));
		long started = System.nanoTime();
		store.start();
		assertThat(store.isRunning()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		store.stop();
	}

	@Test
	void formatsDurationsAsOperatorsReadThem() {
		assertThat(RedisLeaseStore.format(Duration.ofMillis(850))).isEqualTo("850 ms");
		assertThat(RedisLeaseStore.format(Duration.ofMillis(7080))).isEqualTo("7.1 s");
		assertThat(RedisLeaseStore.format(Duration.ofSeconds(10))).isEqualTo("10 s");
		assertThat(RedisLeaseStore.format(Duration.ofMillis(41_600))).isEqualTo("42 s");
		assertThat(RedisLeaseStore.format(Duration.ofSeconds(120))).isEqualTo("2 min");
		assertThat(RedisLeaseStore.format(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
		assertThat(RedisLeaseStore.format(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
		assertThat(RedisLeaseStore.format(Duration.ofHours(2))).isEqualTo("2 h");
	}

	@Test
	void optionsRejectNegativeReplicasAndANonPositiveTimeout() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisLeaseStore.Options.DEFAULTS.withReplicas(-1, Duration.ofMillis(500)))
			.withMessage("'replicas' must not be negative");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisLeaseStore.Options.DEFAULTS.withReplicas(1, Duration.ZERO))
			.withMessage("'replicaTimeout' must be positive");
		assertThat(RedisLeaseStore.Options.DEFAULTS).isEqualTo(new RedisLeaseStore.Options(true, 0,
				Duration.ofMillis(500)));
	}

	@Test
	void waitingForReplicasIsRefusedOnRedisCluster() {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(List.of("10.0.0.1:7000"));
		RedisLeaseStore.Options options = RedisLeaseStore.Options.DEFAULTS.withReplicas(1, Duration.ofMillis(500));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisLeaseStore(new LettuceConnectionFactory(cluster), "app", Duration.ofSeconds(1),
					options))
			.withMessage("Waiting for replicas is not supported on Redis Cluster: set 'replicas' to 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisLeaseStore(new JedisConnectionFactory(cluster), "app", Duration.ofSeconds(1),
					options));
	}

	@Test
	void unreachableRedisFailsEveryCallAndIsLoggedOncePerOutage(CapturedOutput output) throws InterruptedException {
		assertUnreachableRedisFailsEveryCallAndIsLoggedOncePerOutage(this.stores, output);
	}

	@Test
	void releaseSubscriptionSurvivesARestart() {
		assertReleaseSubscriptionSurvivesARestart(this.stores);
	}

	static void assertUnreachableRedisFailsEveryCallAndIsLoggedOncePerOutage(RedisLeaseStores stores,
			CapturedOutput output) throws InterruptedException {
		RedisLeaseStore store = stores.create();
		String unreachable = stores.target() + " is unreachable";
		String reachable = stores.target() + " is reachable again";
		assertThat(store.acquire(claim("orders", "one", LEASE)).isGranted()).isTrue();
		stores.server().stop();
		List<Callable<Object>> calls = List.of(() -> store.acquire(claim("orders", "one", LEASE)),
				() -> store.renew("orders", holder("one"), LEASE),
				() -> store.renewAll(List.of(renewal("orders", "one"), renewal("cleanup", "one"))),
				() -> store.release("orders", holder("one")),
				() -> store.currentLeader("orders"));
		// In parallel, since each call may wait out the client's command timeout.
		ExecutorService executor = Executors.newFixedThreadPool(calls.size());
		try {
			for (Future<Object> call : executor.invokeAll(calls)) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(call::get)
					.withCauseInstanceOf(DataAccessException.class);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), "is unreachable")).isOne();
		assertThat(output.getAll()).contains(unreachable).doesNotContain("is reachable again");
		stores.server().restart();
		awaitReachable(store);
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), reachable)).isOne();
		stores.server().stop();
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> store.release("orders", holder("one")));
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), unreachable)).isEqualTo(2);
		stores.server().restart();
		awaitReachable(store);
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), reachable)).isEqualTo(2);
		assertThat(output.getAll().lines()).filteredOn((line) -> line.contains(unreachable)).allMatch((line) -> line.contains("WARN"));
		assertThat(output.getAll().lines()).filteredOn((line) -> line.contains(reachable)).allMatch((line) -> line.contains("INFO"));
	}

	static void assertReleaseSubscriptionSurvivesARestart(RedisLeaseStores stores) {
		RedisLeaseStore holder = stores.create();
		RedisLeaseStore follower = stores.create();
		AtomicInteger released = new AtomicInteger();
		follower.onRelease("orders", released::incrementAndGet);
		// A short lease keeps the quarantine after the restart short.
		LeaseClaim claim = claim("orders", "holder", Duration.ofMillis(200));
		releaseUntilHeard(holder, claim, released, 0);
		stores.server().restart();
		releaseUntilHeard(holder, claim, released, released.get());
	}

	private static void releaseUntilHeard(RedisLeaseStore holder, LeaseClaim claim, AtomicInteger released,
			int before) {
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
			if (holder.acquire(claim).isGranted()) {
				holder.release(claim.role(), claim.holder());
			}
			return released.get() > before;
		});
	}

	private static void awaitReachable(RedisLeaseStore store) {
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> store.currentLeader("orders").isEmpty());
	}

	private static LeaseRenewal renewal(String role, String instanceId) {
		return new LeaseRenewal(role, holder(instanceId), LEASE);
	}

	private static LeaseClaim claim(String role, String instanceId, Duration lease) {
		return new LeaseClaim(role, holder(instanceId), "localhost", Instant.now(), lease);
	}

}
