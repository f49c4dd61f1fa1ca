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
 * The two clocks a lease deadline is measured on. A grant is valid only while both say so: the monotonic clock is
 * immune to wall-clock steps but stands still while the machine is suspended (a VM paused or live-migrated, a laptop
 * asleep), and the wall clock goes on during a suspend. Tests pass their own.
 */
interface ElectionClock {

	/**
	 * The system's clocks: {@link System#nanoTime()} and {@link System#currentTimeMillis()}.
	 */
	ElectionClock SYSTEM = new ElectionClock() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public long wallMillis() {
			return System.currentTimeMillis();
		}

	};

	/**
	 * Monotonic time in nanoseconds, only for differences.
	 */
	long nanoTime();

	/**
	 * Wall-clock time in milliseconds since the epoch.
	 */
	long wallMillis();

}
