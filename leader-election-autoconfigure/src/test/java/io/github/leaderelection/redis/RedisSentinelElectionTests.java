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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.test.RedisSentinels;
import io.lettuce.core.resource.Delay;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.log.LogAccessor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Election through Spring Boot's auto-configured Lettuce and Jedis clients on a real Redis Sentinel set-up (a master,
 * a replica, three Sentinels), across a {@code kill -9} of the master: whoever leads after the failover holds a higher
 * fencing token than every earlier leader, and at no time do two instances lead, also when the promoted replica
 * missed the last grant. Every instance is sampled every 2 ms and each grant is recorded, so the checks see what the
 * instances believed, not only what Redis holds. Also: a bulk renewal through the Sentinels is one script call on the
 * master.
 */
class RedisSentinelElectionTests {

	private static final LogAccessor logger = new LogAccessor(RedisSentinelElectionTests.class);

	private static final String ROLE = "sentinel-jobs";

	private static final int INSTANCES = 3;

	private static final Timings SHORT = new Timings(Duration.ofSeconds(2), Duration.ofMillis(500));

	// A lease that outlasts the failover, and a leader that renews late in it: the lost grant is still trusted when
	// the promoted replica takes its first write.
	private static final Timings OUTLASTING_THE_FAILOVER = new Timings(Duration.ofSeconds(4), Duration.ofSeconds(3));

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private RedisSentinels sentinels;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final History history = new History();

	@BeforeEach
	void requireBinary() {
		Assumptions.assumeTrue(RedisSentinels.isAvailable(),
				"Redis Sentinel needs a local redis-server binary; test servers run in containers here");
	}

