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

package io.github.leaderelection.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.support.ElectionRuntime;
import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Instances that compete for one role in this JVM on a {@link JdbcLeaseStore}, each with its own store, threads and
 * event queue, as separate processes would have them, on two-second leases. A watcher samples every elector's
 * {@link LeaseLeaderElector#isLeader()} while a test runs and keeps the most leaders it saw at once. Closing it stops
 * the watcher and every elector, store and runtime it started.
 */
final class JdbcContenders implements AutoCloseable {

	static final LeaseSettings SHORT_LEASES = new LeaseSettings(Duration.ofSeconds(2), Duration.ofMillis(400),
			Duration.ofMillis(200), Duration.ofMillis(50), true, Duration.ofSeconds(1));

	// Statements give up after a second, well within the lease; the listener listens again soon after a restart.
	static final JdbcLeaseStore.Options OPTIONS = JdbcLeaseStore.Options.DEFAULTS
		.withStatementTimeout(Duration.ofSeconds(1))
		.withListenRetryInterval(Duration.ofMillis(200));

	// A sample that took longer (the watcher was descheduled) could see the old leader before a handover and the
	// new one after it; no handover takes so little, since each takes several round trips to the database.
	private static final long LONGEST_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final DataSource dataSource;

	private final String role;

	private final List<Contender> started = new CopyOnWriteArrayList<>();

	private final AtomicInteger mostLeaders = new AtomicInteger();

	private final AtomicLong samples = new AtomicLong();

	private final Thread watcher;

	private volatile boolean watching = true;

	JdbcContenders(DataSource dataSource, String role) {
		this.dataSource = dataSource;
		this.role = role;
		this.watcher = new Thread(this::watch, "leader-watcher");
		this.watcher.setDaemon(true);
		this.watcher.start();
	}

	Contender create(String instanceId) {
		RecordingPublisher recorded = new RecordingPublisher();
		LeadershipEventPublisher events = new LeadershipEventPublisher(recorded);
		JdbcLeaseStore store = new JdbcLeaseStore(this.dataSource, OPTIONS);
		store.start();
		ElectionRuntime runtime = ElectionRuntime.platformThreads(2);
		LeaseLeaderElector elector = new LeaseLeaderElector(this.role, instanceId, "test-host", store, SHORT_LEASES,
				events, runtime);
		Contender contender = new Contender(elector, store, runtime, events, recorded);
		this.started.add(contender);
		return contender;
	}

	Contender start(String instanceId) {
		Contender contender = create(instanceId);
		contender.elector().start();
		return contender;
	}

	/**
	 * Creates {@code count} contenders and starts them at the same moment from threads of their own.
	 */
	List<Contender> startAtOnce(int count) throws InterruptedException {
		List<Contender> contenders = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			contenders.add(create("instance-" + i));
		}
		CountDownLatch go = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (Contender contender : contenders) {
			Thread thread = new Thread(() -> {
				try {
					go.await();
					contender.elector().start();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			thread.start();
			threads.add(thread);
		}
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		return contenders;
	}

	List<Contender> leaders() {
		return this.started.stream().filter((contender) -> contender.elector().isLeader()).toList();
	}

	int leaderCount() {
		return leaders().size();
	}

	@Nullable Contender leader() {
		List<Contender> leaders = leaders();
		return (leaders.size() == 1) ? leaders.get(0) : null;
	}

	/**
	 * The fencing token of the current leader's grant; fails unless exactly one contender leads.
	 */
	long leaderToken() {
		Contender leader = leader();
		if (leader == null) {
			throw new IllegalStateException("Not exactly one leader: " + leaders());
		}
		return leader.elector().leadership().orElseThrow().fencingToken();
	}

	/**
	 * Every fencing token granted so far, as the contenders' events told them.
	 */
	List<Long> grantedTokens() {
		return this.started.stream()
			.flatMap((contender) -> contender.events().stream())
			.filter(OnGrantedEvent.class::isInstance)
			.map(LeadershipEvent::fencingToken)
			.toList();
	}

	/**
	 * Most contenders that led at once in any sample since this was created.
	 */
	int mostLeadersAtOnce() {
		return this.mostLeaders.get();
	}

	long samples() {
		return this.samples.get();
	}

	private void watch() {
		while (this.watching) {
			long begun = System.nanoTime();
			int leaders = 0;
			for (Contender contender : this.started) {
				if (contender.elector().isLeader()) {
					leaders++;
				}
			}
			if (System.nanoTime() - begun <= LONGEST_SAMPLE_NANOS) {
				this.mostLeaders.accumulateAndGet(leaders, Math::max);
				this.samples.incrementAndGet();
			}
			LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
		}
	}

	@Override
	public void close() {
		this.watching = false;
		try {
			this.watcher.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// Electors first, so that every release still reaches the database through a running store.
		this.started.forEach((contender) -> contender.elector().stop());
		this.started.forEach(Contender::close);
		this.started.clear();
	}

	/**
	 * One competing instance.
	 */
	record Contender(LeaseLeaderElector elector, JdbcLeaseStore store, ElectionRuntime runtime,
			LeadershipEventPublisher publisher, RecordingPublisher recorded) {

		List<LeadershipEvent> events() {
			return this.recorded.events();
		}

		void close() {
			this.elector.stop();
			this.publisher.close();
			this.store.stop();
			this.runtime.close();
		}

		@Override
		public String toString() {
			return this.elector.instanceId();
		}

	}

	/**
	 * Keeps every leadership event.
	 */
	static final class RecordingPublisher implements ApplicationEventPublisher {

		private final List<LeadershipEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void publishEvent(ApplicationEvent event) {
			publishEvent((Object) event);
		}

		@Override
		public void publishEvent(Object event) {
			if (event instanceof LeadershipEvent leadershipEvent) {
				this.events.add(leadershipEvent);
			}
		}

		List<LeadershipEvent> events() {
			return new ArrayList<>(this.events);
		}

	}

}
