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


package io.github.leaderelection.faults;

import java.nio.file.Path;

import io.github.leaderelection.faults.FaultSuite.Report;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the fault suite: three instances, every fault alone, then random mixes of faults for two thirds of
 * {@code faults.mix} (30 s unless set, for example {@code -Dfaults.mix=30m} for a soak), with the seed
 * {@code faults.seed} (random unless set); then, through Sentinel, each failover alone and random mixes with a
 * failover in each for the last third (two mixes at least). Needs a local {@code redis-server} binary, as Sentinel
 * and the restarts from older files do; skipped where test servers run in containers. Writes its summary to
 * {@code target/fault-suite/}.
 */
class FaultSuiteIT {

	@Test
	void everyFaultIsSurvivedWithoutOverlapsOrTokensGoingBack() throws Exception {
		Assumptions.assumeTrue(RedisServer.isLocal(), "The fault suite restarts Redis from its files and runs Sentinel:"
				+ " it needs a local redis-server binary (set REDIS_SERVER); test servers run in containers here");
		Report report = FaultSuite.runAndCheck(FaultSuite.Store.REDIS, true, "faults.mix", "30s",
				Path.of("target", "fault-suite"));
		assertThat(report.verdict().faultsByKind())
			.containsKeys(FaultSuite.ALONE.toArray(Timeline.Fault.Kind[]::new))
			.containsKeys(FaultSuite.FAILOVERS.toArray(Timeline.Fault.Kind[]::new));
		// Failovers in the mixes, repeatedly, the one that loses writes among them.
		assertThat(report.verdict().mixed(Timeline.Fault.Kind.SENTINEL_FAILOVER)).isPositive();
		assertThat(report.verdict().mixed(Timeline.Fault.Kind.SENTINEL_FAILOVER)
				+ report.verdict().mixed(Timeline.Fault.Kind.SENTINEL_MASTER_KILLED))
			.isGreaterThanOrEqualTo(FaultSuite.MIN_SENTINEL_MIXES);
		// Only the failover that loses writes is counted apart.
		assertThat(report.verdict().beyondLease())
			.allMatch((exemption) -> exemption.fault().kind() == Timeline.Fault.Kind.SENTINEL_FAILOVER);
	}

}
