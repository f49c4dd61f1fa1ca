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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The application under test, one per JVM: a {@link LeaderOnly} job that records every run, and listeners that
 * record every change of leadership, in the history file {@code faults.history}. Times are
 * {@link System#nanoTime()}, which reads CLOCK_MONOTONIC on Linux and is therefore comparable across the processes
 * of one machine. Commands arrive on standard input ({@code slow <millis>} makes the grant listener that slow); when
 * standard input closes, because the suite ended or died, the application exits.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableScheduling
public class FaultApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(FaultApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		var context = application.run(args);
		History history = context.getBean(History.class);
		Thread commands = new Thread(() -> readCommands(context.getBean(Listeners.class)), "faults-commands");
		commands.setDaemon(true);
		commands.start();
		history.write("READY " + System.nanoTime());
	}

	private static void readCommands(Listeners listeners) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				String[] words = line.trim().split(" ");
				if (words[0].equals("slow")) {
					listeners.slowFor(Duration.ofMillis(Long.parseLong(words[1])));
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
	 * The leader-only job. It records the local lease deadline as it starts, so that the checker can tell whether
	 * it started in time.
	 */
	static class Job {

		private final LeaderElector elector;

		private final History history;

		private final long workNanos;

		Job(LeaderElector elector, History history, Duration work) {
			this.elector = elector;
			this.history = history;
			this.workNanos = work.toNanos();
		}

		@LeaderOnly
		@Scheduled(fixedDelayString = "${faults.job-interval:10ms}")
		public void run() {
			long start = System.nanoTime();
			Leadership leadership = this.elector.leadership().orElse(null);
			Duration remaining = ((LeaseLeaderElector) this.elector).remainingLease().orElse(null);
			if (leadership == null || remaining == null) {
				// Called although the lease had ended by now: a token of 0 tells the checker.
				this.history.write("EXEC 0 %d %d %d".formatted(start, System.nanoTime(), start));
				return;
			}
			LockSupport.parkNanos(this.workNanos);
			this.history.write("EXEC %d %d %d %d".formatted(leadership.fencingToken(), start, System.nanoTime(),
					start + remaining.toNanos()));
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

}
