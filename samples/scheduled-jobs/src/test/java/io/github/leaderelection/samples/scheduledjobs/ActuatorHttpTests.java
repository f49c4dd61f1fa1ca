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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's {@code /actuator/leaderelection}, {@code /actuator/health} and {@code /actuator/info} over real HTTP,
 * on a leader and a follower that share a Redis.
 */
class ActuatorHttpTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	@Test
	void theEndpointHealthAndInfoNameTheLeader() {
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext leader = start(redis, "node-a");
				ConfigurableApplicationContext follower = awaitLeader(leader, () -> start(redis, "node-b"))) {
			long token = leader.getBean(LeaderElector.class).leadership().orElseThrow().fencingToken();
			await().atMost(TIMEOUT).until(() -> get(follower, "/actuator/health").statusCode() == 200);

			HttpResponse<String> election = get(follower, "/actuator/leaderelection");
			assertThat(election.statusCode()).isEqualTo(200);
			assertThat(election.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
			JsonContent<Object> body = this.json.from(election.body());
			assertThat(body).extractingJsonPathStringValue("$.mode").isEqualTo("redis");
			assertThat(body).extractingJsonPathStringValue("$.store").contains(Integer.toString(redis.port()));
			assertThat(body).extractingJsonPathStringValue("$.instanceId").isEqualTo("node-b");
			assertThat(body).extractingJsonPathStringValue("$.defaultRole").isEqualTo("reports");
			assertThat(body).extractingJsonPathMapValue("$.roles").containsOnlyKeys("cleanup", "reports");
			assertThat(body).extractingJsonPathStringValue("$.roles.reports.state").isEqualTo("FOLLOWING");
			assertThat(body).extractingJsonPathStringValue("$.roles.reports.leader.instanceId").isEqualTo("node-a");
			assertThat(body).extractingJsonPathNumberValue("$.roles.reports.leader.fencingToken")
				.satisfies((value) -> assertThat(value.longValue()).isEqualTo(token));
			assertThat(body).extractingJsonPathStringValue("$.roles.reports.lastStoreContact").endsWith("Z");
			assertThat(body).doesNotHaveJsonPath("$.roles.reports.fencingToken")
				.doesNotHaveJsonPath("$.roles.reports.error");

			HttpResponse<String> role = get(leader, "/actuator/leaderelection/reports");
			assertThat(role.statusCode()).isEqualTo(200);
			JsonContent<Object> leading = this.json.from(role.body());
			assertThat(leading).extractingJsonPathStringValue("$.state").isEqualTo("LEADING");
			assertThat(leading).extractingJsonPathNumberValue("$.fencingToken")
				.satisfies((value) -> assertThat(value.longValue()).isEqualTo(token));
			assertThat(leading).extractingJsonPathStringValue("$.remainingLease").startsWith("PT");
			assertThat(leading).extractingJsonPathStringValue("$.leader.instanceId").isEqualTo("node-a");
			assertThat(get(leader, "/actuator/leaderelection/orders").statusCode()).isEqualTo(404);

			HttpResponse<String> health = get(follower, "/actuator/health");
			JsonContent<Object> healthBody = this.json.from(health.body());
			assertThat(healthBody).extractingJsonPathStringValue("$.status").isEqualTo("UP");
			assertThat(healthBody).extractingJsonPathStringValue("$.components.leaderElection.status")
				.isEqualTo("UP");
			assertThat(healthBody)
				.extractingJsonPathStringValue("$.components.leaderElection.details.roles.reports.state")
				.isEqualTo("FOLLOWING");
			assertThat(healthBody)
				.extractingJsonPathStringValue("$.components.leaderElection.details.roles.reports.lastStoreContact")
				.endsWith("Z");

			JsonContent<Object> info = this.json.from(get(follower, "/actuator/info").body());
			assertThat(info).extractingJsonPathStringValue("$.leaderElection.roles.reports.leader")
				.isEqualTo("node-a");
			assertThat(info).extractingJsonPathNumberValue("$.leaderElection.roles.reports.fencingToken")
				.satisfies((value) -> assertThat(value.longValue()).isEqualTo(token));
		}
	}

	@Test
	void theYieldIsRefusedUntilAccessIsUnrestricted() {
		try (RedisServer redis = RedisServer.start(); ConfigurableApplicationContext leader = start(redis, "node-a")) {
			await().atMost(TIMEOUT).until(leader.getBean(LeaderElector.class)::isLeader);
			// Read-only by default: there is no write operation to call.
			HttpResponse<String> refused = post(leader, "/actuator/leaderelection/reports");
			assertThat(refused.statusCode()).as(refused.body()).isBetween(400, 499);
			assertThat(leader.getBean(LeaderElector.class).isLeader()).isTrue();
			HttpResponse<String> read = get(leader, "/actuator/leaderelection/reports");
			assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		}
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext leader = start(redis, "node-a",
						"--management.endpoint.leaderelection.access=unrestricted");
				ConfigurableApplicationContext follower = awaitLeader(leader, () -> start(redis, "node-b"))) {
			HttpResponse<String> yielded = post(leader, "/actuator/leaderelection/reports");
			assertThat(yielded.statusCode()).isEqualTo(200);
			assertThat(this.json.from(yielded.body())).extractingJsonPathStringValue("$.state")
				.isIn("DRAINING", "SITTING_OUT");
			await().atMost(TIMEOUT).until(follower.getBean(LeaderElector.class)::isLeader);
			assertThat(post(leader, "/actuator/leaderelection/orders").statusCode()).isEqualTo(400);
		}
	}

	private static ConfigurableApplicationContext awaitLeader(ConfigurableApplicationContext leader,
			Supplier<ConfigurableApplicationContext> next) {
		await().atMost(TIMEOUT).until(leader.getBean(LeaderElector.class)::isLeader);
		return next.get();
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) {
		return send(HttpRequest.newBuilder(uri(context, path)).GET());
	}

	private HttpResponse<String> post(ConfigurableApplicationContext context, String path) {
		return send(HttpRequest.newBuilder(uri(context, path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

	// Short leases for a quick test; the first leader on a new Redis still waits up to one lease.
	private static ConfigurableApplicationContext start(RedisServer redis, String instanceId, String... more) {
		String[] args = { "--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--leader.election.instance-id=" + instanceId, "--leader.election.lease-duration=1s",
				"--leader.election.renew-interval=300ms", "--leader.election.retry-interval=200ms" };
		String[] all = new String[args.length + more.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(more, 0, all, args.length, more.length);
		return new SpringApplicationBuilder(ScheduledJobsApplication.class).run(all);
	}

}