	@AfterEach
	void stop() {
		this.history.stop();
		this.contexts.forEach(ConfigurableApplicationContext::close);
		if (this.sentinels != null) {
			this.sentinels.close();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void afterTheMasterIsKilledTheNextLeaderHoldsAHigherTokenAndNeverLeadsBesideTheOldOne(String client) {
		this.sentinels = RedisSentinels.start(1);
		for (int i = 0; i < INSTANCES; i++) {
			startInstance(client, i, SHORT);
		}
		await().atMost(TIMEOUT).until(() -> leaders().size() == 1);
		this.sentinels.awaitReplication();

		long killedAt = System.nanoTime();
		this.sentinels.kill(0);
		assertThat(this.sentinels.awaitFailover(0)).isEqualTo(1);
		long failedOverAt = System.nanoTime();
		Grant next = awaitGrantAfterEveryEarlierDeadline(killedAt, SHORT.lease());
		logger.info(() -> ("%s: after kill -9 of the master, the Sentinels agreed on a new master in %d ms; "
				+ "%s was granted token %d after %d ms")
			.formatted(client, millis(failedOverAt - killedAt), next.instanceId(), next.token(),
					millis(next.grantedNanos() - killedAt)));
		this.history.stop();

		this.history.assertSafe();
		long before = this.history.grants()
			.stream()
			.filter((grant) -> grant.grantedNanos() < killedAt)
			.mapToLong(Grant::token)
			.max()
			.orElseThrow();
		assertThat(next.token()).as("the token of the first grant after the failover").isGreaterThan(before);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void renewAllOfManyRolesIsOneScriptCallOnTheMaster(String client) throws Exception {
		this.sentinels = RedisSentinels.start(1);
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration(RedisSentinels.MASTER_NAME,
				Set.of(this.sentinels.sentinelNodes().split(",")));
		Duration timeout = Duration.ofSeconds(2);
		RedisConnectionFactory factory;
		if (client.equals("jedis")) {
			JedisConnectionFactory jedis = new JedisConnectionFactory(configuration,
					JedisClientConfiguration.builder().connectTimeout(timeout).readTimeout(timeout).build());
			jedis.afterPropertiesSet();
			jedis.start();
			factory = jedis;
		}
		else {
			LettuceConnectionFactory lettuce = new LettuceConnectionFactory(configuration,
					LettuceClientConfiguration.builder().commandTimeout(timeout).shutdownTimeout(Duration.ZERO).build());
			lettuce.afterPropertiesSet();
			lettuce.start();
			factory = lettuce;
		}
		RedisLeaseStore store = new RedisLeaseStore(factory, "leader-election", Duration.ofMillis(200),
				RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false));
		try {
			store.start();
			// Long enough to outlast the claims of all roles.
			Duration lease = Duration.ofMinutes(1);
			LeaseHolder holder = new LeaseHolder("one", "nonce-1");
			List<LeaseRenewal> renewals = new ArrayList<>();
			for (int i = 0; i < 300; i++) {
				String role = "role-" + i;
				assertThat(store.acquire(new LeaseClaim(role, holder, "localhost", Instant.EPOCH, lease)).isGranted())
					.isTrue();
				renewals.add(new LeaseRenewal(role, holder, lease));
			}
			// Loaded first, so that the call is one EVALSHA rather than a failed one and an EVAL.
			assertThat(store.renewAll(renewals.subList(0, 1))).containsExactly(true);
			int master = this.sentinels.master();
			assertThat(this.sentinels.command(master, "CONFIG", "RESETSTAT")).isEqualTo("+OK");
			assertThat(store.renewAll(renewals)).hasSize(300).containsOnly(true);
			assertThat(this.sentinels.command(master, "INFO", "commandstats")).contains("cmdstat_evalsha:calls=1,")
				.doesNotContain("cmdstat_eval:");
		}
		finally {
			store.stop();
			((DisposableBean) factory).destroy();
		}
	}

	@Test
	void failoverToAReplicaThatMissedTheLastGrantLetsNoSecondLeaderInAndRepeatsNoToken() {
		this.sentinels = RedisSentinels.start(1);
		LeaderElector first = startInstance("lettuce", 0, OUTLASTING_THE_FAILOVER);
		await().atMost(TIMEOUT).until(first::isLeader);
		long firstToken = first.leadership().orElseThrow().fencingToken();
		// The replica holds the token counter but no lease: nobody may lead when it takes over.
		first.yieldLeadership();
		await().atMost(TIMEOUT).until(() -> first.currentLeader().isEmpty());
		this.sentinels.awaitReplication();

		this.sentinels.cutOff(1);
		// While the first instance sits out, the second is granted the lease that is lost; the master dies right
		// after, so the grant is still trusted for most of a lease. The third starts during the failover.
		startInstance("lettuce", 1, OUTLASTING_THE_FAILOVER);
		Grant lost = await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> this.history.grants().stream().filter((grant) -> grant.token() > firstToken).findFirst(),
					Optional::isPresent)
			.orElseThrow();
		this.sentinels.command(0, "SET", "written-after-the-grant", "1");
		long killedAt = System.nanoTime();
		this.sentinels.kill(0);
		startInstance("lettuce", 2, OUTLASTING_THE_FAILOVER);
		assertThat(this.sentinels.awaitFailover(0)).isEqualTo(1);
		long failedOverAt = System.nanoTime();
		assertThat(this.sentinels.command(1, "GET", "written-after-the-grant"))
			.as("a write after the grant, on the new master")
			.isEqualTo("$-1");

		Grant next = awaitGrantAfterEveryEarlierDeadline(killedAt, OUTLASTING_THE_FAILOVER.lease());
		logger.info(() -> ("Lossy failover: token %d of %s was lost; the Sentinels agreed on a new master %d ms "
				+ "after kill -9 of the master; %s was granted token %d after %d ms")
			.formatted(lost.token(), lost.instanceId(), millis(failedOverAt - killedAt), next.instanceId(),
					next.token(), millis(next.grantedNanos() - killedAt)));
		this.history.stop();

		this.history.assertSafe();
		assertThat(next.token()).as("the token of the first grant after the failover").isGreaterThan(lost.token());
	}

	@Test
	void historyReportsTwoLeadersARepeatedTokenAndALowerToken() {
		History twoLeaders = new History();
		twoLeaders.record(new Grant("a", 1, 0), new Interval("a", 1, 0, 100));
		twoLeaders.record(new Grant("b", 2, 90), new Interval("b", 2, 90, 200));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(twoLeaders::assertSafe)
			.withMessageContaining("two leaders: a with token 1");
		History repeated = new History();
		repeated.record(new Grant("a", 1, 0), new Interval("a", 1, 0, 100));
		repeated.record(new Grant("a", 1, 150), new Interval("a", 1, 150, 200));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(repeated::assertSafe)
			.withMessageContaining("token 1 granted 2 times");
		History lower = new History();
		lower.record(new Grant("a", 5, 0), new Interval("a", 5, 0, 100));
		lower.record(new Grant("b", 4, 150), new Interval("b", 4, 150, 200));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(lower::assertSafe)
			.withMessageContaining("token 4 granted to b");
		History safe = new History();
		safe.record(new Grant("a", 1, 0), new Interval("a", 1, 0, 100));
		safe.record(new Grant("b", 2, 150), new Interval("b", 2, 150, 200));
		safe.assertSafe();
	}

	private LeaderElector startInstance(String client, int instance, Timings timings) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SentinelConfiguration.class)
			.web(WebApplicationType.NONE)
			.initializers((initialized) -> initialized.addApplicationListener(this.history))
			.properties("spring.data.redis.client-type=" + client,
					"spring.data.redis.sentinel.master=" + RedisSentinels.MASTER_NAME,
					"spring.data.redis.sentinel.nodes=" + this.sentinels.sentinelNodes(),
					"spring.data.redis.timeout=500ms", "spring.data.redis.connect-timeout=500ms",
					"leader.election.role=" + ROLE, "leader.election.instance-id=instance-" + instance,
					"leader.election.lease-duration=" + timings.lease().toMillis() + "ms",
					"leader.election.renew-interval=" + timings.renewInterval().toMillis() + "ms",
					"leader.election.retry-interval=200ms", "spring.main.banner-mode=off")
			.run();
		this.contexts.add(context);
		LeaderElector elector = elector(context);
		this.history.sample(elector);
		return elector;
	}

	// The first grant after `nanos`, once every grant before `nanos` has passed its local deadline: the history
	// then holds every overlap with those grants there could be.
	private Grant awaitGrantAfterEveryEarlierDeadline(long nanos, Duration lease) {
		return await().atMost(TIMEOUT)
			.until(() -> this.history.grants().stream().filter((grant) -> grant.grantedNanos() > nanos).findFirst(),
					(next) -> next.isPresent() && System.nanoTime() - nanos > lease.toNanos())
			.orElseThrow();
	}

	private List<LeaderElector> leaders() {
		return this.contexts.stream().map(RedisSentinelElectionTests::elector).filter(LeaderElector::isLeader).toList();
	}

	private static LeaderElector elector(ConfigurableApplicationContext context) {
		return context.getBean(LeaderElectors.class).forRole(ROLE);
	}

	private static long millis(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	/**
	 * Lease duration and renew interval of every instance of a test.
	 */
	record Timings(Duration lease, Duration renewInterval) {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SentinelConfiguration {

		// Lettuce backs off up to 30 s between reconnection attempts by default.
		@Bean
		ClientResourcesBuilderCustomizer fastReconnect() {
			return (builder) -> builder.reconnectDelay(
					Delay.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS));
		}

	}

	/**
	 * One grant, from its {@link OnGrantedEvent}.
	 */
	record Grant(String instanceId, long token, long grantedNanos) {

	}

	/**
	 * A time in which an instance held a grant and trusted it, as sampled through {@link LeaderElector#leadership()},
	 * which is empty once the grant was revoked or its local deadline passed.
	 */
	record Interval(String instanceId, long token, long fromNanos, long toNanos) {

		boolean overlaps(Interval other) {
			return this.fromNanos <= other.toNanos && other.fromNanos <= this.toNanos;
		}

		Interval extendedTo(long nanos) {
			return new Interval(this.instanceId, this.token, this.fromNanos, nanos);
		}

	}

	/**
	 * The grants of every instance, and the intervals in which each trusted its grant. The sampler reads each
	 * elector every 2 ms; an interval runs from the first to the last sample that saw the grant valid.
	 */
	static final class History implements ApplicationListener<LeadershipEvent> {

		private static final long SAMPLE_MICROS = 2000;

		private final long origin = System.nanoTime();

		private final List<Grant> grants = new CopyOnWriteArrayList<>();

		private final List<Interval> intervals = new CopyOnWriteArrayList<>();

		private final List<LeaderElector> electors = new CopyOnWriteArrayList<>();

		private final Map<LeaderElector, Interval> open = new HashMap<>();

		private @Nullable ScheduledExecutorService sampler;

		@Override
		public void onApplicationEvent(LeadershipEvent event) {
			if (event instanceof OnGrantedEvent) {
				this.grants.add(new Grant(event.instanceId(), event.fencingToken(), System.nanoTime()));
			}
		}

		/**
		 * Samples {@code elector} from now on, every 2 ms, with the electors sampled before.
		 */
		synchronized void sample(LeaderElector elector) {
			this.electors.add(elector);
			if (this.sampler == null) {
				ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "leadership-sampler");
					thread.setDaemon(true);
					return thread;
				});
				sampler.scheduleAtFixedRate(() -> this.electors.forEach(this::read), 0, SAMPLE_MICROS,
						TimeUnit.MICROSECONDS);
				this.sampler = sampler;
			}
		}

		/**
		 * Adds a grant and the interval in which it was trusted, to check the checks.
		 */
		synchronized void record(Grant grant, Interval interval) {
			this.grants.add(grant);
			this.intervals.add(interval);
		}

		private synchronized void read(LeaderElector elector) {
			long now = System.nanoTime();
			Optional<Leadership> leadership = elector.leadership();
			Interval current = this.open.get(elector);
			if (current != null && (leadership.isEmpty() || leadership.get().fencingToken() != current.token())) {
				this.intervals.add(current);
				this.open.remove(elector);
				current = null;
			}
			if (leadership.isPresent()) {
				this.open.put(elector, (current != null) ? current.extendedTo(now)
						: new Interval(elector.instanceId(), leadership.get().fencingToken(), now, now));
			}
		}

		/**
		 * Stops sampling and closes the open intervals; later calls do nothing.
		 */
		void stop() {
			ScheduledExecutorService sampler;
			synchronized (this) {
				sampler = this.sampler;
				this.sampler = null;
			}
			if (sampler == null) {
				return;
			}
			// Outside the lock, which a sample in progress may be waiting for.
			sampler.shutdownNow();
			try {
				sampler.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			synchronized (this) {
				this.intervals.addAll(this.open.values());
				this.open.clear();
			}
		}

		List<Grant> grants() {
			return List.copyOf(this.grants);
		}

		/**
		 * Checks that no two instances trusted a grant at the same time, that no token was granted twice, and that
		 * each grant's token is higher than that of every grant trusted for the last time before it.
		 */
		synchronized void assertSafe() {
			List<Interval> intervals = List.copyOf(this.intervals);
			List<String> violations = new ArrayList<>();
			for (int i = 0; i < intervals.size(); i++) {
				for (int j = i + 1; j < intervals.size(); j++) {
					Interval a = intervals.get(i);
					Interval b = intervals.get(j);
					if (!a.instanceId().equals(b.instanceId()) && a.overlaps(b)) {
						violations.add("two leaders: " + describe(a) + " and " + describe(b));
					}
				}
			}
			this.grants.stream()
				.collect(Collectors.groupingBy(Grant::token, Collectors.counting()))
				.forEach((token, count) -> {
					if (count > 1) {
						violations.add("token %d granted %d times".formatted(token, count));
					}
				});
			for (Grant grant : this.grants) {
				intervals.stream()
					.filter((interval) -> interval.toNanos() < grant.grantedNanos() && interval.token() >= grant.token())
					.filter((interval) -> !(interval.token() == grant.token()
							&& interval.instanceId().equals(grant.instanceId())))
					.forEach((interval) -> violations.add("token %d granted to %s at %d ms, after %s".formatted(
							grant.token(), grant.instanceId(), millis(grant.grantedNanos() - this.origin),
							describe(interval))));
			}
			assertThat(violations).as("violations of one leader at a time and increasing tokens; %s", this).isEmpty();
		}

		private String describe(Interval interval) {
			return "%s with token %d from %d to %d ms".formatted(interval.instanceId(), interval.token(),
					millis(interval.fromNanos() - this.origin), millis(interval.toNanos() - this.origin));
		}

		@Override
		public synchronized String toString() {
			return "history: grants " + this.grants.stream()
				.map((grant) -> "%s token %d at %d ms".formatted(grant.instanceId(), grant.token(),
						millis(grant.grantedNanos() - this.origin)))
				.collect(Collectors.joining(", ")) + "; trusted "
					+ this.intervals.stream().map(this::describe).collect(Collectors.joining(", "));
		}

	}

}
