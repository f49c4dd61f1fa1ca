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

import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.redis.UnsafeEvictionPolicyException;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link RedisLeaseStoreConfiguration}, the {@code leader.election.redis} properties and
 * {@link UnsafeEvictionPolicyFailureAnalyzer}, against a real Redis server.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisLeaseStoreConfigurationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=2s");

	@Test
	void redisPropertiesHaveTheDocumentedDefaults() {
		this.contextRunner.run((context) -> {
			LeaderElectionProperties.Redis properties = context.getBean(LeaderElectionProperties.class).getRedis();
			assertThat(properties.isQuarantineNewServer()).isTrue();
			assertThat(properties.getReplicas()).isZero();
			assertThat(properties.getReplicaTimeout()).isEqualTo(Duration.ofMillis(500));
			assertThat(properties.isFailFast()).isFalse();
			assertThat(context.getBean(RedisLeaseStore.class).options()).isEqualTo(RedisLeaseStore.Options.DEFAULTS);
		});
	}

	@Test
	void redisPropertiesReachTheStore() {
		this.contextRunner
			.withPropertyValues("leader.election.redis.quarantine-new-server=false", "leader.election.redis.replicas=2",
					"leader.election.redis.replica-timeout=250ms")
			.run((context) -> assertThat(context.getBean(RedisLeaseStore.class).options())
				.isEqualTo(new RedisLeaseStore.Options(false, 2, Duration.ofMillis(250))));
	}

	@Test
	void failFastReachesTheStoreAndStartsWhenRedisAnswers() {
		this.contextRunner.withPropertyValues("leader.election.redis.fail-fast=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisLeaseStore.class).options().failFast()).isTrue();
		});
	}

	@Test
	void failFastFailsTheStartWhenRedisIsStoppedNamingTheServerAndTheProperty(CapturedOutput output) {
		redis.server().stop();
		try {
			SpringApplication application = new SpringApplication(RedisApplication.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setRegisterShutdownHook(false);
			assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
					"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
					"--spring.data.redis.timeout=1s", "--leader.election.redis.fail-fast=true"))
				.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex)).isNotNull());
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("Leader election could not reach Redis at %s:%d as the application started, and "
					.formatted(redis.host(), redis.port()) + "leader.election.redis.fail-fast is true: ")
				.contains("Action:")
				.contains("set leader.election.redis.fail-fast=false to start anyway");
		}
		finally {
			redis.server().restart();
		}
	}

	@Test
	void withoutFailFastTheStartSucceedsWhileRedisIsStopped() {
		redis.server().stop();
		try {
			this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		}
		finally {
			redis.server().restart();
		}
	}

	@Test
	void redisUnreachableFailureAnalyzerIgnoresOtherFailures() {
		assertThat(new RedisUnreachableFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void negativeReplicasFail() {
		this.contextRunner.withPropertyValues("leader.election.redis.replicas=-1")
			.run((context) -> assertInvalid(context.getStartupFailure(), "leader.election.redis.replicas", -1,
					"Must not be negative"));
	}

	@Test
	void aReplicaTimeoutThatIsNotPositiveFails() {
		this.contextRunner.withPropertyValues("leader.election.redis.replica-timeout=0ms")
			.run((context) -> assertInvalid(context.getStartupFailure(), "leader.election.redis.replica-timeout",
					"0ms", "Must be positive, for example 500ms."));
	}

	@Test
	void aReplicaTimeoutThatALeaseCannotAffordFailsOnlyWhenWaitingForReplicas() {
		this.contextRunner.withPropertyValues("leader.election.redis.replica-timeout=7s")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("leader.election.redis.replicas=1", "leader.election.redis.replica-timeout=7s")
			.run((context) -> assertInvalid(context.getStartupFailure(), "leader.election.redis.replica-timeout",
					"7s", "Must be below lease-duration minus renew-interval (7s here)"));
	}

	@Test
	void startFailsWhenRedisMayEvictAnyKey() {
		try {
			evictAnyKey();
			this.contextRunner.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(NestedExceptionUtils.getRootCause(failure)).isInstanceOf(UnsafeEvictionPolicyException.class);
				FailureAnalysis analysis = new UnsafeEvictionPolicyFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).isEqualTo(("Redis at %s:%d may evict any key when it is full "
						+ "(maxmemory-policy allkeys-lru with maxmemory 256mb), also the fencing-token counter and "
						+ "state of a role, which would lose leases silently; no instance is granted a lease there "
						+ "until it is fixed: set maxmemory-policy noeviction or a volatile-* policy, or keep leases "
						+ "on a Redis of their own")
					.formatted(redis.host(), redis.port()));
				assertThat(analysis.getAction()).startsWith("Set maxmemory-policy noeviction")
					.contains("on Redis at %s:%d".formatted(redis.host(), redis.port()))
					.contains("CONFIG SET maxmemory-policy noeviction")
					.contains("RedisLeaseStore bean on another RedisConnectionFactory");
			});
		}
		finally {
			evictNothing();
		}
	}

	@Test
	void failureAnalysisOfAnUnsafeEvictionPolicyIsPrinted(CapturedOutput output) {
		try {
			evictAnyKey();
			SpringApplication application = new SpringApplication(RedisApplication.class);
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setRegisterShutdownHook(false);
			assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
					"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port()));
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("may evict any key when it is full (maxmemory-policy allkeys-lru with maxmemory 256mb)")
				.contains("Action:")
				.contains("Set maxmemory-policy noeviction");
		}
		finally {
			evictNothing();
		}
	}

	@Test
	void aVolatilePolicyStarts() {
		try {
			evictAnyKey();
			redis.server().command("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
			this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		}
		finally {
			evictNothing();
		}
	}

	@Test
	void unsafeEvictionPolicyFailureAnalyzerIgnoresOtherFailures() {
		assertThat(new UnsafeEvictionPolicyFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	private static void evictAnyKey() {
		assertThat(redis.server().command("CONFIG", "SET", "maxmemory", "256mb")).isEqualTo("+OK");
		assertThat(redis.server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo("+OK");
	}

	private static void evictNothing() {
		redis.server().command("CONFIG", "SET", "maxmemory", "0");
		redis.server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
	}

	private static void assertInvalid(Throwable failure, String property, Object value, String reasonPart) {
		Throwable rootCause = NestedExceptionUtils.getRootCause(failure);
		assertThat(rootCause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		InvalidConfigurationPropertyValueException ex = (InvalidConfigurationPropertyValueException) rootCause;
		assertThat(ex.getName()).isEqualTo(property);
		assertThat(ex.getValue()).isEqualTo(value);
		assertThat(ex.getReason()).contains(reasonPart);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class RedisApplication {

	}

}
