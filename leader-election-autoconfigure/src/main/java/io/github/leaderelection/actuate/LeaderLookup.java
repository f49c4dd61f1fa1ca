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

package io.github.leaderelection.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Reads the current leader of roles from the store, for the endpoint and the info contributor: on threads of its own
 * (named {@code leader-election-actuator-<n>}), never the election's, and within a time bound, so that a slow or
 * unreachable store neither holds up the caller for longer than the bound nor delays a renewal. A role whose read
 * failed or did not answer in time gets an error instead of a leader. Thread-safe.
 *
 * @since 0.2.0
 */
public final class LeaderLookup implements AutoCloseable {

	/**
	 * Longest time {@link #read(List)} waits for the store by default.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	private static final LogAccessor logger = new LogAccessor(LeaderLookup.class);

	private static final int THREADS = 2;

	// Requests waiting for a thread: past that, while the store hangs, a request is answered at once with an error
	// rather than piling up.
	private static final int WAITING = 16;

	private final Duration timeout;

	private final ThreadPoolExecutor executor;

	/**
	 * Creates a lookup that waits at most the {@link #DEFAULT_TIMEOUT default timeout}.
	 */
	public LeaderLookup() {
		this(DEFAULT_TIMEOUT);
	}

	/**
	 * Creates a lookup.
	 * @param timeout how long {@link #read(List)} waits for the store at most
	 */
	public LeaderLookup(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		this.timeout = timeout;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("leader-election-actuator-");
		threads.setDaemon(true);
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(WAITING), threads);
		// No thread stays idle between requests.
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Reads the current leader of each elector's role, one role after another, and returns once all have answered
	 * or the timeout has passed.
	 * @param electors the electors whose roles to read
	 * @return per role, in the order of the electors given
	 */
	public Map<String, Reading> read(List<? extends LeaderElector> electors) {
		Map<String, Reading> readings = new ConcurrentHashMap<>();
		if (electors.isEmpty()) {
			return Map.of();
		}
		Future<?> task;
		try {
			task = this.executor.submit(() -> {
				for (LeaderElector elector : electors) {
					if (Thread.currentThread().isInterrupted()) {
						return;
					}
					readings.put(elector.role(), readOne(elector));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			return collect(electors, readings, "Not read: too many reads of the store are waiting already");
		}
		boolean done = await(task);
		Map<String, Reading> result = collect(electors, readings,
				"No answer from the store within " + human(this.timeout) + " (read in turn with other roles)");
		if (!done) {
			// Only now: a read that the interrupt ends must not show up in the result as failed.
			task.cancel(true);
		}
		return result;
	}

	/**
	 * Reads the current leader of one role, as {@link #read(List)} does.
	 * @param elector the elector whose role to read
	 * @return the reading
	 */
	public Reading read(LeaderElector elector) {
		Reading reading = read(List.of(elector)).get(elector.role());
		Assert.state(reading != null, "Every role read has a reading");
		return reading;
	}

	/**
	 * Longest time {@link #read(List)} waits for the store.
	 */
	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Stops the threads, interrupting reads still running.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private boolean await(Future<?> task) {
		try {
			task.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			// readOne catches what a store throws: only an Error gets here.
			logger.warn(ex, "Reading the current leaders failed");
			return true;
		}
	}

	private static Map<String, Reading> collect(List<? extends LeaderElector> electors, Map<String, Reading> readings,
			String missing) {
		Map<String, Reading> result = new LinkedHashMap<>();
		for (LeaderElector elector : electors) {
			Reading reading = readings.get(elector.role());
			result.put(elector.role(), (reading != null) ? reading : Reading.failed(missing));
		}
		return result;
	}

	private static Reading readOne(LeaderElector elector) {
		try {
			return Reading.of(elector.currentLeader());
		}
		catch (RuntimeException ex) {
			logger.debug(ex, () -> "Could not read the current leader of '%s'".formatted(elector.role()));
			String message = ex.getMessage();
			return Reading.failed(ex.getClass().getSimpleName() + ((message != null) ? ": " + message : ""));
		}
	}

	static String human(Duration duration) {
		long millis = duration.toMillis();
		return (millis < 1000 || millis % 1000 != 0) ? millis + " ms" : (millis / 1000) + " s";
	}

	/**
	 * What a read of one role found: its leader, none, or an error.
	 *
	 * @param leader the current leader, or {@code null} when no instance holds the lease or the read failed
	 * @param error why the read failed, or {@code null} when it did not
	 * @since 0.2.0
	 */
	public record Reading(@Nullable LeaderInfo leader, @Nullable String error) {

		static Reading of(Optional<LeaderInfo> leader) {
			return new Reading(leader.orElse(null), null);
		}

		static Reading failed(String error) {
			return new Reading(null, error);
		}

	}

}
