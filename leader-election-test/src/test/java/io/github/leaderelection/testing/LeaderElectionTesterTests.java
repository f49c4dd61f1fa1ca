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

package io.github.leaderelection.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.store.LeaseStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class LeaderElectionTesterTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ManualLeaderElectionAutoConfiguration.class,
				LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("leader.election.role=reports", "leader.election.mode=standalone")
		.withUserConfiguration(JobConfiguration.class);

	@Test
	void replacesTheElectorsAndCreatesNoStore() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(LeaseStore.class);
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			assertThat(context.getBean(LeaderElectors.class)).isSameAs(tester.electors());
			LeaderElector elector = context.getBean(LeaderElector.class);
			assertThat(elector.role()).isEqualTo("reports");
			assertThat(elector.instanceId()).isEqualTo("test-instance");
			assertThat(elector).isSameAs(tester.elector("reports"));
		});
	}

	@Test
	void followsUntilTheTestGrantsAndLeaderOnlyFollows() {
		this.runner.run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			Job job = context.getBean(Job.class);
			assertThat(tester.isLeader("reports")).isFalse();
			job.report();
			assertThat(job.reports()).isEqualTo(0);
			assertThat(tester.skipped("Job.report()")).isOne();
			assertThat(tester.grant().fencingToken()).isEqualTo(1);
			job.report();
			assertThat(job.reports()).isEqualTo(1);
			assertThat(tester.ran("Job.report")).isOne();
			tester.revoke();
			job.report();
			assertThat(job.reports()).isEqualTo(1);
			assertThat(tester.calls()).extracting(LeaderOnlyCall::method, LeaderOnlyCall::ran,
					LeaderOnlyCall::fencingToken)
				.containsExactly(tuple("Job.report()", false, 0L), tuple("Job.report()", true, 1L),
						tuple("Job.report()", false, 0L));
		});
	}

	@Test
	void publishesEveryChangeBeforeItReturnsWithIncreasingTokensAndTheirReasons() {
		this.runner.run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			Listener listener = context.getBean(Listener.class);
			LeaderElector elector = context.getBean(LeaderElector.class);
			tester.grant();
			assertThat(listener.events).hasSize(1);
			tester.grant();
			tester.revoke();
			tester.revoke();
			tester.grant("reports");
			elector.yieldLeadership();
			assertThat(elector.isLeader()).isFalse();
			tester.grant("reports");
			tester.revoke("reports", RevokeReason.LEASE_EXPIRED);
			assertThat(listener.events).map(LeadershipEventsFormat::format)
				.containsExactly("granted 1", "revoked 1 LEASE_LOST", "granted 2", "revoked 2 YIELDED", "granted 3",
						"revoked 3 LEASE_EXPIRED");
			assertThat(tester.events()).containsExactlyElementsOf(listener.events);
		});
	}

	@Test
	void electsEachRoleOnItsOwn() {
		this.runner.run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			Job job = context.getBean(Job.class);
			tester.grant("cleanup");
			job.cleanUp();
			job.report();
			assertThat(job.cleanups()).isEqualTo(1);
			assertThat(job.reports()).isEqualTo(0);
			assertThat(tester.isLeader("reports")).isFalse();
			assertThat(tester.events("cleanup")).singleElement()
				.satisfies((event) -> assertThat(event.fencingToken()).isEqualTo(1));
			assertThat(tester.events("reports")).isEmpty();
			assertThat(tester.elector("cleanup").currentLeader())
				.hasValueSatisfying((leader) -> assertThat(leader.instanceId()).isEqualTo("test-instance"));
			assertThat(tester.elector("reports").currentLeader()).isEmpty();
		});
	}

	@Test
	void leadsEveryRoleFromTheStartWhenAskedAndHandsOverOnShutdown() {
		List<LeadershipEvent> events = new ArrayList<>();
		this.runner.withPropertyValues("leader.election.test.leader=true").run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			assertThat(tester.isLeader("reports")).isTrue();
			assertThat(tester.isLeader("cleanup")).isTrue();
			context.getBean(Job.class).report();
			assertThat(tester.ran("Job.report()")).isOne();
			events.addAll(context.getBean(Listener.class).events);
		});
		assertThat(events).map(LeadershipEventsFormat::format).containsExactlyInAnyOrder("granted 1", "granted 1");
	}

	@Test
	void revokesOnShutdown() {
		List<LeadershipEvent> events = new ArrayList<>();
		this.runner.run((context) -> {
			context.getBean(LeaderElectionTester.class).grant();
			events.addAll(context.getBean(Listener.class).events);
			// Events published from now on land in the same list.
			context.getBean(Listener.class).events = events;
		});
		assertThat(events).map(LeadershipEventsFormat::format).containsExactly("granted 1", "revoked 1 SHUTDOWN");
	}

	@Test
	void resetReturnsToTheStateAtStartAndForgetsTheRecords() {
		this.runner.run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			tester.grant();
			context.getBean(Job.class).report();
			tester.reset();
			assertThat(tester.isLeader("reports")).isFalse();
			assertThat(tester.events()).isEmpty();
			assertThat(tester.calls()).isEmpty();
			assertThat(tester.grant().fencingToken()).isEqualTo(2);
		});
		this.runner.withPropertyValues("leader.election.test.leader=true").run((context) -> {
			LeaderElectionTester tester = context.getBean(LeaderElectionTester.class);
			tester.revoke();
			tester.reset();
			assertThat(tester.isLeader("reports")).isTrue();
			assertThat(tester.elector("reports").leadership())
				.hasValueSatisfying((leadership) -> assertThat(leadership.fencingToken()).isEqualTo(2));
		});
	}

	@Test
	void backsOffWhenLeaderElectionIsDisabled() {
		this.runner.withPropertyValues("leader.election.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeaderElectionTester.class)
				.doesNotHaveBean(LeaderElectors.class));
	}

	@Test
	void failsOnBadSettingsAsTheApplicationWould() {
		this.runner.withPropertyValues("leader.election.lease-duration=1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("leader.election.lease-duration"));
	}

	static final class LeadershipEventsFormat {

		static String format(LeadershipEvent event) {
			if (event instanceof OnRevokedEvent revoked) {
				return "revoked " + revoked.fencingToken() + " " + revoked.reason();
			}
			assertThat(event).isInstanceOf(OnGrantedEvent.class);
			return "granted " + event.fencingToken();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JobConfiguration {

		@Bean
		Job job() {
			return new Job();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Job {

		private final AtomicInteger reports = new AtomicInteger();

		private final AtomicInteger cleanups = new AtomicInteger();

		@LeaderOnly
		public void report() {
			this.reports.incrementAndGet();
		}

		@LeaderOnly(role = "cleanup")
		public void cleanUp() {
			this.cleanups.incrementAndGet();
		}

		// Read through the proxy, which has fields of its own.
		public int reports() {
			return this.reports.get();
		}

		public int cleanups() {
			return this.cleanups.get();
		}

	}

	static class Listener {

		volatile List<LeadershipEvent> events = new ArrayList<>();

		@EventListener
		void on(LeadershipEvent event) {
			this.events.add(event);
		}

	}

}
