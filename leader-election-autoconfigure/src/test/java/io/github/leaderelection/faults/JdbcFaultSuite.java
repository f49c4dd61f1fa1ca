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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the fault suite on a database: three instances on a private server, each through a proxy of its own, every
 * fault of the instances and of the database alone, then random mixes for {@code faults.jdbc.mix} (none unless set,
 * for example {@code -Dfaults.jdbc.mix=30m} for a soak), with the seed {@code faults.seed}. The same checker judges
 * the histories as on Redis. Writes the summary to {@code target/fault-suite-<database>/}. One subclass per database,
 * so that Failsafe runs them in JVMs of their own, side by side.
 */
abstract class JdbcFaultSuite {

	private final FaultSuite.Store store;

	JdbcFaultSuite(FaultSuite.Store store) {
		this.store = store;
	}

	@Test
	void everyFaultIsSurvivedWithoutOverlapsOrTokensGoingBack() throws Exception {
		Report report = FaultSuite.runAndCheck(this.store, false, "faults.jdbc.mix", "0s",
				Path.of("target", "fault-suite-" + this.store.target()));
		assertThat(report.verdict().faultsByKind())
			.containsKeys(FaultSuite.DATABASE_ALONE.toArray(Timeline.Fault.Kind[]::new));
		assertThat(report.verdict().beyondLease()).isEmpty();
	}

}
