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

import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * ShedLock, as its README sets it up: a {@code @Scheduled} {@code @SchedulerLock} job on the Redis provider, with a
 * {@code lockAtMostFor} of 10 s to match the lease of the others and {@code lockAtLeastFor} at its default (0). The
 * job fires at the start of every second ({@code bench.cron}) on every instance; the one that gets the lock runs it.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = { "io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration",
		"io.github.leaderelection.autoconfigure.DisabledLeaderElectionAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "${bench.shedlock.lock-at-most-for:10s}")
@Import(Harness.class)
public class ShedLockApplication {

	public static void main(String[] args) {
		Harness.run(ShedLockApplication.class, args);
	}

	@Bean
	LockProvider lockProvider(RedisConnectionFactory connectionFactory) {
		return new RedisLockProvider(connectionFactory, "bench");
	}

	@Bean
	LockedJob lockedJob(Harness.Job job) {
		return new LockedJob(job);
	}

	/**
	 * The job, run by whichever instance gets ShedLock's lock for this second.
	 */
	public static class LockedJob {

		private final Harness.Job job;

		LockedJob(Harness.Job job) {
			this.job = job;
		}

		@Scheduled(cron = "${bench.cron:* * * * * *}")
		@SchedulerLock(name = "bench")
		public void run() {
			this.job.run();
		}

	}

}
