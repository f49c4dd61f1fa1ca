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

package io.github.leaderelection.annotation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @LeaderOnly @Scheduled} jobs in three application contexts that share one Redis: only the leader's job
 * runs.
 */
class LeaderOnlyAcrossInstancesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void onlyTheLeaderRunsTheJob() {
		for (int i = 0; i < 3; i++) {
			this.contexts.add(start("instance-" + i));
		}
		await().atMost(TIMEOUT).until(() -> leaders().size() == 1);
		ConfigurableApplicationContext leader = leaders().get(0);
		await().atMost(TIMEOUT).until(() -> runs(leader) >= 5);
		for (ConfigurableApplicationContext context : this.contexts) {
			if (context != leader) {
				assertThat(runs(context)).as("runs on a follower").isZero();
			}
		}

		Job stoppedJob = leader.getBean(Job.class);
		leader.close();
		int stoppedRuns = stoppedJob.runs();
		this.contexts.remove(leader);
		await().atMost(TIMEOUT).until(() -> leaders().size() == 1);
		ConfigurableApplicationContext next = leaders().get(0);
		await().atMost(TIMEOUT).until(() -> runs(next) >= 5);
		for (ConfigurableApplicationContext context : this.contexts) {
			if (context != next) {
				assertThat(runs(context)).as("runs on a follower").isZero();
			}
		}
		assertThat(stoppedJob.runs()).as("runs after its context closed").isEqualTo(stoppedRuns);
	}

	private ConfigurableApplicationContext start(String instanceId) {
		return new SpringApplicationBuilder(JobConfiguration.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"leader.election.instance-id=" + instanceId, "leader.election.lease-duration=1s",
					"leader.election.renew-interval=200ms", "leader.election.retry-interval=100ms",
					"spring.main.banner-mode=off")
			.run();
	}

	private List<ConfigurableApplicationContext> leaders() {
		return this.contexts.stream()
			.filter((context) -> context.getBean(LeaderElector.class).isLeader())
			.toList();
	}

	private static int runs(ConfigurableApplicationContext context) {
		return context.getBean(Job.class).runs();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableScheduling
	static class JobConfiguration {

		@Bean
		Job job() {
			return new Job();
		}

	}

	static class Job {

		private final AtomicInteger runs = new AtomicInteger();

		int runs() {
			return this.runs.get();
		}

		@LeaderOnly
		@Scheduled(fixedDelay = 20)
		void run() {
			this.runs.incrementAndGet();
		}

	}

}
