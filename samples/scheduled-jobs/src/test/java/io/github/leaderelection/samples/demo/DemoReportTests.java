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

import java.util.List;

import io.github.leaderelection.samples.demo.DemoReport.Handover;
import io.github.leaderelection.samples.demo.Recording.Fault;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DemoReportTests {

	@Test
	void findsTheNewLeaderAfterEachFault() {
		DemoReport report = DemoReport.of(Recordings.failover(), DemoSettings.reduced());
		assertThat(report.problems()).isEmpty();
		assertThat(report.passed()).isTrue();
		List<Handover> handovers = report.handovers();
		assertThat(handovers).extracting((handover) -> handover.fault().kind())
			.containsExactly(Fault.Kind.SIGTERM, Fault.Kind.SIGKILL, Fault.Kind.SIGSTOP, Fault.Kind.REDIS_RESTART);
		assertThat(handovers).extracting((handover) -> handover.next().instance())
			.containsExactly("node-3", "node-1.2", "node-2", "node-1.2");
		assertThat(handovers.get(0).seconds()).isCloseTo(0.15, within(0.001));
		assertThat(handovers.get(3).seconds()).isCloseTo(2.24, within(0.001));
	}

	@Test
	void countsRunsAndTokens() {
		DemoReport report = DemoReport.of(Recordings.failover(), DemoSettings.reduced());
		assertThat(report.runs(DemoReport.REPORTS, "node-1", 0)).isEqualTo(31);
		assertThat(report.overlaps(DemoReport.REPORTS)).isEmpty();
		assertThat(report.tokens(DemoReport.REPORTS)).containsExactly(1001L, 1002L, 1003L, 1004L,
				1795427360845708L);
		assertThat(report.summaryText()).contains("Result: PASSED");
		assertThat(report.json()).contains("\"passed\": true");
	}

	@Test
	void failsWhenRunsOfTwoInstancesOverlap() {
		Recording recording = Recordings.failover();
		// A run of the paused leader that began before its pause and ended after it.
		Recordings.job(recording, "reports", "node-1.2", 1003, 28.34, 31.36);
		DemoReport report = DemoReport.of(recording, DemoSettings.reduced());
		assertThat(report.overlaps(DemoReport.REPORTS)).isNotEmpty()
			.allSatisfy((overlap) -> assertThat(overlap.second().instance()).isNotEqualTo("node-1.2"));
		assertThat(report.passed()).isFalse();
		assertThat(report.problems()).anyMatch((problem) -> problem.startsWith("'reports' ran on two instances"));
	}

	@Test
	void failsWhenATokenGoesBackwards() {
		Recording recording = Recordings.failover();
		Recordings.job(recording, "cleanup", "node-2", 2001, 20.05, 20.06);
		DemoReport report = DemoReport.of(recording, DemoSettings.reduced());
		assertThat(report.passed()).isFalse();
		assertThat(report.problems()).anyMatch((problem) -> problem.contains("used token 2001 after"));
	}

	@Test
	void failsWhenAFaultHasNoNewLeader() {
		Recording recording = Recordings.failover();
		recording.fault(Fault.Kind.SIGKILL, "node-1.2", Recordings.at(39.0));
		DemoReport report = DemoReport.of(recording, DemoSettings.reduced());
		assertThat(report.passed()).isFalse();
		assertThat(report.problems()).contains("Fault 5 (SIGKILL node-1.2): no new leader of 'reports' followed");
	}

}
