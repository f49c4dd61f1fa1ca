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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clocks a test moves by hand: the monotonic one and the wall clock each on its own, as a suspended machine or a
 * stepped wall clock would.
 */
final class FakeClock implements ElectionClock {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	// In nanoseconds, so that steps shorter than a millisecond add up on the wall clock too.
	private final AtomicLong wallNanos = new AtomicLong(System.currentTimeMillis() * 1_000_000L);

	@Override
	public long nanoTime() {
		return this.nanos.get();
	}

	@Override
	public long wallMillis() {
		return this.wallNanos.get() / 1_000_000L;
	}

	void advanceMonotonic(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	void advanceWall(Duration duration) {
		this.wallNanos.addAndGet(duration.toNanos());
	}

	void advanceBoth(Duration duration) {
		advanceMonotonic(duration);
		advanceWall(duration);
	}

}
