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

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.leaderelection.store.LeaseStore;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.util.Assert;

/**
 * The threads that every {@link LeaseLeaderElector} of an application shares, however many roles it elects: one
 * timer thread, {@code leader-election-timer}, for deadlines, drains and the times of the next store calls, and a
 * few threads for the store calls themselves, {@code leader-election-io-<n>}, or a virtual thread per call. The timer
 * never waits for the store, so a hung store call cannot hold back a revocation at its deadline.
 * <p>
 * It also batches renewals: the leases one store holds for the application that fall due together are renewed in
 * one {@link LeaseStore#renewAll(java.util.List)} call.
 *
 * @since 0.2.0
 */
public final class ElectionRuntime implements AutoCloseable {

	/**
	 * Number of platform threads for store calls by default: calls of one role never overlap, and a store that
	 * hangs holds back every role whatever the number, so a few suffice.
	 */
	public static final int DEFAULT_IO_THREADS = 4;

	private static final Object sharedMonitor = new Object();

	private static @Nullable ElectionRuntime shared;

	private final ScheduledThreadPoolExecutor timer;

	private final Executor io;

	private final boolean virtual;

	private final Scheduler scheduler = new Scheduler();

	private final AtomicLong sequence = new AtomicLong();

	private final Map<LeaseStore, RenewalBatcher> batchers = new ConcurrentHashMap<>();

	private ElectionRuntime(Executor io, boolean virtual) {
		this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("leader-election-timer", false));
		this.timer.setRemoveOnCancelPolicy(true);
		this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.io = io;
		this.virtual = virtual;
	}

	/**
	 * A runtime whose store calls run on a fixed number of platform threads.
	 * @param ioThreads the number of threads for store calls, at least 1
	 * @return the runtime
	 */
	public static ElectionRuntime platformThreads(int ioThreads) {
		Assert.isTrue(ioThreads > 0, "'ioThreads' must be positive");
		// Releases and claims go ahead of renewals, which have time to spare (see Queued).
		ThreadPoolExecutor io = new ThreadPoolExecutor(ioThreads, ioThreads, 0, TimeUnit.MILLISECONDS,
				new PriorityBlockingQueue<>(), daemonThreads("leader-election-io-", true));
		return new ElectionRuntime(io, false);
	}

	/**
	 * A runtime whose store calls each run on a virtual thread; needs Java 21 or later.
	 * @return the runtime
	 * @throws UnsupportedOperationException before Java 21
	 */
	public static ElectionRuntime virtualThreads() {
		return new ElectionRuntime(new VirtualThreadTaskExecutor("leader-election-io-"), true);
	}

	/**
	 * The runtime of electors created without one: {@link #DEFAULT_IO_THREADS} daemon threads, created on first use
	 * and shared by the whole JVM; never closed.
	 * @return the shared runtime
	 */
	public static ElectionRuntime shared() {
		synchronized (sharedMonitor) {
			if (shared == null) {
				shared = platformThreads(DEFAULT_IO_THREADS);
			}
			return shared;
		}
	}

	/**
	 * Whether store calls run on virtual threads.
	 */
	public boolean usesVirtualThreads() {
		return this.virtual;
	}

	/**
	 * Stops the threads. Electors still running on this runtime stop taking part in their elections.
	 */
	@Override
	public void close() {
		this.timer.shutdownNow();
		if (this.io instanceof ExecutorService executor) {
			executor.shutdownNow();
		}
	}

	@Override
	public String toString() {
		return "ElectionRuntime[%s]".formatted(this.virtual ? "virtual threads" : "platform threads");
	}

	ElectionScheduler scheduler() {
		return this.scheduler;
	}

	RenewalBatcher batcher(LeaseStore store) {
		return this.batchers.computeIfAbsent(store,
				(key) -> new RenewalBatcher(key, this.scheduler, ElectionClock.SYSTEM));
	}

	private static ThreadFactory daemonThreads(String name, boolean numbered) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, numbered ? name + count.incrementAndGet() : name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * A store call waiting for an I/O thread: those a handover waits for first, then in the order they came.
	 */
	private record Queued(Runnable task, boolean first, long sequence) implements Runnable, Comparable<Queued> {

		@Override
		public void run() {
			this.task.run();
		}

		@Override
		public int compareTo(Queued other) {
			if (this.first != other.first) {
				return this.first ? -1 : 1;
			}
			return Long.compare(this.sequence, other.sequence);
		}

	}

	private final class Scheduler implements ElectionScheduler {

		@Override
		public Cancellable schedule(Runnable task, long delayNanos) {
			try {
				return cancelling(ElectionRuntime.this.timer.schedule(task, Math.max(0, delayNanos),
						TimeUnit.NANOSECONDS));
			}
			catch (RejectedExecutionException ex) {
				// Closed: nothing runs any more.
				return Cancellable.NONE;
			}
		}

		@Override
		public void execute(Runnable task) {
			submit(task, false);
		}

		@Override
		public void executeFirst(Runnable task) {
			submit(task, true);
		}

		private void submit(Runnable task, boolean first) {
			try {
				long sequence = ElectionRuntime.this.sequence.getAndIncrement();
				ElectionRuntime.this.io.execute(new Queued(task, first, sequence));
			}
			catch (RejectedExecutionException ex) {
				// Closed: what an elector still does as it stops (a release, an unsubscribe) runs on the caller's
				// thread.
				task.run();
			}
		}

		private static Cancellable cancelling(Future<?> future) {
			return () -> future.cancel(false);
		}

	}

}
