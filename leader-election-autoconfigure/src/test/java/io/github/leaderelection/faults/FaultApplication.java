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


package io.github.leaderelection.faults;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The application under test, one per JVM: a {@link LeaderOnly} job that records every run, listeners that record
 * every change of leadership, and a recorder of every call to the {@link LeaseStore}, all in the history file
 * {@code faults.history}. Times are {@link System#nanoTime()}, which reads CLOCK_MONOTONIC on Linux and is therefore
 * comparable across the processes of one machine. Commands arrive on standard input: {@code slow <millis>} makes the
 * grant listener that slow, {@code work <millis>} sets how long each job run lasts, {@code yield} yields leadership.
 * When standard input closes, because the suite ended or died, the application exits.
 * <p>
 * History records, one per line:
 * <ul>
 * <li>{@code START <token> <start>} and {@code EXEC <token> <start> <end> <interrupted>}: a job run began, and ended
 * (token {@code 0} when the elector showed no grant as the run began);</li>
 * <li>{@code GRANT <token> <nanos>}, {@code REVOKE <token> <nanos> <reason>}, {@code SLOW-DONE <token> <nanos>}: the
 * events;</li>
 * <li>{@code ACQUIRE <sent> <replied> <outcome> <token>}, {@code RENEW <sent> <replied> <ok|refused|failed>},
 * {@code RELEASE <sent> <replied> <true|false|failed>}: a store call, when it was sent and when its reply came;</li>
 * <li>{@code WORK <millis> <nanos>}: job runs that start from now on last that long;</li>
 * <li>{@code READY <nanos>}: the application has started.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableScheduling
public class FaultApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(FaultApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		History history = context.getBean(History.class);
		Thread commands = new Thread(() -> readCommands(context), "faults-commands");
		commands.setDaemon(true);
		commands.start();
		history.write("READY " + System.nanoTime());
	}

	private static void readCommands(ConfigurableApplicationContext context) {
		Listeners listeners = context.getBean(Listeners.class);
		Job job = context.getBean(Job.class);
		LeaderElector elector = context.getBean(LeaderElector.class);
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				String[] words = line.trim().split(" ");
				switch (words[0]) {
					case "slow" -> listeners.slowFor(Duration.ofMillis(Long.parseLong(words[1])));
					case "work" -> {
						job.workFor(Duration.ofMillis(Long.parseLong(words[1])));
						context.getBean(History.class).write("WORK %s %d".formatted(words[1], System.nanoTime()));
					}
					case "yield" -> elector.yieldLeadership();
					default -> System.err.println("Unknown command on standard input: " + line);
				}
			}
		}
		catch (IOException ex) {
			// Treated as the end of the input.
		}
		// Nobody watches any more: do not outlive the suite.
		System.exit(0);
	}

	@Bean
	History history(@Value("${faults.history}") String path) {
		return new History(path);
	}

	@Bean
	Job job(LeaderElector elector, History history, @Value("${faults.work:2ms}") Duration work) {
		return new Job(elector, history, work);
	}

	@Bean
	Listeners listeners(History history) {
		return new Listeners(history);
	}

	@Bean
	static BeanPostProcessor recordingLeaseStore(ObjectProvider<History> history) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof LeaseStore store && !(bean instanceof RecordingLeaseStore))
						? new RecordingLeaseStore(store, history.getObject()) : bean;
			}

		};
	}

	// Lettuce backs off up to 30 s between reconnection attempts by default; a healed partition should count.
	@Bean
	ClientResourcesBuilderCustomizer fastReconnect() {
		return (builder) -> builder.reconnectDelay(
				Delay.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * One line per record, each written with a single system call, so a killed process leaves whole lines.
	 */
	static final class History {

		private final FileOutputStream out;

		History(String path) {
			try {
				this.out = new FileOutputStream(path, true);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		synchronized void write(String line) {
			try {
				this.out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	/**
	 * The leader-only job. A run records its start before it works, so that a run cut short by the end of its
	 * process is known too, and it works for as long as it was told whatever happens meanwhile: like blocking I/O,
	 * it does not stop when interrupted. It reads its token from {@link LeaderElector#leadership()}, not from the
	 * elector's deadline arithmetic: the checker judges the run by the leases it built from the store calls.
	 */
	static class Job {

		private final LeaderElector elector;

		private final History history;

		private volatile long workNanos;

		Job(LeaderElector elector, History history, Duration work) {
			this.elector = elector;
			this.history = history;
			this.workNanos = work.toNanos();
		}

		void workFor(Duration work) {
			this.workNanos = work.toNanos();
		}

		@LeaderOnly
		@Scheduled(fixedDelayString = "${faults.job-interval:10ms}")
		public void run() {
			long start = System.nanoTime();
			// Empty when a graceful handover began after the call was admitted: the checker then finds the lease
			// the run began in, and a run that began in none is a run without a lease.
			long token = this.elector.leadership().map(Leadership::fencingToken).orElse(0L);
			this.history.write("START %d %d".formatted(token, start));
			boolean interrupted = false;
			long until = start + this.workNanos;
			for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
				// Clears the flag, or parkNanos would return at once and spin.
				interrupted |= Thread.interrupted();
				LockSupport.parkNanos(left);
			}
			interrupted |= Thread.interrupted();
			this.history.write("EXEC %d %d %d %d".formatted(token, start, System.nanoTime(), interrupted ? 1 : 0));
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * Records each change of leadership; the grant listener can be made slow.
	 */
	static class Listeners {

		private final History history;

		private volatile long slowNanos;

		Listeners(History history) {
			this.history = history;
		}

		void slowFor(Duration duration) {
			this.slowNanos = duration.toNanos();
		}

		@EventListener
		void granted(OnGrantedEvent event) {
			this.history.write("GRANT %d %d".formatted(event.fencingToken(), System.nanoTime()));
			long slow = this.slowNanos;
			if (slow > 0) {
				// A listener that blocks its thread, as a slow one would: renewals must go on meanwhile.
				long until = System.nanoTime() + slow;
				while (System.nanoTime() - until < 0) {
					LockSupport.parkNanos(until - System.nanoTime());
				}
				this.history.write("SLOW-DONE %d %d".formatted(event.fencingToken(), System.nanoTime()));
			}
		}

		@EventListener
		void revoked(OnRevokedEvent event) {
			this.history.write(
					"REVOKE %d %d %s".formatted(event.fencingToken(), System.nanoTime(), event.reason()));
		}

	}

	/**
	 * Records every call to the store the elector uses: when it was sent and when, and with what, the store
	 * replied. The checker builds each lease's deadline from these times, independently of the elector's own
	 * arithmetic. A {@link SmartLifecycle} that passes the store's lifecycle through, phase included, so wrapping the
	 * store does not change when it starts and stops.
	 */
	static final class RecordingLeaseStore implements LeaseStore, SmartLifecycle {

		private final LeaseStore store;

		private final History history;

		RecordingLeaseStore(LeaseStore store, History history) {
			this.store = store;
			this.history = history;
		}

		@Override
		public Acquisition acquire(LeaseClaim claim) {
			long sent = System.nanoTime();
			try {
				Acquisition acquisition = this.store.acquire(claim);
				this.history.write("ACQUIRE %d %d %s %d".formatted(sent, System.nanoTime(), acquisition.outcome(),
						acquisition.fencingToken()));
				return acquisition;
			}
			catch (RuntimeException ex) {
				this.history.write("ACQUIRE %d %d FAILED 0".formatted(sent, System.nanoTime()));
				throw ex;
			}
		}

		@Override
		public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
			long sent = System.nanoTime();
			try {
				boolean renewed = this.store.renew(role, holder, leaseDuration);
				this.history.write("RENEW %d %d %s".formatted(sent, System.nanoTime(), renewed ? "ok" : "refused"));
				return renewed;
			}
			catch (RuntimeException ex) {
				this.history.write("RENEW %d %d failed".formatted(sent, System.nanoTime()));
				throw ex;
			}
		}

		@Override
		public boolean release(String role, LeaseHolder holder) {
			long sent = System.nanoTime();
			try {
				boolean released = this.store.release(role, holder);
				this.history.write("RELEASE %d %d %s".formatted(sent, System.nanoTime(), released));
				return released;
			}
			catch (RuntimeException ex) {
				this.history.write("RELEASE %d %d failed".formatted(sent, System.nanoTime()));
				throw ex;
			}
		}

		@Override
		public Optional<LeaderInfo> currentLeader(String role) {
			return this.store.currentLeader(role);
		}

		@Override
		public Subscription onRelease(String role, Runnable listener) {
			return this.store.onRelease(role, listener);
		}

		@Override
		public void start() {
			if (this.store instanceof Lifecycle lifecycle) {
				lifecycle.start();
			}
		}

		@Override
		public void stop() {
			if (this.store instanceof Lifecycle lifecycle) {
				lifecycle.stop();
			}
		}

		@Override
		public void stop(Runnable callback) {
			if (this.store instanceof SmartLifecycle lifecycle) {
				lifecycle.stop(callback);
			}
			else {
				stop();
				callback.run();
			}
		}

		@Override
		public boolean isRunning() {
			return this.store instanceof Lifecycle lifecycle && lifecycle.isRunning();
		}

		@Override
		public boolean isAutoStartup() {
			// The context starts a plain Lifecycle only when asked to: so does the wrapper.
			return this.store instanceof SmartLifecycle lifecycle && lifecycle.isAutoStartup();
		}

		@Override
		public boolean isPauseable() {
			return !(this.store instanceof SmartLifecycle lifecycle) || lifecycle.isPauseable();
		}

		@Override
		public int getPhase() {
			// The phase the context would give the store itself: 0 for a Lifecycle that is not Phased.
			return (this.store instanceof Phased phased) ? phased.getPhase() : 0;
		}

		@Override
		public String toString() {
			return this.store.toString();
		}

	}

}
