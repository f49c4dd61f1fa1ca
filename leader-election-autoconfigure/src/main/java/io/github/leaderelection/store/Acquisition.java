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


package io.github.leaderelection.store;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * The store's answer to a {@link LeaseStore#acquire(LeaseClaim) claim}.
 *
 * @param outcome whether the lease was granted, and if not, why
 * @param fencingToken the token of the grant; {@code 0} when not granted
 * @param retryAfter when a new claim may succeed; {@link Duration#ZERO} when granted
 * @since 0.1.0
 */
public record Acquisition(Outcome outcome, long fencingToken, Duration retryAfter) {

	public Acquisition {
		Assert.notNull(outcome, "'outcome' must not be null");
		Assert.isTrue(retryAfter != null && !retryAfter.isNegative(), "'retryAfter' must not be negative");
	}

	/**
	 * A grant with the given fencing token.
	 * @param fencingToken the token
	 * @return the acquisition
	 */
	public static Acquisition granted(long fencingToken) {
		return new Acquisition(Outcome.GRANTED, fencingToken, Duration.ZERO);
	}

	/**
	 * A refusal because another instance holds the lease.
	 * @param remaining the time the other instance's lease has left
	 * @return the acquisition
	 */
	public static Acquisition held(Duration remaining) {
		return new Acquisition(Outcome.HELD, 0, remaining);
	}

	/**
	 * A refusal because the store lost its data recently and a leader that does not know yet may still act.
	 * @param remaining the time until claims are accepted again
	 * @return the acquisition
	 */
	public static Acquisition quarantined(Duration remaining) {
		return new Acquisition(Outcome.QUARANTINED, 0, remaining);
	}

	/**
	 * Whether the lease was granted.
	 */
	public boolean isGranted() {
		return this.outcome == Outcome.GRANTED;
	}

	/**
	 * What became of a claim.
	 */
	public enum Outcome {

		/**
		 * The lease was granted to the claiming instance.
		 */
		GRANTED,

		/**
		 * Another instance holds the lease.
		 */
		HELD,

		/**
		 * The store lost its data less than one lease ago; no instance is granted the lease until then.
		 */
		QUARANTINED

	}

}
