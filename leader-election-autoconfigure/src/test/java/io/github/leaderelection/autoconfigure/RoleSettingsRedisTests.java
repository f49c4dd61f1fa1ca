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

package io.github.leaderelection.autoconfigure;

import java.time.Duration;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code leader.election.roles.<role>.*} against a real Redis server: each role's lease lives in Redis as
 * long as that role's settings say.
 */
class RoleSettingsRedisTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=2s", "leader.election.redis.quarantine-new-server=false",
				"leader.election.election-jitter=0");

	@Test
	void rolesWithDifferentLeasesGetLockKeysWithDifferentTimesToLive() {
		this.contextRunner
			.withPropertyValues("leader.election.roles.reports.lease-duration=2s",
					"leader.election.roles.reports.renew-interval=500ms",
					"leader.election.roles.reports.retry-interval=200ms",
					"leader.election.roles[batch.nightly].lease-duration=2m",
					"leader.election.roles[batch.nightly].drain-timeout=5m")
			.run((context) -> {
				LeaderElectors electors = context.getBean(LeaderElectors.class);
				LeaderElector reports = electors.forRole("reports");
				LeaderElector nightly = electors.forRole("batch.nightly");
				LeaderElector other = electors.forRole("other");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> reports.isLeader() && nightly.isLeader() && other.isLeader());
				assertThat(pttl("reports")).isPositive().isLessThanOrEqualTo(2_000);
				// Above any lease of the other roles: the 2 min lease, not the global 10 s one.
				assertThat(pttl("batch.nightly")).isGreaterThan(10_000).isLessThanOrEqualTo(120_000);
				assertThat(pttl("other")).isGreaterThan(2_000).isLessThanOrEqualTo(10_000);
				// The time to live going up again is a renewal, and it extends the lock by the role's lease too.
				long seen = pttl("reports");
				await().atMost(Duration.ofSeconds(10)).until(() -> pttl("reports") > seen);
				assertThat(pttl("reports")).isPositive().isLessThanOrEqualTo(2_000);
				assertThat(reports.isLeader()).isTrue();
			});
	}

	private static long pttl(String role) {
		return Long.parseLong(redis.server().command("PTTL", "{leader-election:" + role + "}:lock").substring(1));
	}

}
