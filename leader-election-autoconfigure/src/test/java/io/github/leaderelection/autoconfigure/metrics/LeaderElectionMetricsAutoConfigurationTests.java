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

package io.github.leaderelection.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.metrics.LeaderOnlySkipCounter;
import io.github.leaderelection.metrics.LeadershipGauges;
import io.github.leaderelection.metrics.LeadershipTermObservations;
import io.github.leaderelection.metrics.LeadershipTransitionCounter;
import io.github.leaderelection.metrics.ObservedLeaseStore;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.test.RedisServerExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LeaderElectionMetricsAutoConfiguration}: the meters and observations of elections on a real Redis
 * server and in standalone mode, with Boot's metrics and observation auto-configuration, with bare registries, and
 * without Micrometer.
 */
class LeaderElectionMetricsAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner redisRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataRedisAutoConfiguration.class, LeaderElectionMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=2s", "leader.election.redis.quarantine-new-server=false",
				"leader.election.election-jitter=0", "leader.election.role=orders",
				"leader.election.lease-duration=5s", "leader.election.renew-interval=1s",
				"leader.election.retry-interval=500ms");

	private final ApplicationContextRunner bootMetrics = this.redisRunner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				ObservationAutoConfiguration.class));

	@Test
	void metersFollowLeadershipOfEveryRoleOnRedis() {
		this.bootMetrics.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			LeaderElector orders = electors.forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
			assertThat(leader(meters, "orders")).isEqualTo(1);
			assertThat(leaseRemainingSeconds(meters, "orders")).isPositive().isLessThanOrEqualTo(5);
			// A role first used after the gauges were registered gets its own.
			LeaderElector reports = electors.forRole("reports");
			assertThat(meters.find(LeadershipGauges.LEADER).tag("role", "reports").gauge()).isNotNull();
			await().atMost(TIMEOUT).until(reports::isLeader);
			assertThat(leader(meters, "reports")).isEqualTo(1);
			await().atMost(TIMEOUT).until(() -> transitions(meters, "orders", "granted", "granted") == 1);
			assertThat(storeCalls(meters, "acquire", "granted", "orders")).isPositive();
			// Two roles on one renew interval: renewed one by one or together, each call is timed.
			await().atMost(TIMEOUT)
				.until(() -> storeCalls(meters, "renew", "renewed", "orders")
						+ storeCalls(meters, "renew-all", "renewed", "*") > 0);

			orders.yieldLeadership();
			assertThat(leader(meters, "orders")).isZero();
			assertThat(leaseRemainingSeconds(meters, "orders")).isZero();
			await().atMost(TIMEOUT).until(() -> transitions(meters, "orders", "revoked", "yielded") == 1);
			await().atMost(TIMEOUT)
				.until(() -> meters.find(LeadershipTermObservations.NAME)
					.tags("role", "orders", "reason", "yielded")
					.timer() != null);
			await().atMost(TIMEOUT).until(() -> storeCalls(meters, "release", "released", "orders") == 1);
			// The electors use the wrapped store; the bean stays the Redis store.
			assertThat(context.getBean(LeaseStore.class)).isInstanceOf(RedisLeaseStore.class);
		});
	}

	@Test
	void followerCountsSkippedLeaderOnlyCalls() {
		ApplicationContextRunner runner = this.bootMetrics
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withUserConfiguration(ReportJobConfiguration.class);
		runner.run((leader) -> {
			await().atMost(TIMEOUT).until(() -> leader.getBean(LeaderElectors.class).forRole("jobs").isLeader());
			runner.run((follower) -> {
				ReportJob job = follower.getBean(ReportJob.class);
				job.publish();
				job.publish();
				job.publish();
				MeterRegistry meters = follower.getBean(MeterRegistry.class);
				assertThat(meters.get(LeaderOnlySkipCounter.SKIPPED).tag("role", "jobs").counter().count())
					.isEqualTo(3);
				assertThat(follower.getBean(ReportJob.class).runs()).isZero();
				assertThat(leader(meters, "jobs")).isZero();
			});
			leader.getBean(ReportJob.class).publish();
			assertThat(leader.getBean(ReportJob.class).runs()).isOne();
			assertThat(leader.getBean(MeterRegistry.class).find(LeaderOnlySkipCounter.SKIPPED).counters()).isEmpty();
		});
	}

	@Test
	void withoutTheRoleTagGaugesCountRolesLedAndShowTheShortestLease() {
		this.bootMetrics.withPropertyValues("leader.election.metrics.role-tag=false").run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			LeaderElector orders = electors.forRole("orders");
			LeaderElector reports = electors.forRole("reports");
			await().atMost(TIMEOUT).until(() -> orders.isLeader() && reports.isLeader());
			assertThat(meters.get(LeadershipGauges.LEADER).gauge().value()).isEqualTo(2);
			assertThat(meters.get(LeadershipGauges.LEASE_REMAINING).timeGauge().value(TimeUnit.SECONDS)).isPositive()
				.isLessThanOrEqualTo(5);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(meters.find(LeadershipTransitionCounter.TRANSITIONS)
					.tags("type", "granted", "reason", "granted")
					.counters()).singleElement()
					.satisfies((counter) -> assertThat(counter.count()).isGreaterThanOrEqualTo(2)));
			orders.yieldLeadership();
			assertThat(meters.get(LeadershipGauges.LEADER).gauge().value()).isEqualTo(1);
			List<Meter> ours = meters.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("leader.election"))
				.toList();
			assertThat(ours).extracting((meter) -> meter.getId().getName())
				.contains(LeadershipGauges.LEADER, ObservedLeaseStore.NAME);
			assertThat(ours).allSatisfy((meter) -> assertThat(meter.getId().getTag("role")).isNull());
		});
	}

	@Test
	void storeCallsAndTermsAreObservations() {
		this.redisRunner.withUserConfiguration(TestObservationConfiguration.class).run((context) -> {
			TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
			LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
			orders.yieldLeadership();
			await().atMost(TIMEOUT)
				.until(() -> observations.getCurrentObservation() == null && contexts(observations).stream()
					.anyMatch((observed) -> "yielded".equals(value(observed, "reason"))));
			TestObservationRegistryAssert.assertThat(observations)
				.hasHandledContextsThatSatisfy((contexts) -> {
					assertThat(contexts).anySatisfy((observed) -> {
						assertThat(observed.getName()).isEqualTo(ObservedLeaseStore.NAME);
						assertThat(value(observed, "operation")).isEqualTo("acquire");
						assertThat(value(observed, "outcome")).isEqualTo("granted");
						assertThat(value(observed, "role")).isEqualTo("orders");
					});
					assertThat(contexts).anySatisfy((observed) -> {
						assertThat(observed.getName()).isEqualTo(LeadershipTermObservations.NAME);
						assertThat(value(observed, "role")).isEqualTo("orders");
						assertThat(value(observed, "reason")).isEqualTo("yielded");
						assertThat(observed.getHighCardinalityKeyValue("fencing.token")).isNotNull();
					});
				});
		});
	}

	@Test
	void bootsObservationSwitchTurnsOffTheTimersButNotTheGauges() {
		this.bootMetrics.withPropertyValues("management.observations.enable.leader.election=false").run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
			assertThat(leader(meters, "orders")).isEqualTo(1);
			await().atMost(TIMEOUT).until(() -> transitions(meters, "orders", "granted", "granted") == 1);
			assertThat(meters.find(ObservedLeaseStore.NAME).meters()).isEmpty();
			assertThat(meters.find(LeadershipTermObservations.NAME).meters()).isEmpty();
		});
	}

	@Test
	void bootsMetricsSwitchDropsEveryMeter() {
		this.bootMetrics.withPropertyValues("management.metrics.enable.leader.election=false").run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
			orders.yieldLeadership();
			assertThat(context).hasSingleBean(LeadershipGauges.class);
			assertThat(meters.getMeters())
				.noneSatisfy((meter) -> assertThat(meter.getId().getName()).startsWith("leader.election"));
		});
	}

	@Test
	void standaloneElectorsHaveGaugesAndTransitionsButNoStoreTimers() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
					LeaderElectionMetricsAutoConfiguration.class))
			.withUserConfiguration(SimpleMeterRegistryConfiguration.class)
			.withPropertyValues("leader.election.mode=standalone", "leader.election.role=orders")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
				await().atMost(TIMEOUT).until(orders::isLeader);
				assertThat(leader(meters, "orders")).isEqualTo(1);
				assertThat(meters.find(LeadershipGauges.LEASE_REMAINING).meters()).isEmpty();
				await().atMost(TIMEOUT).until(() -> transitions(meters, "orders", "granted", "granted") == 1);
				// Without an ObservationRegistry, terms still become timers, straight in the MeterRegistry.
				await().atMost(TIMEOUT)
					.until(() -> meters.find(LeadershipTermObservations.NAME + ".active").longTaskTimer() != null
							&& meters.get(LeadershipTermObservations.NAME + ".active").longTaskTimer()
								.activeTasks() == 1);
				assertThat(meters.find(ObservedLeaseStore.NAME).meters()).isEmpty();
			});
	}

	@Test
	void electionsRunWithoutMicrometer() {
		this.redisRunner.withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeaderElectionMetricsAutoConfiguration.class)
				.doesNotHaveBean(LeadershipGauges.class);
			LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
		});
	}

	@Test
	void withoutARegistryNothingIsMetered() {
		this.redisRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeadershipGauges.class)
				.doesNotHaveBean(LeadershipTermObservations.class);
			LeaderElector orders = context.getBean(LeaderElectors.class).forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
		});
	}

	private static double leader(MeterRegistry meters, String role) {
		return meters.get(LeadershipGauges.LEADER).tag("role", role).gauge().value();
	}

	private static double leaseRemainingSeconds(MeterRegistry meters, String role) {
		return meters.get(LeadershipGauges.LEASE_REMAINING).tag("role", role).timeGauge().value(TimeUnit.SECONDS);
	}

	private static double transitions(MeterRegistry meters, String role, String type, String reason) {
		Search search = meters.find(LeadershipTransitionCounter.TRANSITIONS)
			.tags("role", role, "type", type, "reason", reason);
		return (search.counter() != null) ? search.counter().count() : 0;
	}

	private static long storeCalls(MeterRegistry meters, String operation, String outcome, String role) {
		Timer timer = meters.find(ObservedLeaseStore.NAME)
			.tags("operation", operation, "outcome", outcome, "role", role)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static List<Observation.Context> contexts(TestObservationRegistry observations) {
		List<Observation.Context> contexts = new ArrayList<>();
		TestObservationRegistryAssert.assertThat(observations).hasHandledContextsThatSatisfy(contexts::addAll);
		return contexts;
	}

	private static String value(Observation.Context context, String key) {
		var keyValue = context.getLowCardinalityKeyValue(key);
		return (keyValue != null) ? keyValue.getValue() : null;
	}

	@Configuration(proxyBeanMethods = false)
	static class ReportJobConfiguration {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

	}

	static class ReportJob {

		private final AtomicInteger runs = new AtomicInteger();

		@LeaderOnly(role = "jobs")
		public void publish() {
			this.runs.incrementAndGet();
		}

		// A method, not the field: the field of the CGLIB proxy is not the target's.
		public int runs() {
			return this.runs.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SimpleMeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TestObservationConfiguration {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}
