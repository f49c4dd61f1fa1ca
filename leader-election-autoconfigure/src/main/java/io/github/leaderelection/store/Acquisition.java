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

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The store's answer to a {@link LeaseStore#acquire(LeaseClaim) claim}.
 *
 * @param outcome whether the lease was granted, and if not, why
 * @param fencingToken the token of the grant; {@code 0} when not granted
 * @param retryAfter when a new claim may succeed; {@link Duration#ZERO} when granted
 * @param reason for a quarantine or a misconfigured store, a sentence for operators that says why no instance is
 * granted and what to do; empty otherwise
 * @param holderInstanceId for a refusal because another instance holds the lease, that instance's id, when the
 * store tells it (since 0.2.0); {@code null} otherwise
 * @since 0.1.0
 */
public record Acquisition(Outcome outcome, long fencingToken, Duration retryAfter, String reason,
		@Nullable String holderInstanceId) {

	public Acquisition {
		Assert.notNull(outcome, "'outcome' must not be null");
		Assert.isTrue(retryAfter != null && !retryAfter.isNegative(), "'retryAfter' must not be negative");
		Assert.notNull(reason, "'reason' must not be null");
		Assert.isTrue(holderInstanceId == null || outcome == Outcome.HELD,
				"'holderInstanceId' is only for a lease held by another instance");
	}

	/**
	 * An answer that does not tell who holds the lease, as stores before 0.2.0 gave it.
	 * @param outcome whether the lease was granted, and if not, why
	 * @param fencingToken the token of the grant; {@code 0} when not granted
	 * @param retryAfter when a new claim may succeed; {@link Duration#ZERO} when granted
	 * @param reason for a quarantine or a misconfigured store, why; empty otherwise
	 */
	public Acquisition(Outcome outcome, long fencingToken, Duration retryAfter, String reason) {
		this(outcome, fencingToken, retryAfter, reason, null);
	}

	/**
	 * A grant with the given fencing token.
	 * @param fencingToken the token
	 * @return the acquisition
	 */
	public static Acquisition granted(long fencingToken) {
		return new Acquisition(Outcome.GRANTED, fencingToken, Duration.ZERO, "");
	}

	/**
	 * A refusal because another instance holds the lease.
	 * @param remaining the time the other instance's lease has left
	 * @return the acquisition
	 */
	public static Acquisition held(Duration remaining) {
		return new Acquisition(Outcome.HELD, 0, remaining, "");
	}

	/**
	 * A refusal because another instance, named, holds the lease.
	 * @param remaining the time the other instance's lease has left
	 * @param holderInstanceId the instance id of the holder
	 * @return the acquisition
	 * @since 0.2.0
	 */
	public static Acquisition held(Duration remaining, String holderInstanceId) {
		Assert.hasText(holderInstanceId, "'holderInstanceId' must not be empty");
		return new Acquisition(Outcome.HELD, 0, remaining, "", holderInstanceId);
	}

	/**
	 * A refusal because another process that uses the caller's instance id holds the lease.
	 * @param remaining the time that process's lease has left
	 * @return the acquisition
	 */
	public static Acquisition duplicate(Duration remaining) {
		return new Acquisition(Outcome.DUPLICATE, 0, remaining, "");
	}

	/**
	 * A refusal because the store may have lost or rolled back the role's data, and a leader that does not know yet
	 * may still act.
	 * @param remaining the time until claims are accepted again
	 * @param reason why, for operators
	 * @return the acquisition
	 */
	public static Acquisition quarantined(Duration remaining, String reason) {
		return new Acquisition(Outcome.QUARANTINED, 0, remaining, reason);
	}

	/**
	 * A refusal because the store is configured in a way that could lose a lease silently, such as an eviction
	 * policy that may evict any key.
	 * @param retryAfter when to ask again
	 * @param reason what is wrong and how to fix it
	 * @return the acquisition
	 */
	public static Acquisition misconfigured(Duration retryAfter, String reason) {
		return new Acquisition(Outcome.MISCONFIGURED, 0, retryAfter, reason);
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
		 * Another process with the same instance id holds the lease: instance ids are not unique.
		 */
		DUPLICATE,

		/**
		 * The store may have lost or rolled back the role's data, or is new; no instance is granted the lease until
		 * any former leader's deadline has passed.
		 */
		QUARANTINED,

		/**
		 * The store's configuration could lose leases silently; no instance is granted the lease until it is fixed.
		 */
		MISCONFIGURED

	}

}
