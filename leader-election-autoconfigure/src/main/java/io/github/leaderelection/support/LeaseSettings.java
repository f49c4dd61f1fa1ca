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

import org.springframework.util.Assert;

/**
 * Timings of a {@link LeaseLeaderElector}.
 *
 * @param leaseDuration time after which an unrenewed lease expires in the store
 * @param renewInterval time between two renewals while leading
 * @param retryInterval time between two attempts after a failed store call
 * @param electionJitter upper bound of the random delay before the first attempt and after a lease ends
 * @param releaseOnShutdown whether a stopping leader releases its lease rather than let it expire
 * @param drainTimeout how long a graceful handover keeps the lease for leader-only work still running
 * @since 0.1.0
 */
public record LeaseSettings(Duration leaseDuration, Duration renewInterval, Duration retryInterval,
		Duration electionJitter, boolean releaseOnShutdown, Duration drainTimeout) {

	/**
	 * Default time a graceful handover waits for leader-only work still running, as long as Spring Boot waits for a
	 * lifecycle phase to stop by default.
	 */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration RELEASE_JITTER = Duration.ofMillis(5);

	/**
	 * Time a stopping elector waits for a store call in flight and for its release.
	 */
	public static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(2);

	public LeaseSettings {
		Assert.isTrue(isPositive(leaseDuration), "'leaseDuration' must be positive");
		Assert.isTrue(isPositive(renewInterval), "'renewInterval' must be positive");
		Assert.isTrue(isPositive(retryInterval), "'retryInterval' must be positive");
		Assert.isTrue(electionJitter != null && !electionJitter.isNegative(), "'electionJitter' must not be negative");
		Assert.isTrue(drainTimeout != null && !drainTimeout.isNegative(), "'drainTimeout' must not be negative");
		Assert.isTrue(leaseDuration.compareTo(renewInterval.plus(retryInterval.multipliedBy(2))) > 0,
				"'leaseDuration' must exceed 'renewInterval' plus two 'retryInterval's");
	}

	/**
	 * Settings with the {@link #DEFAULT_DRAIN_TIMEOUT default drain timeout}.
	 * @param leaseDuration time after which an unrenewed lease expires in the store
	 * @param renewInterval time between two renewals while leading
	 * @param retryInterval time between two attempts after a failed store call
	 * @param electionJitter upper bound of the random delay before the first attempt and after a lease ends
	 * @param releaseOnShutdown whether a stopping leader releases its lease rather than let it expire
	 */
	public LeaseSettings(Duration leaseDuration, Duration renewInterval, Duration retryInterval,
			Duration electionJitter, boolean releaseOnShutdown) {
		this(leaseDuration, renewInterval, retryInterval, electionJitter, releaseOnShutdown, DEFAULT_DRAIN_TIMEOUT);
	}

	/**
	 * Longest time an elector takes to stop: the drain timeout and the release timeout, plus a second.
	 */
	public Duration stopTimeout() {
		return this.drainTimeout.plus(RELEASE_TIMEOUT).plusSeconds(1);
	}

	/**
	 * Upper bound of the random delay before a claim that follows a release or a resubscription: the election
	 * jitter, but at most 5 ms, so that a handover still takes milliseconds while the followers of many roles do not
	 * all claim at the same instant.
	 */
	public Duration releaseJitter() {
		return (this.electionJitter.compareTo(RELEASE_JITTER) < 0) ? this.electionJitter : RELEASE_JITTER;
	}

	/**
	 * Time by which the local deadline precedes the store's expiry: one hundredth of the lease, at least a
	 * millisecond, against clocks that tick at slightly different rates.
	 */
	public Duration safetyMargin() {
		Duration margin = this.leaseDuration.dividedBy(100);
		return (margin.compareTo(Duration.ofMillis(1)) < 0) ? Duration.ofMillis(1) : margin;
	}

	/**
	 * Time a yielding leader stays out of the election: long enough for every follower to make an attempt.
	 */
	public Duration sitOut() {
		return this.leaseDuration.plus(this.electionJitter);
	}

	private static boolean isPositive(Duration duration) {
		return duration != null && !duration.isNegative() && !duration.isZero();
	}

}
