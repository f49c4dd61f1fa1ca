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
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * A scheduler a test drives by hand, on a {@link FakeClock}: timed tasks run when the test moves the clock past
 * their time, store calls when the test lets them. Everything runs on the test's thread, so a test of the engine is
 * deterministic and takes milliseconds.
 */
final class ManualScheduler implements ElectionScheduler {

	private final FakeClock clock;

	private final PriorityQueue<Timed> timers = new PriorityQueue<>(
			Comparator.comparingLong((Timed timed) -> timed.dueNanos).thenComparingLong((timed) -> timed.sequence));

	private final Deque<Runnable> io = new ArrayDeque<>();

	private long sequence;

	private boolean holdIo;

	private boolean inIo;

	ManualScheduler(FakeClock clock) {
		this.clock = clock;
	}

	@Override
	public Cancellable schedule(Runnable task, long delayNanos) {
		Timed timed = new Timed(task, this.clock.nanoTime() + Math.max(0, delayNanos), this.sequence++);
		this.timers.add(timed);
		return () -> this.timers.remove(timed);
	}

	@Override
	public void execute(Runnable task) {
		this.io.add(task);
	}

	/**
	 * Keeps store calls queued until {@link #runIo()}, as a store that does not answer would.
	 */
	void holdIo() {
		this.holdIo = true;
	}

	/**
	 * Lets store calls run again, and runs those queued.
	 */
	void releaseIo() {
		this.holdIo = false;
		settle();
	}

	/**
	 * Runs what is due now: timed tasks, and store calls unless held.
	 */
	void settle() {
		advance(Duration.ZERO);
	}

	/**
	 * Moves both clocks forward, running every timed task at its time and, unless held, every store call as it is
	 * made.
	 */
	void advance(Duration duration) {
		long target = this.clock.nanoTime() + duration.toNanos();
		while (true) {
			runIoUnlessHeld();
			// A task that moved the clock itself (a slow store call) moves the target with it.
			target = Math.max(target, this.clock.nanoTime());
			Timed next = this.timers.peek();
			if (next == null || next.dueNanos - target > 0) {
				break;
			}
			this.timers.poll();
			long step = next.dueNanos - this.clock.nanoTime();
			if (step > 0) {
				this.clock.advanceBoth(Duration.ofNanos(step));
			}
			next.task.run();
		}
		long rest = target - this.clock.nanoTime();
		if (rest > 0) {
			this.clock.advanceBoth(Duration.ofNanos(rest));
		}
		runIoUnlessHeld();
	}

	/**
	 * Runs the store calls queued so far, held or not, and those they queue.
	 */
	void runIo() {
		while (!this.io.isEmpty()) {
			runOneIo();
		}
	}

	int queuedIo() {
		return this.io.size();
	}

	private void runIoUnlessHeld() {
		// A store call that moves the clock runs the timers it passes, but not other store calls: one call at a time.
		while (!this.holdIo && !this.inIo && !this.io.isEmpty()) {
			runOneIo();
		}
	}

	private void runOneIo() {
		Runnable task = this.io.poll();
		boolean nested = this.inIo;
		this.inIo = true;
		try {
			task.run();
		}
		finally {
			this.inIo = nested;
		}
	}

	private record Timed(Runnable task, long dueNanos, long sequence) {
	}

}
