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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Spring Integration's leader election, as its reference guide sets it up: a {@link LockRegistryLeaderInitiator} on
 * a {@link RedisLockRegistry}, at the library's defaults (60 s lock expiry, 500 ms heartbeat, 50 ms busy wait, spin
 * lock), or with the expiry {@code bench.si.expire} when given. The job runs where
 * {@code getContext().isLeader()} is true. Roles added with the {@code roles} command get an initiator each.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(excludeName = { "io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration",
		"io.github.leaderelection.autoconfigure.DisabledLeaderElectionAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@EnableScheduling
@Import(Harness.class)
public class IntegrationApplication {

	static final String ROLE = "bench";

	public static void main(String[] args) {
		Harness.run(IntegrationApplication.class, args);
	}

	@Bean
	RedisLockRegistry redisLockRegistry(RedisConnectionFactory connectionFactory,
			@Value("${bench.si.expire:}") @Nullable Duration expire) {
		return (expire != null) ? new RedisLockRegistry(connectionFactory, "bench-locks", expire)
				: new RedisLockRegistry(connectionFactory, "bench-locks");
	}

	@Bean
	LockRegistryLeaderInitiator leaderInitiator(RedisLockRegistry locks,
			@Value("${bench.role:" + ROLE + "}") String role) {
		String id = Long.toString(ProcessHandle.current().pid());
		return new LockRegistryLeaderInitiator(locks, new DefaultCandidate(id, role));
	}

	@Bean
	LeaderJob leaderJob(LockRegistryLeaderInitiator initiator, Harness.Job job) {
		return new LeaderJob(initiator, job);
	}

	@Bean
	MoreInitiators moreInitiators(RedisLockRegistry locks, ApplicationEventPublisher publisher) {
		return new MoreInitiators(locks, publisher);
	}

	@Bean
	Harness.Leading leading(LockRegistryLeaderInitiator initiator, MoreInitiators more) {
		return () -> (initiator.getContext().isLeader() ? 1 : 0) + more.leading();
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		if (!event.getRole().startsWith("role-")) {
			Harness.print("GRANTED", 0);
		}
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		if (!event.getRole().startsWith("role-")) {
			Harness.print("REVOKED", "-");
		}
	}

	/**
	 * The job, run where this instance leads, every 100 ms after the previous run ended.
	 */
	static class LeaderJob {

		private final LockRegistryLeaderInitiator initiator;

		private final Harness.Job job;

		LeaderJob(LockRegistryLeaderInitiator initiator, Harness.Job job) {
			this.initiator = initiator;
			this.job = job;
		}

		@Scheduled(fixedDelayString = "${bench.job-interval:100ms}")
		void run() {
			if (this.initiator.getContext().isLeader()) {
				this.job.run();
			}
		}

	}

	/**
	 * The initiators of the roles added with the {@code roles} command, stopped with the application.
	 */
	static final class MoreInitiators implements Harness.Roles, SmartLifecycle {

		private final RedisLockRegistry locks;

		private final ApplicationEventPublisher publisher;

		private final List<LockRegistryLeaderInitiator> initiators = new CopyOnWriteArrayList<>();

		private volatile boolean running;

		MoreInitiators(RedisLockRegistry locks, ApplicationEventPublisher publisher) {
			this.locks = locks;
			this.publisher = publisher;
		}

		@Override
		public void add(int count) {
			int first = this.initiators.size();
			for (int i = 0; i < count; i++) {
				LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(this.locks,
						new DefaultCandidate(Long.toString(ProcessHandle.current().pid()), "role-" + (first + i)));
				initiator.setApplicationEventPublisher(this.publisher);
				initiator.start();
				this.initiators.add(initiator);
			}
			Harness.print("ROLES", this.initiators.size() + 1);
		}

		long leading() {
			return this.initiators.stream().filter((initiator) -> initiator.getContext().isLeader()).count();
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.initiators.forEach(LockRegistryLeaderInitiator::stop);
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			// Stopped together with the default role's initiator.
			return Integer.MAX_VALUE - 1000;
		}

	}

}
