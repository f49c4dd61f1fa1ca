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

import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.store.LeaseStore;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

// The methods run in order: each later one sees what the one before left behind in the shared context.
@SpringBootTest(properties = "leader.election.role=reports")
@ManualLeaderElection
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManualLeaderElectionTests {

	@Autowired
	LeaderElectionTester election;

	@Autowired
	LeaderElector elector;

	@Autowired
	Job job;

	@Autowired
	ApplicationContext context;

	@Test
	@Order(1)
	void replacesTheElectionAndLeavesRedisAlone() {
		// Spring Boot's Redis auto-configuration runs (its connection factory connects lazily), but no store uses it.
		assertThat(this.context.getBeanProvider(RedisConnectionFactory.class).getIfAvailable()).isNotNull();
		assertThat(this.context.getBeanProvider(LeaseStore.class).getIfAvailable()).isNull();
		assertThat(this.elector).isSameAs(this.election.elector("reports"));
	}

	@Test
	@Order(2)
	void grantsOnDemand() {
		this.job.report();
		this.election.grant();
		this.job.report();
		assertThat(this.election.skipped("Job.report()")).isOne();
		assertThat(this.election.ran("Job.report()")).isOne();
		assertThat(this.elector.isLeader()).isTrue();
	}

	@Test
	@Order(3)
	void startsEachTestMethodAsAtStartWithEmptyRecords() {
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(this.election.calls()).isEmpty();
		assertThat(this.election.events()).isEmpty();
		// The fencing tokens go on increasing.
		assertThat(this.election.grant().fencingToken()).isEqualTo(2);
		assertThat(this.election.events()).singleElement().isInstanceOf(OnGrantedEvent.class);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		Job job() {
			return new Job();
		}

	}

	static class Job {

		private final AtomicInteger reports = new AtomicInteger();

		@LeaderOnly
		public void report() {
			this.reports.incrementAndGet();
		}

	}

}
