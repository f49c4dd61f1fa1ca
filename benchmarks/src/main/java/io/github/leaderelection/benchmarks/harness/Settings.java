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


package io.github.leaderelection.benchmarks.harness;

import java.time.Duration;
import java.util.List;

/**
 * How much a run measures: {@link #full()} at the defaults of every contender (10 s lease), or {@link #smoke()}, a
 * run with tiny counts and short leases that only proves every benchmark still works.
 *
 * @param profile {@code full} or {@code smoke}
 * @param instances instances of each contender at once
 * @param leaseArguments the starter's lease settings; empty for its defaults
 * @param lease the lease all contenders are set to, or their default
 * @param handovers graceful handovers of the starter
 * @param drains handovers with a job in flight, of the starter
 * @param failovers crash failovers of the starter
 * @param peerHandovers graceful handovers of Spring Integration at a 10 s expiry
 * @param peerDrains handovers with a job in flight of Spring Integration at a 10 s expiry
 * @param peerFailovers crash failovers of Spring Integration at a 10 s expiry
 * @param defaultPeerRepetitions each of the three for Spring Integration at its defaults, whose 60 s expiry makes
 * every one take a minute
 * @param job length of the job in flight
 * @param idleWindow how long traffic is counted with all instances idle
 * @param shedLockWindow how long ShedLock's executions are counted
 * @param shedLockJob length of each ShedLock execution
 * @param integrationDefaults whether Spring Integration runs at its library defaults too
 * @param scaleRoles roles of the starter in one JVM
 * @param scaleJvms JVMs of the second scale case
 * @param scaleRolesPerJvm roles each of those JVMs elects, the same in all
 * @param integrationScaleRoles roles of Spring Integration in one JVM (one initiator and thread each)
 * @param scaleWindow how long traffic and CPU are counted once every role is led
 * @param jmhForks JMH forks
 * @param jmhWarmups JMH warm-up iterations
 * @param jmhIterations JMH measurement iterations
 * @param jmhIterationTime length of each JMH iteration
 */
record Settings(String profile, int instances, List<String> leaseArguments, Duration lease, int handovers, int drains,
		int failovers, int peerHandovers, int peerDrains, int peerFailovers, int defaultPeerRepetitions, Duration job,
		Duration idleWindow, Duration shedLockWindow, Duration shedLockJob, boolean integrationDefaults, int scaleRoles,
		int scaleJvms, int scaleRolesPerJvm, int integrationScaleRoles, Duration scaleWindow, int jmhForks,
		int jmhWarmups, int jmhIterations, Duration jmhIterationTime) {

	/**
	 * The run whose results the README quotes: every contender at its defaults, three instances, 10 s leases.
	 */
	static Settings full() {
		return new Settings("full", 3, List.of(), Duration.ofSeconds(10), 20, 10, 10, 20, 3, 5, 2, Duration.ofSeconds(3),
				Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofMillis(100), true, 10_000, 10, 1_000, 1_000,
				Duration.ofSeconds(30), 2, 3, 5, Duration.ofSeconds(1));
	}

	/**
	 * One of everything, with a 2 s lease: checks that the benchmarks still run, measures nothing worth quoting.
	 */
	static Settings smoke() {
		return new Settings("smoke", 2,
				List.of("--leader.election.lease-duration=2s", "--leader.election.renew-interval=500ms",
						"--leader.election.retry-interval=200ms", "--leader.election.election-jitter=50ms"),
				Duration.ofSeconds(2), 1, 1, 1, 1, 0, 1, 0, Duration.ofMillis(300), Duration.ofSeconds(2),
				Duration.ofSeconds(3), Duration.ofMillis(50), false, 200, 2, 50, 0, Duration.ofSeconds(1), 0, 0, 1,
				Duration.ofMillis(100));
	}

	boolean isFull() {
		return this.profile.equals("full");
	}

	/**
	 * A timeout for one step that waits for a lease to expire: generous, the machine is shared.
	 */
	Duration leaseTimeout(Duration expiry) {
		return expiry.multipliedBy(3).plusSeconds(60);
	}

}
