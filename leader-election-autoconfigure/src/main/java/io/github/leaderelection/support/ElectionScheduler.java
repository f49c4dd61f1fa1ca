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

/**
 * Where an elector's work runs: timed tasks on a timer that never does I/O, store calls on an executor of their
 * own, so that a hung store call cannot hold back a revocation at the deadline. Shared by every elector of an
 * application ({@link ElectionRuntime}); tests pass one they drive by hand.
 */
interface ElectionScheduler {

	/**
	 * Runs a short task, which must not block, on the timer once {@code delayNanos} have passed on the monotonic
	 * clock.
	 * @param task the task
	 * @param delayNanos the delay, zero or negative for at once
	 * @return a handle that cancels the task unless it has begun
	 */
	Cancellable schedule(Runnable task, long delayNanos);

	/**
	 * Runs a task that may block on the store, such as a claim or a renewal.
	 * @param task the task
	 */
	void execute(Runnable task);

	/**
	 * Runs a store call that a handover waits for, such as a release or the claim that follows one, ahead of the
	 * calls queued with {@link #execute(Runnable)}, whose renewals have time to spare.
	 * @param task the task
	 */
	default void executeFirst(Runnable task) {
		execute(task);
	}

	/**
	 * A task that may still be cancelled.
	 */
	@FunctionalInterface
	interface Cancellable {

		/**
		 * A handle for nothing.
		 */
		Cancellable NONE = () -> {
		};

		/**
		 * Cancels the task unless it has begun; does nothing once it has.
		 */
		void cancel();

	}

}
