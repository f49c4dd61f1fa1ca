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


package io.github.leaderelection.benchmarks.apps;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * This starter, as an application uses it: a {@code @LeaderOnly @Scheduled} job and listeners of its events. The
 * store is Redis or PostgreSQL, as {@code leader.election.mode} says; the harness leaves every other setting at its
 * default. Roles added with the {@code roles} command are elected like the default one (the scale benchmark).
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableScheduling
@Import(Harness.class)
public class StarterApplication {

	public static void main(String[] args) {
		Harness.run(StarterApplication.class, args);
	}

	@Bean
	LeaderOnlyJob leaderOnlyJob(Harness.Job job) {
		return new LeaderOnlyJob(job);
	}

	@Bean
	Harness.Leading leading(LeaderElectors electors) {
		return () -> electors.electors().stream().filter(LeaderElector::isLeader).count();
	}

	@Bean
	Harness.Roles roles(LeaderElectors electors) {
		return (count) -> {
			int first = electors.electors().size();
			for (int i = 0; i < count; i++) {
				electors.forRole("role-" + (first + i));
			}
			Harness.print("ROLES", electors.electors().size());
		};
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		// The roles of the scale benchmark would print thousands of lines.
		if (event.role().startsWith("role-")) {
			return;
		}
		Harness.print("GRANTED", event.fencingToken());
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		if (event.role().startsWith("role-")) {
			return;
		}
		Harness.print("REVOKED", event.reason());
	}

	/**
	 * The job, run on the leader only, every 100 ms after the previous run ended.
	 */
	public static class LeaderOnlyJob {

		private final Harness.Job job;

		LeaderOnlyJob(Harness.Job job) {
			this.job = job;
		}

		@LeaderOnly
		@Scheduled(fixedDelayString = "${bench.job-interval:100ms}")
		public void run() {
			this.job.run();
		}

	}

}
