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

package io.github.leaderelection.autoconfigure.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.actuate.LeaderElectionEndpoint;
import io.github.leaderelection.actuate.LeaderElectionEndpoint.ElectionDescriptor;
import io.github.leaderelection.actuate.LeaderElectionEndpoint.RoleDescriptor;
import io.github.leaderelection.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.actuate.LeaderElectionInfoContributor;
import io.github.leaderelection.actuate.LeaderLookup;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseLeaderElector.State;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint, health and info on a real Redis: a leader and a follower, a store that hangs, a store never reached,
 * and an elector stopped while the application runs.
 */
class LeaderElectionActuatorRedisTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	// Short leases: the health limit is twice the lease plus the jitter, 2.05 s here.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataRedisAutoConfiguration.class, EndpointAutoConfiguration.class,
				JacksonEndpointAutoConfiguration.class, LeaderElectionEndpointAutoConfiguration.class,
				LeaderElectionHealthContributorAutoConfiguration.class,
				LeaderElectionInfoContributorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=10s", "leader.election.role=reports",
				"leader.election.lease-duration=1s", "leader.election.renew-interval=300ms",
				"leader.election.retry-interval=200ms", "leader.election.election-jitter=50ms",
				"leader.election.redis.quarantine-new-server=false",
				"management.endpoints.web.exposure.include=leaderelection");

	@Test
	void aFollowerIsUpAndNamesTheLeader() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node-1").run((first) -> {
			LeaderElector leader = first.getBean(LeaderElector.class);
			await().atMost(TIMEOUT).until(leader::isLeader);
			this.contextRunner.withPropertyValues("leader.election.instance-id=node-2").run((second) -> {
				LeaseLeaderElector follower = (LeaseLeaderElector) second.getBean(LeaderElector.class);
				await().atMost(TIMEOUT).until(() -> follower.lastStoreContact().isPresent());
				long token = leader.leadership().orElseThrow().fencingToken();

				ElectionDescriptor election = second.getBean(LeaderElectionEndpoint.class).election();
				assertThat(election.mode()).isEqualTo("redis");
				assertThat(election.store()).contains(Integer.toString(redis.port()));
				assertThat(election.instanceId()).isEqualTo("node-2");
				RoleDescriptor following = election.roles().get("reports");
				assertThat(following.state()).isEqualTo(State.FOLLOWING);
				assertThat(following.fencingToken()).isNull();
				assertThat(following.remainingLease()).isNull();
				assertThat(following.lastStoreContact()).isNotNull();
				assertThat(following.error()).isNull();
				assertThat(following.leader()).isNotNull();
				assertThat(following.leader().instanceId()).isEqualTo("node-1");
				assertThat(following.leader().fencingToken()).isEqualTo(token);

				JsonContent<Object> written = this.json
					.from(second.getBean(EndpointJsonMapper.class).get().writeValueAsString(election));
				assertThat(written).extractingJsonPathStringValue("$.roles.reports.state").isEqualTo("FOLLOWING");
				assertThat(written).extractingJsonPathStringValue("$.roles.reports.leader.instanceId")
					.isEqualTo("node-1");
				assertThat(written).doesNotHaveJsonPath("$.roles.reports.fencingToken")
					.doesNotHaveJsonPath("$.roles.reports.remainingLease");

				RoleDescriptor leading = first.getBean(LeaderElectionEndpoint.class).role("reports");
				assertThat(leading).isNotNull();
				assertThat(leading.state()).isEqualTo(State.LEADING);
				assertThat(leading.fencingToken()).isEqualTo(token);
				assertThat(leading.remainingLease()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
				assertThat(this.json.from(first.getBean(EndpointJsonMapper.class).get().writeValueAsString(leading)))
					.extractingJsonPathStringValue("$.remainingLease")
					.startsWith("PT");

				assertThat(health(first).getStatus()).isEqualTo(Status.UP);
				Health followerHealth = health(second);
				assertThat(followerHealth.getStatus()).isEqualTo(Status.UP);
				assertThat(roleDetails(followerHealth)).containsEntry("state", State.FOLLOWING)
					.containsKey("lastStoreContact")
					.doesNotContainKey("problem");

				assertThat(info(second)).isEqualTo(Map.of("roles", Map.of("reports",
						Map.of("leader", "node-1", "hostname", following.leader().hostname(), "since",
								following.leader().acquiredAt().toString(), "fencingToken", token))));
			});
		});
	}

	@Test
	void aYieldFromTheEndpointHandsOver() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node-1").run((first) -> {
			LeaderElector leader = first.getBean(LeaderElector.class);
			await().atMost(TIMEOUT).until(leader::isLeader);
			this.contextRunner.withPropertyValues("leader.election.instance-id=node-2").run((second) -> {
				LeaderElector follower = second.getBean(LeaderElector.class);
				RoleDescriptor yielded = first.getBean(LeaderElectionEndpoint.class).yieldLeadership("reports");
				assertThat(yielded.state()).isIn(State.DRAINING, State.SITTING_OUT);
				assertThat(leader.isLeader()).isFalse();
				await().atMost(TIMEOUT).until(follower::isLeader);
				RoleDescriptor after = first.getBean(LeaderElectionEndpoint.class).role("reports");
				assertThat(after).isNotNull();
				assertThat(after.leader()).isNotNull();
				assertThat(after.leader().instanceId()).isEqualTo("node-2");
			});
		});
	}

	@Test
	void aStoreThatHangsGivesAnErrorWithinTheBoundAndIsDownAfterTwoLeases() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node-1")
			.withBean(LeaderLookup.class, () -> new LeaderLookup(Duration.ofMillis(500)))
			.run((context) -> {
				LeaderElector elector = context.getBean(LeaderElector.class);
				context.getBean(LeaderElectors.class).forRole("cleanup");
				await().atMost(TIMEOUT).until(elector::isLeader);
				redis.server().pause();
				try {
					long started = System.nanoTime();
					ElectionDescriptor election = context.getBean(LeaderElectionEndpoint.class).election();
					// Well below the command timeout of 10 s: the read gave up after its own bound.
					assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
					assertThat(election.roles()).containsOnlyKeys("cleanup", "reports");
					assertThat(election.roles().values()).allSatisfy((role) -> {
						assertThat(role.leader()).isNull();
						assertThat(role.error()).startsWith("No answer from the store within 500 ms");
					});
					assertThat(info(context)).isEqualTo(Map.of("roles", Map.of("cleanup",
							Map.of("error", "No answer from the store within 500 ms (read in turn with other roles)"),
							"reports",
							Map.of("error", "No answer from the store within 500 ms (read in turn with other roles)"))));
					await().atMost(TIMEOUT).untilAsserted(() -> {
						Health health = health(context);
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(roleDetails(health)).extractingByKey("problem")
							.asString()
							.startsWith("No store call has returned for ")
							.endsWith("longer than 2050 ms (twice the lease plus the election jitter)");
					});
				}
				finally {
					redis.server().resume();
				}
				await().atMost(TIMEOUT).until(() -> health(context).getStatus().equals(Status.UP));
			});
	}

	@Test
	void aStoreNeverReachedIsDownAfterTwoLeases() {
		this.contextRunner
			.withPropertyValues("leader.election.instance-id=node-1", "spring.data.redis.port=" + unusedPort(),
					"spring.data.redis.timeout=500ms")
			.run((context) -> {
				LeaseLeaderElector elector = (LeaseLeaderElector) context.getBean(LeaderElector.class);
				assertThat(elector.state()).isEqualTo(State.FOLLOWING);
				await().atMost(TIMEOUT).untilAsserted(() -> {
					Health health = health(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(roleDetails(health)).doesNotContainKey("lastStoreContact")
						.extractingByKey("problem")
						.asString()
						.startsWith("No store call has returned since the start for ");
				});
				RoleDescriptor role = context.getBean(LeaderElectionEndpoint.class).role("reports");
				assertThat(role).isNotNull();
				assertThat(role.error()).startsWith("RedisConnectionFailureException: ");
			});
	}

	@Test
	void anElectorStoppedWhileTheApplicationRunsIsDown() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node-1").run((context) -> {
			LeaseLeaderElector elector = (LeaseLeaderElector) context.getBean(LeaderElector.class);
			await().atMost(TIMEOUT).until(elector::isLeader);
			assertThat(health(context).getStatus()).isEqualTo(Status.UP);
			elector.stop();
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(roleDetails(health)).containsEntry("state", State.STOPPED)
				.containsEntry("problem",
						"Stopped while the application runs: this instance no longer takes part in the election");
		});
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean(LeaderElectionHealthIndicator.class).health(true);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> roleDetails(Health health) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("roles")).get("reports");
	}

	private static Object info(AssertableApplicationContext context) {
		Info.Builder builder = new Info.Builder();
		context.getBean(LeaderElectionInfoContributor.class).contribute(builder);
		return builder.build().get("leaderElection");
	}

	private static int unusedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
