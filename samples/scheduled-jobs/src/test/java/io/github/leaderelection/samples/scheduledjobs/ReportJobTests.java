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

package io.github.leaderelection.samples.scheduledjobs;

import java.time.Duration;

import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.testing.LeaderElectionTester;
import io.github.leaderelection.testing.ManualLeaderElection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

// No Redis: the test decides who leads. The scheduler calls the job every 100 ms.
@SpringBootTest(properties = "sample.report-rate=100ms")
@ManualLeaderElection
@ExtendWith(OutputCaptureExtension.class)
class ReportJobTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	LeaderElectionTester election;

	@Autowired
	ReportJob job;

	@Test
	void publishesOnlyWhileThisInstanceLeads(CapturedOutput output) {
		// A follower: the scheduler calls the job, and @LeaderOnly skips it.
		await().atMost(TIMEOUT).until(() -> this.election.skipped("ReportJob.publishReport()") >= 3);
		assertThat(this.job.published()).isZero();

		// The leader: the job runs, with the fencing token of the grant.
		long token = this.election.grant("reports").fencingToken();
		await().atMost(TIMEOUT).until(() -> this.job.published() >= 3);
		assertThat(this.election.ran("ReportJob.publishReport()")).isGreaterThanOrEqualTo(3);
		assertThat(output).contains("Published report #3 as 'test-instance' (fencing token " + token + ")");

		// Another instance takes over: the listeners heard of both changes.
		this.election.revoke("reports");
		assertThat(this.election.events()).hasExactlyElementsOfTypes(OnGrantedEvent.class, OnRevokedEvent.class);
		assertThat(output).contains("<<< 'test-instance' no longer leads 'reports' (fencing token " + token + "): "
				+ RevokeReason.LEASE_LOST);
	}

}
