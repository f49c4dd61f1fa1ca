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


package io.github.leaderelection.samples.demo;

import java.time.Duration;
import java.util.List;

/**
 * Lease settings and pacing of a failover demo.
 *
 * @param leaseDuration the instances' {@code leader.election.lease-duration}
 * @param renewInterval the instances' {@code leader.election.renew-interval}
 * @param retryInterval the instances' {@code leader.election.retry-interval}
 * @param electionJitter the instances' {@code leader.election.election-jitter}
 * @param reportRate how often the report job runs on the leader of {@code reports}
 * @param cleanupRate how often the cleanup job runs on the leader of {@code cleanup}
 * @param settle how long to watch after each handover before the next fault
 * @param pause how long a paused leader stays paused; longer than the lease
 */
record DemoSettings(Duration leaseDuration, Duration renewInterval, Duration retryInterval, Duration electionJitter,
		Duration reportRate, Duration cleanupRate, Duration settle, Duration pause) {

	/**
	 * The demo of the README: about a minute.
	 */
	static DemoSettings full() {
		return new DemoSettings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(250),
				Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(3),
				Duration.ofSeconds(3));
	}

	/**
	 * The demo as the build runs it: the same leases, shorter pauses between faults.
	 */
	static DemoSettings reduced() {
		return new DemoSettings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(250),
				Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1500),
				Duration.ofMillis(2500));
	}

	/**
	 * Arguments that give an instance these settings.
	 */
	List<String> arguments() {
		return List.of("--leader.election.lease-duration=" + this.leaseDuration.toMillis() + "ms",
				"--leader.election.renew-interval=" + this.renewInterval.toMillis() + "ms",
				"--leader.election.retry-interval=" + this.retryInterval.toMillis() + "ms",
				"--leader.election.election-jitter=" + this.electionJitter.toMillis() + "ms",
				"--sample.report-rate=" + this.reportRate.toMillis() + "ms",
				"--sample.cleanup-rate=" + this.cleanupRate.toMillis() + "ms");
	}

	/**
	 * How long a fault may go without a new leader before the demo fails: well over a lease, for a busy machine.
	 */
	Duration handoverTimeout() {
		return this.leaseDuration.multipliedBy(3).plusSeconds(10);
	}

	String describe() {
		return "lease %s, renew %s, retry %s, jitter %s; report job every %s, cleanup job every %s".formatted(
				format(this.leaseDuration), format(this.renewInterval), format(this.retryInterval),
				format(this.electionJitter), format(this.reportRate), format(this.cleanupRate));
	}

	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 == 0) {
			return millis / 1000 + "s";
		}
		return (millis < 1000) ? millis + "ms" : (millis / 1000.0) + "s";
	}

}
