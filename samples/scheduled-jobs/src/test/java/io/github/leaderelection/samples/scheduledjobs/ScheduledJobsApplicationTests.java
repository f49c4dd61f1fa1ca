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

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class ScheduledJobsApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void leaderRunsTheJobs(CapturedOutput output) {
		try (RedisServer redis = RedisServer.start(); ConfigurableApplicationContext context = start(redis, "node-a")) {
			ReportJob reports = context.getBean(ReportJob.class);
			CleanupJob cleanup = context.getBean(CleanupJob.class);
			await().atMost(TIMEOUT).until(() -> reports.published() >= 3 && cleanup.runs() >= 3);
			assertThat(context.getBean(LeaderElector.class).isLeader()).isTrue();
			assertThat(context.getBean(LeaderElectors.class).forRole("cleanup").isLeader()).isTrue();
			assertThat(output).contains(">>> 'node-a' now leads 'reports' (fencing token ")
				.contains(">>> 'node-a' now leads 'cleanup' (fencing token ")
				.contains("Published report #3 as 'node-a' (fencing token ")
				.contains("Purged old reports, run #3 as 'node-a' (fencing token ");
		}
		assertThat(output).contains("<<< 'node-a' no longer leads 'reports' (fencing token ")
			.contains("): SHUTDOWN");
	}

	@Test
	void followerRunsNothingUntilTheLeaderStops() {
		try (RedisServer redis = RedisServer.start(); ConfigurableApplicationContext first = start(redis, "node-a")) {
			ReportJob firstReports = first.getBean(ReportJob.class);
			await().atMost(TIMEOUT).until(() -> firstReports.published() >= 1);
			try (ConfigurableApplicationContext second = start(redis, "node-b")) {
				ReportJob secondReports = second.getBean(ReportJob.class);
				long published = firstReports.published();
				await().atMost(TIMEOUT).until(() -> firstReports.published() >= published + 5);
				assertThat(secondReports.published()).isZero();
				assertThat(second.getBean(LeaderElector.class).isLeader()).isFalse();
				first.close();
				await().atMost(TIMEOUT).until(() -> secondReports.published() >= 3);
				assertThat(second.getBean(LeaderElector.class).leadership()).hasValueSatisfying(
						(leadership) -> assertThat(leadership.instanceId()).isEqualTo("node-b"));
			}
		}
	}

	// Short leases for a quick test; the first leader on a new Redis still waits up to one lease.
	private static ConfigurableApplicationContext start(RedisServer redis, String instanceId) {
		return new SpringApplicationBuilder(ScheduledJobsApplication.class).run(
				"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--leader.election.instance-id=" + instanceId, "--leader.election.lease-duration=1s",
				"--leader.election.renew-interval=300ms", "--leader.election.retry-interval=200ms",
				"--sample.report-rate=100ms", "--sample.cleanup-rate=100ms");
	}

}
