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


package io.github.leaderelection.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.test.RedisCluster;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Election through Spring Boot's auto-configured Lettuce and Jedis clients on a real three-master Redis Cluster, with
 * one role on each master: the scripts run where their keys live, and the release message of a master reaches the followers
 * subscribed anywhere in the cluster.
 */
class RedisClusterElectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final int MASTERS = 3;

	private static RedisCluster cluster;

	// One role per master, the first of them the default role.
	private static List<String> roles;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		Assumptions.assumeTrue(RedisCluster.isAvailable(),
				"A Redis Cluster needs a local redis-server binary; test servers run in containers here");
		cluster = RedisCluster.start(MASTERS);
		Map<Integer, String> roleOfNode = new LinkedHashMap<>();
		IntStream.range(0, 100)
			.mapToObj((i) -> "role-" + i)
			.forEach((role) -> roleOfNode.putIfAbsent(cluster.nodeOf(SlotHash.getSlot("leader-election:" + role)),
					role));
		assertThat(roleOfNode).as("a role on every master").hasSize(MASTERS);
		roles = List.copyOf(roleOfNode.values());
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void electsOneLeaderPerRoleOnEveryMasterAndHandsOverOnShutdown(String client) {
		for (int i = 0; i < 3; i++) {
			this.contexts.add(start(client, "instance-" + i));
		}
		assertThat(this.contexts.get(0).getBean(RedisLeaseStore.class).toString()).startsWith("Redis Cluster at ")
			.contains(cluster.nodes().split(","));
		for (String role : roles) {
			await().atMost(TIMEOUT).until(() -> leadersOf(role).size() == 1);
		}
		for (String role : roles) {
			ConfigurableApplicationContext leader = leadersOf(role).get(0);
			Leadership before = elector(leader, role).leadership().orElseThrow();
			ConfigurableApplicationContext follower = this.contexts.stream()
				.filter((context) -> context != leader)
				.findFirst()
				.orElseThrow();
			LeaderInfo seen = elector(follower, role).currentLeader().orElseThrow();
			assertThat(seen.instanceId()).isEqualTo(before.instanceId());
			assertThat(seen.fencingToken()).isEqualTo(before.fencingToken());
		}

		// A leader that stops releases every role it holds, and followers hear of it well before the lease ends.
		String role = roles.get(0);
		ConfigurableApplicationContext leader = leadersOf(role).get(0);
		long token = elector(leader, role).leadership().orElseThrow().fencingToken();
		List<String> held = roles.stream().filter((name) -> elector(leader, name).isLeader()).toList();
		this.contexts.remove(leader);
		long stoppedAt = System.nanoTime();
		leader.close();
		for (String name : held) {
			await().atMost(TIMEOUT).until(() -> leadersOf(name).size() == 1);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).as("handover after a release")
			.isLessThan(LEASE.dividedBy(2));
		Leadership next = elector(leadersOf(role).get(0), role).leadership().orElseThrow();
		assertThat(next.fencingToken()).isGreaterThan(token);
	}

	private ConfigurableApplicationContext start(String client, String instanceId) {
		return new SpringApplicationBuilder(ClusterConfiguration.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.client-type=" + client, "spring.data.redis.cluster.nodes=" + cluster.nodes(),
					"leader.election.role=" + roles.get(0),
					"leader.election.instance-id=" + instanceId, "leader.election.lease-duration=" + LEASE.toMillis() + "ms",
					"leader.election.renew-interval=500ms", "leader.election.retry-interval=200ms",
					"spring.main.banner-mode=off")
			.run();
	}

	private List<ConfigurableApplicationContext> leadersOf(String role) {
		return this.contexts.stream().filter((context) -> elector(context, role).isLeader()).toList();
	}

	private static LeaderElector elector(ConfigurableApplicationContext context, String role) {
		return context.getBean(LeaderElectors.class).forRole(role);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClusterConfiguration {

	}

}
