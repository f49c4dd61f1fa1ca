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

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The leader election meters of the running sample, read over HTTP from {@code /actuator/metrics}: the leader's
 * gauge, transitions and store timers, and the follower's skipped {@code @LeaderOnly} calls. Needs only
 * spring-boot-starter-actuator, a web server and {@code metrics} in
 * {@code management.endpoints.web.exposure.include}.
 */
class ScheduledJobsMetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void actuatorMetricsShowWhoLeadsAndWhatTheFollowerSkipped() {
		try (RedisServer redis = RedisServer.start(); ConfigurableApplicationContext leader = start(redis, "node-a")) {
			ReportJob reports = leader.getBean(ReportJob.class);
			await().atMost(TIMEOUT).until(() -> reports.published() >= 1);
			assertThat(metric(leader, "leader.election.leader?tag=role:reports"))
				.contains("\"name\":\"leader.election.leader\"")
				.contains("{\"statistic\":\"VALUE\",\"value\":1.0}");
			// The cleanup's role is elected at its job's first run, a moment after the report's.
			await().atMost(TIMEOUT)
				.until(() -> metric(leader, "leader.election.leader?tag=role:cleanup")
					.contains("{\"statistic\":\"VALUE\",\"value\":1.0}"));
			assertThat(metric(leader, "leader.election.transitions?tag=role:reports&tag=type:granted"))
				.contains("{\"statistic\":\"COUNT\",\"value\":1.0}");
			assertThat(metric(leader, "leader.election.lease.remaining?tag=role:reports"))
				.contains("\"baseUnit\":\"seconds\"");
			assertThat(metric(leader, "leader.election.store?tag=operation:acquire&tag=outcome:granted"))
				.contains("\"statistic\":\"COUNT\"")
				.contains("{\"tag\":\"role\",\"values\":[");
			try (ConfigurableApplicationContext follower = start(redis, "node-b")) {
				await().atMost(TIMEOUT)
					.until(() -> metric(follower, "leader.election.skipped?tag=role:reports")
						.matches("(?s).*\"COUNT\",\"value\":[1-9].*"));
				assertThat(metric(follower, "leader.election.leader?tag=role:reports"))
					.contains("{\"statistic\":\"VALUE\",\"value\":0.0}");
				assertThat(metric(follower, "leader.election.store?tag=operation:acquire&tag=outcome:held"))
					.contains("\"statistic\":\"COUNT\"");
			}
		}
	}

	private String metric(ConfigurableApplicationContext context, String path) {
		String port = context.getEnvironment().getProperty("local.server.port");
		URI uri = URI.create("http://localhost:" + port + "/actuator/metrics/" + path);
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during GET " + path, ex);
		}
	}

	// Short leases for a quick test; the first leader on a new Redis still waits up to one lease.
	private static ConfigurableApplicationContext start(RedisServer redis, String instanceId) {
		return new SpringApplicationBuilder(ScheduledJobsApplication.class).run(
				"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--leader.election.instance-id=" + instanceId, "--leader.election.lease-duration=1s",
				"--leader.election.renew-interval=300ms", "--leader.election.retry-interval=200ms",
				"--sample.report-rate=100ms", "--sample.cleanup-rate=100ms", "--server.port=0",
				"--management.endpoints.web.exposure.include=health,metrics");
	}

}
