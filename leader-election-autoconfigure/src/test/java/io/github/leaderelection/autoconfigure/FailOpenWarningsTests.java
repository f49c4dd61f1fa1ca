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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the WARNs of {@link FailOpenWarnings}: one per set-up that fails open, none when it is right.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailOpenWarningsTests {

	private static final String STANDALONE = "leader.election.mode is auto and the application has no RedisConnectionFactory";

	private static final String DEFAULT_ROLE = "Neither spring.application.name nor leader.election.role is set";

	private static final String TIMEOUT = "The Redis command timeout";

	private static final String RECONNECT = "Lettuce waits up to";

	// Nothing listens there: the electors' attempts fail fast and never touch a real server.
	private static final int UNUSED_PORT = unusedPort();

	// A set-up with nothing to warn of, which each test spoils in one way.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.data.redis.timeout=500ms",
				"spring.application.name=billing")
		.withUserConfiguration(FastReconnectConfiguration.class);

	@Test
	void rightSetUpLogsNoWarning(CapturedOutput output) {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(STANDALONE, DEFAULT_ROLE, TIMEOUT, RECONNECT);
	}

	@Test
	void autoModeWithoutRedisWarnsThatEveryInstanceLeads(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(STANDALONE)
			.contains("WARN")
			.contains("this instance leads every role, and so does every other instance you start")
			.contains("configure spring.data.redis")
			.contains("set leader.election.mode=standalone");
	}

	@Test
	void standaloneModeChosenOnPurposeLogsNoWarning(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withPropertyValues("leader.election.mode=standalone")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(STANDALONE, DEFAULT_ROLE);
	}

	@Test
	void defaultRoleWithoutApplicationNameWarnsOfSharing(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.data.redis.timeout=500ms")
			.withUserConfiguration(FastReconnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(DEFAULT_ROLE)
			.contains("elect the role 'default'")
			.contains("Set spring.application.name (or leader.election.role)")
			.doesNotContain(TIMEOUT, RECONNECT);
	}

	@Test
	void configuredRoleWithoutApplicationNameLogsNoWarning(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.data.redis.timeout=500ms",
					"leader.election.role=billing")
			.withUserConfiguration(FastReconnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(DEFAULT_ROLE);
	}

	@Test
	void lettuceDefaultCommandTimeoutWarnsThatItOutlastsTheLease(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.application.name=billing")
			.withUserConfiguration(FastReconnectConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(TIMEOUT)
			.contains("The Redis command timeout (60s) is not below leader.election.lease-duration (10s)")
			.contains("Set spring.data.redis.timeout")
			.contains("below every lease, for example 1s.")
			.doesNotContain(RECONNECT);
	}

	@Test
	void commandTimeoutNotBelowTheShortestRoleLeaseWarnsNamingThatRole(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.timeout=2s", "leader.election.roles.reports.lease-duration=1500ms",
					"leader.election.roles.reports.renew-interval=300ms",
					"leader.election.roles.reports.retry-interval=200ms")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(TIMEOUT)
			.contains("The Redis command timeout (2s) is not below leader.election.roles.reports.lease-duration "
					+ "(1500ms)")
			.contains("below every lease, for example 375ms.");
	}

	@Test
	void commandTimeoutBelowEveryLeaseLogsNoWarning(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.data.redis.timeout=1s", "leader.election.roles.reports.lease-duration=1500ms",
					"leader.election.roles.reports.renew-interval=300ms",
					"leader.election.roles.reports.retry-interval=200ms")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(TIMEOUT);
	}

	@Test
	void jedisCommandTimeoutNotBelowTheLeaseWarns(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.data.redis.client-type=jedis", "spring.data.redis.timeout=10s")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(TIMEOUT)
			.contains("(10s) is not below leader.election.lease-duration (10s)")
			.doesNotContain(RECONNECT);
	}

	@Test
	void jedisDefaultTimeoutBelowTheLeaseLogsNoWarning(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.application.name=billing",
					"spring.data.redis.client-type=jedis")
			.run((context) -> assertThat(context).hasNotFailed());
		// Jedis waits 2 s for a reply by default and connects again on the next command.
		assertThat(output).doesNotContain(TIMEOUT, RECONNECT);
	}

	@Test
	void lettuceDefaultReconnectBackOffWarnsThatItOutlastsTheLease(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.data.redis.timeout=500ms",
					"spring.application.name=billing")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(RECONNECT)
			.contains("Lettuce waits up to 30s between two attempts to reconnect to Redis, longer than "
					+ "leader.election.lease-duration (10s)")
			.contains("ClientResourcesBuilderCustomizer")
			.contains("Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS)")
			.doesNotContain(TIMEOUT);
	}

	@Test
	void reconnectBackOffLongerThanTheShortestRoleLeaseWarns(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("leader.election.roles.reports.lease-duration=1500ms",
					"leader.election.roles.reports.renew-interval=300ms",
					"leader.election.roles.reports.retry-interval=200ms")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).containsOnlyOnce(RECONNECT)
			.contains("Lettuce waits up to 2s between two attempts to reconnect to Redis, longer than "
					+ "leader.election.roles.reports.lease-duration (1500ms)")
			.contains("Delay.exponential(Duration.ofMillis(100), Duration.ofMillis(750), 2, TimeUnit.MILLISECONDS)");
	}

	private static int unusedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class FastReconnectConfiguration {

		// As the README and the sample have it.
		@Bean
		ClientResourcesBuilderCustomizer fastReconnect() {
			return (builder) -> builder.reconnectDelay(
					Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
		}

	}

}
