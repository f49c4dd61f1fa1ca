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

package io.github.leaderelection.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.redis.RedisLeaseStore;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Instances that compete for roles in one JVM, each with its own store and event queue as separate processes would
 * have, on short leases. Closing it stops every elector and store it started.
 */
final class Contenders implements AutoCloseable {

	static final LeaseSettings SHORT_LEASES = new LeaseSettings(Duration.ofMillis(1000), Duration.ofMillis(200),
			Duration.ofMillis(100), Duration.ofMillis(20), true);

	private final RedisConnectionFactory connectionFactory;

	private final LeaseSettings settings;

	private final List<Contender> started = new CopyOnWriteArrayList<>();

	Contenders(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, SHORT_LEASES);
	}

	Contenders(RedisConnectionFactory connectionFactory, LeaseSettings settings) {
		this.connectionFactory = connectionFactory;
		this.settings = settings;
	}

	Contender create(String role, String instanceId) {
		RecordingPublisher publisher = new RecordingPublisher();
		LeadershipEventPublisher events = new LeadershipEventPublisher(publisher);
		RedisLeaseStore store = new RedisLeaseStore(this.connectionFactory, "test", Duration.ofMillis(100));
		store.start();
		LeaseLeaderElector elector = new LeaseLeaderElector(role, instanceId, "test-host", store, this.settings,
				events);
		Contender contender = new Contender(elector, store, events, publisher);
		this.started.add(contender);
		return contender;
	}

	Contender start(String role, String instanceId) {
		Contender contender = create(role, instanceId);
		contender.elector().start();
		return contender;
	}

	List<Contender> all() {
		return List.copyOf(this.started);
	}

	long leaders(String role) {
		return this.started.stream()
			.filter((contender) -> contender.elector().role().equals(role) && contender.elector().isLeader())
			.count();
	}

	@Override
	public void close() {
		for (Contender contender : this.started) {
			contender.stop();
		}
		this.started.clear();
	}

	/**
	 * One competing instance.
	 */
	record Contender(LeaseLeaderElector elector, RedisLeaseStore store, LeadershipEventPublisher publisher,
			RecordingPublisher recorded) {

		void stop() {
			this.elector.stop();
			this.publisher.close();
			this.store.stop();
		}

		List<LeadershipEvent> events() {
			return this.recorded.events();
		}

	}

	/**
	 * Keeps every leadership event with the thread that delivered it; lets a test block delivery.
	 */
	static final class RecordingPublisher implements ApplicationEventPublisher {

		private final List<LeadershipEvent> events = new CopyOnWriteArrayList<>();

		private final List<String> threads = new CopyOnWriteArrayList<>();

		private volatile Runnable listener = () -> {
		};

		@Override
		public void publishEvent(ApplicationEvent event) {
			publishEvent((Object) event);
		}

		@Override
		public void publishEvent(Object event) {
			if (event instanceof LeadershipEvent leadershipEvent) {
				this.threads.add(Thread.currentThread().getName());
				this.events.add(leadershipEvent);
				this.listener.run();
			}
		}

		void onEvent(Runnable listener) {
			this.listener = listener;
		}

		List<LeadershipEvent> events() {
			return new ArrayList<>(this.events);
		}

		List<String> threads() {
			return new ArrayList<>(this.threads);
		}

	}

}
