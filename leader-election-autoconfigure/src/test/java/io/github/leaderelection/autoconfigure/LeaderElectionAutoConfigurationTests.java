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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.InvalidLeaderOnlyMethodException;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.annotation.LeaderOnlyAdvisor;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseSettings;
import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.support.StandaloneLeaderElector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LeaderElectionAutoConfiguration} and {@link LeaderElectionProperties}.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaderElectionAutoConfigurationTests {

	// Nothing listens there: an elector that tries Redis fails fast and never touches a real server.
	private static final int UNUSED_PORT = unusedPort();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=" + UNUSED_PORT, "spring.data.redis.timeout=500ms");

	@Test
	void propertiesHaveTheDocumentedDefaults() {
		this.contextRunner.run((context) -> {
			LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getMode()).isEqualTo(Mode.AUTO);
			assertThat(properties.getRole()).isNull();
			assertThat(properties.getInstanceId()).isNull();
			assertThat(properties.getKeyPrefix()).isEqualTo("leader-election");
			assertThat(properties.getLeaseDuration()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getRenewInterval()).isEqualTo(Duration.ofSeconds(3));
			assertThat(properties.getRetryInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getElectionJitter()).isEqualTo(Duration.ofMillis(200));
			assertThat(properties.isReleaseOnShutdown()).isTrue();
			assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void propertiesBindFromTheEnvironment() {
		this.contextRunner
			.withPropertyValues("leader.election.lease-duration=5s", "leader.election.renew-interval=1500ms",
					"leader.election.retry-interval=500ms", "leader.election.election-jitter=0",
					"leader.election.key-prefix=jobs", "leader.election.mode=standalone",
					"leader.election.release-on-shutdown=false", "leader.election.drain-timeout=5s")
			.run((context) -> {
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getLeaseDuration()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.getRenewInterval()).isEqualTo(Duration.ofMillis(1500));
				assertThat(properties.getRetryInterval()).isEqualTo(Duration.ofMillis(500));
				assertThat(properties.getElectionJitter()).isZero();
				assertThat(properties.getKeyPrefix()).isEqualTo("jobs");
				assertThat(properties.getMode()).isEqualTo(Mode.STANDALONE);
				assertThat(properties.isReleaseOnShutdown()).isFalse();
				assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void roleDefaultsToDefaultWithoutApplicationName() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(LeaderElectors.class).defaultRole()).isEqualTo("default");
			assertThat(context.getBean(LeaderElector.class).role()).isEqualTo("default");
		});
	}

	@Test
	void roleDefaultsToApplicationName() {
		this.contextRunner.withPropertyValues("spring.application.name=billing").run((context) -> {
			assertThat(context.getBean(LeaderElectors.class).defaultRole()).isEqualTo("billing");
			assertThat(context.getBean(LeaderElector.class).role()).isEqualTo("billing");
		});
	}

	@Test
	void configuredRoleWinsOverApplicationName() {
		this.contextRunner.withPropertyValues("spring.application.name=billing", "leader.election.role=invoices")
			.run((context) -> assertThat(context.getBean(LeaderElector.class).role()).isEqualTo("invoices"));
	}

	@Test
	void generatedInstanceIdContainsHostnameAndPid() {
		this.contextRunner.run((context) -> {
			String instanceId = context.getBean(LeaderElector.class).instanceId();
			assertThat(instanceId).startsWith(LeaderElectionAutoConfiguration.hostname() + "-")
				.contains("-" + ProcessHandle.current().pid() + "-");
		});
	}

	@Test
	void generatedInstanceIdsDiffer() {
		assertThat(LeaderElectionAutoConfiguration.generateInstanceId())
			.isNotEqualTo(LeaderElectionAutoConfiguration.generateInstanceId());
	}

	@Test
	void configuredInstanceIdIsUsed() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node-1")
			.run((context) -> assertThat(context.getBean(LeaderElector.class).instanceId()).isEqualTo("node-1"));
	}

	@Test
	void redisConnectionFactoryGivesRedisLeaseStoreAndLeaseElector() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisConnectionFactory.class)
				.hasSingleBean(LeaderElectors.class)
				.hasSingleBean(LeaderElector.class)
				.hasSingleBean(LeaderOnlyAdvisor.class)
				.hasSingleBean(LeaseStore.class)
				.getBean(LeaseStore.class)
				.isInstanceOf(RedisLeaseStore.class);
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			assertThat(context.getBean(LeaderElector.class)).isInstanceOf(LeaseLeaderElector.class)
				.isSameAs(electors.defaultElector());
			assertThat(electors.isRunning()).isTrue();
			// Redis is unreachable: the elector keeps trying and does not lead.
			assertThat(context.getBean(LeaderElector.class).isLeader()).isFalse();
		});
	}

	@Test
	void redisModeWithConnectionFactoryGivesLeaseElector() {
		this.contextRunner.withPropertyValues("leader.election.mode=redis").run((context) -> {
			assertThat(context).getBean(LeaseStore.class).isInstanceOf(RedisLeaseStore.class);
			assertThat(context.getBean(LeaderElector.class)).isInstanceOf(LeaseLeaderElector.class);
		});
	}

	@Test
	void disabledMakesTheElectionAutoConfigurationBackOff() {
		this.contextRunner.withPropertyValues("leader.election.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RedisConnectionFactory.class)
				.doesNotHaveBean(LeaderElectionProperties.class)
				.doesNotHaveBean(LeaderElectors.class)
				.doesNotHaveBean(LeaderElector.class)
				.doesNotHaveBean(LeaderOnlyAdvisor.class)
				.doesNotHaveBean(LeaseStore.class);
		});
	}

	@Test
	void disabledSkipsValidation() {
		this.contextRunner.withPropertyValues("leader.election.enabled=false", "leader.election.lease-duration=0")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LeaderElectors.class));
	}

	@Test
	void standaloneModeGivesNoLeaseStoreAndLeadsOnceStarted() {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone").run((context) -> {
			assertThat(context).hasSingleBean(RedisConnectionFactory.class).doesNotHaveBean(LeaseStore.class);
			LeaderElector elector = context.getBean(LeaderElector.class);
			assertThat(elector).isInstanceOf(StandaloneLeaderElector.class);
			await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
			assertThat(elector.leadership()).hasValueSatisfying(
					(leadership) -> assertThat(leadership.fencingToken()).isEqualTo(1));
		});
	}

	@Test
	void standaloneModeIsCaseInsensitive() {
		this.contextRunner.withPropertyValues("leader.election.mode=STANDALONE").run((context) -> {
			assertThat(context).doesNotHaveBean(LeaseStore.class);
			assertThat(context.getBean(LeaderElector.class)).isInstanceOf(StandaloneLeaderElector.class);
		});
	}

	@Test
	void autoModeWithoutConnectionFactoryIsStandalone() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RedisConnectionFactory.class).doesNotHaveBean(LeaseStore.class);
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(elector).isInstanceOf(StandaloneLeaderElector.class);
				await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
			});
	}

	@Test
	void redisModeWithoutConnectionFactoryFailsNamingTheMode() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withPropertyValues("leader.election.mode=redis")
			.run(failsOn("leader.election.mode", Mode.REDIS, "set the mode to standalone"));
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathIsStandalone() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(RedisConnectionFactory.class)
					.doesNotHaveBean(LeaseStore.class)
					.hasSingleBean(LeaderOnlyAdvisor.class);
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(elector).isInstanceOf(StandaloneLeaderElector.class);
				await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
			});
	}

	@Test
	void withoutSpringDataRedisOnTheClasspathRedisModeFails() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("leader.election.mode=redis")
			.run(failsOn("leader.election.mode", Mode.REDIS, "set the mode to standalone"));
	}

	@Test
	void userLeaderElectorsMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserElectorsConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LeaderElectors.class);
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			assertThat(electors).isSameAs(context.getBean(UserElectorsConfiguration.class).electors);
			assertThat(electors.defaultRole()).isEqualTo("mine");
			assertThat(context.getBean(LeaderElector.class)).isSameAs(electors.defaultElector());
			await().atMost(Duration.ofSeconds(5)).until(electors.defaultElector()::isLeader);
		});
	}

	@Test
	void userLeaderElectorMakesTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserElectorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(LeaderElector.class).hasSingleBean(LeaderElectors.class);
			assertThat(context.getBean(LeaderElector.class))
				.isSameAs(context.getBean(UserElectorConfiguration.class).elector);
		});
	}

	@Test
	void userLeaseStoreMakesTheRedisOneBackOffAndIsUsed() {
		this.contextRunner.withUserConfiguration(UserLeaseStoreConfiguration.class)
			.withPropertyValues("leader.election.election-jitter=0")
			.run((context) -> {
				assertThat(context).hasSingleBean(LeaseStore.class).doesNotHaveBean(RedisLeaseStore.class);
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(elector).isInstanceOf(LeaseLeaderElector.class);
				await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
				assertThat(elector.leadership()).hasValueSatisfying(
						(leadership) -> assertThat(leadership.fencingToken()).isEqualTo(42));
			});
	}

	@Test
	void userLeaseStoreWithoutRedisIsUsedInAutoMode() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withUserConfiguration(UserLeaseStoreConfiguration.class)
			.withPropertyValues("leader.election.election-jitter=0")
			.run((context) -> {
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(elector).isInstanceOf(LeaseLeaderElector.class);
				await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
			});
	}

	@Test
	void zeroLeaseDurationFails() {
		this.contextRunner.withPropertyValues("leader.election.lease-duration=0")
			.run(failsOn("leader.election.lease-duration", "0", "for example 10s"));
	}

	@Test
	void negativeLeaseDurationFails() {
		this.contextRunner.withPropertyValues("leader.election.lease-duration=-10s")
			.run(failsOn("leader.election.lease-duration", "-10s", "for example 10s"));
	}

	@Test
	void zeroRenewIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.renew-interval=0ms")
			.run(failsOn("leader.election.renew-interval", "0ms", "for example 3s"));
	}

	@Test
	void negativeRenewIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.renew-interval=-3s")
			.run(failsOn("leader.election.renew-interval", "-3s", "for example 3s"));
	}

	@Test
	void zeroRetryIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.retry-interval=0s")
			.run(failsOn("leader.election.retry-interval", "0s", "for example 1s"));
	}

	@Test
	void negativeRetryIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.retry-interval=-1s")
			.run(failsOn("leader.election.retry-interval", "-1s", "for example 1s"));
	}

	@Test
	void negativeElectionJitterFails() {
		this.contextRunner.withPropertyValues("leader.election.election-jitter=-1ms")
			.run(failsOn("leader.election.election-jitter", "-1ms", "for example 200ms"));
	}

	@Test
	void negativeDrainTimeoutFails() {
		this.contextRunner.withPropertyValues("leader.election.drain-timeout=-1s")
			.run(failsOn("leader.election.drain-timeout", "-1s", "for example 30s, or 0"));
	}

	@Test
	void zeroElectionJitterIsAccepted() {
		this.contextRunner.withPropertyValues("leader.election.election-jitter=0s")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LeaderElector.class));
	}

	@Test
	void leaseDurationNotAboveRenewAndTwoRetriesFails() {
		this.contextRunner.withPropertyValues("leader.election.lease-duration=4s")
			.run(failsOn("leader.election.lease-duration", "4s",
					"Must exceed renew-interval plus two retry-intervals (5s here), so that a leader can retry a failed renewal, for example 10s."));
	}

	@Test
	void leaseDurationEqualToRenewAndTwoRetriesFails() {
		this.contextRunner
			.withPropertyValues("leader.election.lease-duration=2s", "leader.election.renew-interval=1s",
					"leader.election.retry-interval=500ms")
			.run(failsOn("leader.election.lease-duration", "2s", "renew-interval"));
	}

	@Test
	void leaseDurationJustAboveRenewAndTwoRetriesIsAccepted() {
		this.contextRunner
			.withPropertyValues("leader.election.lease-duration=2001ms", "leader.election.renew-interval=1s",
					"leader.election.retry-interval=500ms")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(LeaderElector.class));
	}

	@Test
	void blankRoleFails() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("blank", Map.of("leader.election.role", "  "))))
			.run(failsOn("leader.election.role", "  ", "for example orders"));
	}

	@Test
	void roleWithWhitespaceFails() {
		this.contextRunner.withPropertyValues("leader.election.role=order jobs")
			.run(failsOn("leader.election.role", "order jobs", "for example orders"));
	}

	@Test
	void roleWithBracesFails() {
		this.contextRunner.withPropertyValues("leader.election.role={orders}")
			.run(failsOn("leader.election.role", "{orders}", "for example orders"));
	}

	@Test
	void keyPrefixWithWhitespaceFails() {
		this.contextRunner.withPropertyValues("leader.election.key-prefix=leader election")
			.run(failsOn("leader.election.key-prefix", "leader election", "for example leader-election"));
	}

	@Test
	void keyPrefixWithBracesFails() {
		this.contextRunner.withPropertyValues("leader.election.key-prefix={leader}")
			.run(failsOn("leader.election.key-prefix", "{leader}", "for example leader-election"));
	}

	@Test
	void keyPrefixWithBracesFailsInStandaloneModeToo() {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone", "leader.election.key-prefix=a}b")
			.run(failsOn("leader.election.key-prefix", "a}b", "for example leader-election"));
	}

	@Test
	void instanceIdWithWhitespaceFails() {
		this.contextRunner.withPropertyValues("leader.election.instance-id=node 1")
			.run(failsOn("leader.election.instance-id", "node 1", "for example node-1"));
	}

	@Test
	void applicationNameWithSpaceAndNoRoleFails() {
		this.contextRunner.withPropertyValues("spring.application.name=Billing Service")
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getName()).isEqualTo("spring.application.name");
				assertThat(ex.getValue()).isEqualTo("Billing Service");
				assertThat(ex.getReason()).contains("leader.election.role").contains("for example orders");
			});
	}

	@Test
	void applicationNameWithSpaceAndARoleIsAccepted() {
		this.contextRunner.withPropertyValues("spring.application.name=Billing Service", "leader.election.role=billing")
			.run((context) -> assertThat(context.getBean(LeaderElector.class).role()).isEqualTo("billing"));
	}

	@Test
	void failureAnalysisNamesPropertyValueAndReason(CapturedOutput output) {
		SpringApplication application = new SpringApplication(InvalidLeaseApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
				"--leader.election.mode=standalone", "--leader.election.lease-duration=0s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0s' for configuration property 'leader.election.lease-duration'")
			.contains("Must be positive, for example 10s.");
	}

	@Test
	void failureAnalysisNamesTheRolePropertyAndTheValueAsWritten(CapturedOutput output) {
		SpringApplication application = new SpringApplication(InvalidLeaseApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
				"--leader.election.mode=standalone", "--leader.election.roles[batch.nightly].renew-interval=0s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value '0s' for configuration property 'leader.election.roles[batch.nightly].renew-interval'")
			.contains("Must be positive, for example 3s.");
	}

	@Test
	void theReadmeQuotesTheFailureAnalysisOfABadLeaseAsItIsPrinted(CapturedOutput output) throws IOException {
		SpringApplication application = new SpringApplication(InvalidLeaseApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
				"--leader.election.mode=standalone", "--leader.election.lease-duration=5s"));
		String printed = output.getAll();
		String description = printed.substring(printed.indexOf("Description:") + "Description:".length(),
				printed.indexOf("Action:"));
		String readme = Files.readString(Path.of("..", "README.md"));
		int intro = readme.indexOf("for instance `--leader.election.lease-duration=5s` prints:");
		assertThat(intro).isPositive();
		int start = readme.indexOf("```text", intro) + "```text".length();
		String quoted = readme.substring(start, readme.indexOf("```", start));
		assertThat(words(quoted)).isEqualTo(words(description));
	}

	@Test
	void aDurationWithoutAUnitIsSaidToBeReadAsMilliseconds() {
		this.contextRunner.withPropertyValues("leader.election.lease-duration=5000")
			.run(failsOn("leader.election.lease-duration", "5000",
					"Must exceed renew-interval plus two retry-intervals (5s here), so that a leader can retry a failed renewal, for example 10s. A value without a unit is read as milliseconds: 5000 is 5s."));
		this.contextRunner.withPropertyValues("leader.election.roles.reports.retry-interval=-100")
			.run(failsOn("leader.election.roles.reports.retry-interval", "-100",
					"Must be positive, for example 1s. A value without a unit is read as milliseconds: -100 is -100ms."));
	}

	@Test
	void durationsInMessagesAreWrittenAsBootReadsThemNeverInIsoForm() {
		this.contextRunner
			.withPropertyValues("leader.election.roles.reports.renew-interval=1500ms",
					"leader.election.roles.reports.lease-duration=PT3S")
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getValue()).isEqualTo("PT3S");
				assertThat(ex.getMessage()).contains("(3500ms here)").contains("for example 7s.");
			});
		this.contextRunner.withPropertyValues("leader.election.roles.reports.renew-interval=8s")
			.run((context) -> assertThat(invalidProperty(context).getMessage()).doesNotContain("PT"));
		assertThat(LeaderElectionProperties.print(Duration.ofSeconds(5))).isEqualTo("5s");
		assertThat(LeaderElectionProperties.print(Duration.ofMinutes(2))).isEqualTo("120s");
		assertThat(LeaderElectionProperties.print(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(LeaderElectionProperties.print(Duration.ofNanos(250_000))).isEqualTo("250us");
		assertThat(LeaderElectionProperties.print(Duration.ofNanos(1))).isEqualTo("1ns");
		assertThat(LeaderElectionProperties.print(Duration.ofMillis(-1))).isEqualTo("-1ms");
	}

	private static List<String> words(String text) {
		return List.of(text.trim().split("\\s+"));
	}

	@Test
	void leaderOnlyFailureAnalyzerNamesTheMethod() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(AopAutoConfiguration.class, LeaderElectionAutoConfiguration.class))
			.withUserConfiguration(PrimitiveLeaderOnlyConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LeaderOnlyFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getCause()).isInstanceOf(InvalidLeaderOnlyMethodException.class);
				assertThat(analysis.getDescription()).contains(PrimitiveJob.class.getName() + ".pendingCount")
					.contains("int");
				assertThat(analysis.getAction()).contains("PrimitiveJob.pendingCount")
					.contains("Change the return type");
			});
	}

	@Test
	void leaderOnlyFailureAnalyzerIgnoresOtherFailures() {
		assertThat(new LeaderOnlyFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void standaloneGrantIsPublishedOnTheEventsThread() {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone")
			.withUserConfiguration(EventRecorderConfiguration.class)
			.run((context) -> {
				EventRecorder recorder = context.getBean(EventRecorder.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.granted.isEmpty());
				assertThat(recorder.granted).singleElement().satisfies((recorded) -> {
					assertThat(recorded.event().fencingToken()).isEqualTo(1);
					assertThat(recorded.event().role()).isEqualTo("default");
					assertThat(recorded.event().elector()).isSameAs(context.getBean(LeaderElector.class));
					assertThat(recorded.thread()).isEqualTo("leader-election-events");
				});
				assertThat(recorder.revoked).isEmpty();
			});
	}

	@Test
	void standaloneRevokeWithShutdownReasonArrivesBeforeCloseReturns() {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone")
			.withUserConfiguration(EventRecorderConfiguration.class)
			.run((context) -> {
				EventRecorder recorder = context.getBean(EventRecorder.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.granted.isEmpty());
				context.close();
				assertThat(recorder.revoked).singleElement().satisfies((recorded) -> {
					assertThat(recorded.event().reason()).isEqualTo(RevokeReason.SHUTDOWN);
					assertThat(recorded.event().fencingToken()).isEqualTo(1);
					assertThat(recorded.thread()).isEqualTo("leader-election-events");
				});
				assertThat(recorder.granted).hasSize(1);
			});
	}

	@Test
	void roleSettingsBindAndApplyToThatRoleOnly() {
		this.contextRunner.withUserConfiguration(RecordingLeaseStoreConfiguration.class)
			.withPropertyValues("leader.election.election-jitter=0", "leader.election.roles.reports.lease-duration=1500ms",
					"leader.election.roles.reports.renew-interval=300ms",
					"leader.election.roles.reports.retry-interval=200ms",
					"leader.election.roles.reports.election-jitter=5ms", "leader.election.roles.reports.drain-timeout=1s")
			.run((context) -> {
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles()).containsOnlyKeys("reports");
				assertThat(properties.settingsFor("reports")).isEqualTo(new LeaseSettings(Duration.ofMillis(1500),
						Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(5), true, Duration.ofSeconds(1)));
				assertThat(properties.settingsFor("batch")).isEqualTo(new LeaseSettings(Duration.ofSeconds(10),
						Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ZERO, true, Duration.ofSeconds(30)));
				LeaderElectors electors = context.getBean(LeaderElectors.class);
				LeaderElector reports = electors.forRole("reports");
				LeaderElector batch = electors.forRole("batch");
				await().atMost(Duration.ofSeconds(5)).until(() -> reports.isLeader() && batch.isLeader());
				RecordingLeaseStore store = context.getBean(RecordingLeaseStore.class);
				// Renewals every 300 ms for reports: several arrive while batch, renewing every 3 s, makes none.
				await().atMost(Duration.ofSeconds(5)).until(() -> store.renewals("reports").size() >= 2);
				assertThat(store.claims("reports")).containsOnly(Duration.ofMillis(1500));
				assertThat(store.renewals("reports")).containsOnly(Duration.ofMillis(1500));
				assertThat(store.claims("batch")).containsOnly(Duration.ofSeconds(10));
				assertThat(store.claims(electors.defaultRole())).containsOnly(Duration.ofSeconds(10));
			});
	}

	@Test
	void roleSettingsLeftUnsetAreInherited() {
		this.contextRunner
			.withPropertyValues("leader.election.lease-duration=6s", "leader.election.renew-interval=2s",
					"leader.election.retry-interval=500ms", "leader.election.election-jitter=50ms",
					"leader.election.drain-timeout=10s", "leader.election.release-on-shutdown=false",
					"leader.election.roles.batch.lease-duration=1m", "leader.election.roles.reports.retry-interval=1s")
			.run((context) -> {
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles().get("batch").getRenewInterval()).isNull();
				assertThat(properties.settingsFor("batch")).isEqualTo(new LeaseSettings(Duration.ofMinutes(1),
						Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(50), false,
						Duration.ofSeconds(10)));
				assertThat(properties.settingsFor("reports")).isEqualTo(new LeaseSettings(Duration.ofSeconds(6),
						Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(50), false,
						Duration.ofSeconds(10)));
			});
	}

	@Test
	void registryWaitsForTheLongestStopOfAnyRole() {
		this.contextRunner
			.withPropertyValues("leader.election.drain-timeout=5s", "leader.election.roles.batch.drain-timeout=2m",
					"leader.election.roles.reports.drain-timeout=1s")
			.run((context) -> {
				Duration longest = context.getBean(LeaderElectionProperties.class).settingsFor("batch").stopTimeout();
				assertThat(longest).isEqualTo(Duration.ofSeconds(123));
				assertThat(context.getBean(LeaderElectors.class)).extracting("stopTimeout").isEqualTo(longest);
			});
		this.contextRunner
			.withPropertyValues("leader.election.drain-timeout=5s", "leader.election.roles.reports.drain-timeout=1s")
			.run((context) -> assertThat(context.getBean(LeaderElectors.class)).extracting("stopTimeout")
				.isEqualTo(Duration.ofSeconds(8)));
	}

	@Test
	void roleNameWithDotsBindsInBrackets() {
		this.contextRunner.withUserConfiguration(RecordingLeaseStoreConfiguration.class)
			.withPropertyValues("leader.election.election-jitter=0",
					"leader.election.roles[batch.nightly].lease-duration=1m", "leader.election.roles.Reports.lease-duration=7s")
			.run((context) -> {
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles()).containsOnlyKeys("batch.nightly", "Reports");
				LeaderElector nightly = context.getBean(LeaderElectors.class).forRole("batch.nightly");
				LeaderElector reports = context.getBean(LeaderElectors.class).forRole("Reports");
				await().atMost(Duration.ofSeconds(5)).until(() -> nightly.isLeader() && reports.isLeader());
				RecordingLeaseStore store = context.getBean(RecordingLeaseStore.class);
				assertThat(store.claims("batch.nightly")).containsOnly(Duration.ofMinutes(1));
				assertThat(store.claims("Reports")).containsOnly(Duration.ofSeconds(7));
			});
	}

	@Test
	void roleNameWithDotsBindsInBracketsInYaml() {
		String yaml = """
				leader:
				  election:
				    roles:
				      "[batch.nightly]":
				        lease-duration: 2m
				      reports:
				        renew-interval: 300ms
				""";
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(yaml(yaml)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles()).containsOnlyKeys("batch.nightly", "reports");
				assertThat(properties.settingsFor("batch.nightly").leaseDuration()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.settingsFor("reports").renewInterval()).isEqualTo(Duration.ofMillis(300));
			});
	}

	@Test
	void roleSettingsBindFromEnvironmentVariables() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("LEADER_ELECTION_ROLES_REPORTS_LEASEDURATION", "20s",
							"LEADER_ELECTION_ROLES_BATCH_DRAIN_TIMEOUT", "5m"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles()).containsOnlyKeys("reports", "batch");
				assertThat(properties.settingsFor("reports").leaseDuration()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.settingsFor("batch").drainTimeout()).isEqualTo(Duration.ofMinutes(5));
			});
	}

	@Test
	void roleNameWithDotsOutsideBracketsFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.batch.nightly.lease-duration=1m")
			.run(failsOn("leader.election.roles.batch.nightly.lease-duration", "1m",
					"a role name with dots goes in brackets, as in leader.election.roles[batch.nightly].lease-duration"));
	}

	@Test
	void roleNameWithCharactersBootDropsOutsideBracketsFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.tenant/42.lease-duration=1m")
			.run(failsOn("leader.election.roles.tenant/42.lease-duration", "1m",
					"put the role name in brackets, as in leader.election.roles[tenant/42].lease-duration"));
	}

	@Test
	void roleNameWithCharactersBootDropsBindsInBrackets() {
		this.contextRunner.withPropertyValues("leader.election.roles[tenant/42].lease-duration=1m",
				"leader.election.roles.tenant_7.lease-duration=2m", "leader.election.roles.Nightly-Batch.lease-duration=3m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElectionProperties properties = context.getBean(LeaderElectionProperties.class);
				assertThat(properties.getRoles()).containsOnlyKeys("tenant/42", "tenant_7", "Nightly-Batch");
				assertThat(properties.settingsFor("tenant/42").leaseDuration()).isEqualTo(Duration.ofMinutes(1));
			});
	}

	@Test
	void misspeltRoleSettingFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.lease-durration=1m")
			.run(failsOn("leader.election.roles.reports.lease-durration", "1m",
					"Configures no role: a role takes lease-duration, renew-interval"));
	}

	@Test
	void zeroRoleLeaseDurationFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.lease-duration=0")
			.run(failsOn("leader.election.roles.reports.lease-duration", "0", "Must be positive, for example 10s."));
	}

	@Test
	void negativeRoleRenewIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.renew-interval=-1s")
			.run(failsOn("leader.election.roles.reports.renew-interval", "-1s",
					"Must be positive, for example 3s."));
	}

	@Test
	void zeroRoleRetryIntervalFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.retry-interval=0s")
			.run(failsOn("leader.election.roles.reports.retry-interval", "0s",
					"Must be positive, for example 1s."));
	}

	@Test
	void negativeRoleElectionJitterFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.election-jitter=-1ms")
			.run(failsOn("leader.election.roles.reports.election-jitter", "-1ms",
					"for example 200ms, or 0 for no jitter"));
	}

	@Test
	void negativeRoleDrainTimeoutFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.drain-timeout=-1s")
			.run(failsOn("leader.election.roles.reports.drain-timeout", "-1s", "for example 30s, or 0"));
	}

	@Test
	void roleLeaseDurationNotAboveItsRenewAndTwoRetriesFails() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.lease-duration=1s")
			.run(failsOn("leader.election.roles.reports.lease-duration", "1s",
					"Must exceed renew-interval plus two retry-intervals (5s here), so that a leader can retry a failed renewal, for example 10s."));
	}

	@Test
	void inheritedLeaseDurationNotAboveTheRoleRenewIntervalFailsNamingTheRoleLease() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.renew-interval=8s")
			.run(failsOn("leader.election.roles.reports.lease-duration", "10s",
					"Role 'reports' takes its lease-duration from leader.election.lease-duration: set leader.election.roles.reports.lease-duration."));
	}

	@Test
	void roleWithDotsFailsNamingItsPropertyInBrackets() {
		this.contextRunner.withPropertyValues("leader.election.roles[batch.nightly].retry-interval=0")
			.run(failsOn("leader.election.roles[batch.nightly].retry-interval", "0", "for example 1s"));
	}

	@Test
	void roleLeaseThatCannotAffordTheReplicaTimeoutFails() {
		this.contextRunner
			.withPropertyValues("leader.election.redis.replicas=1", "leader.election.redis.replica-timeout=500ms",
					"leader.election.roles.reports.lease-duration=1s", "leader.election.roles.reports.renew-interval=600ms",
					"leader.election.roles.reports.retry-interval=100ms")
			.run(failsOn("leader.election.redis.replica-timeout", "500ms",
					"Must be below lease-duration minus renew-interval of role 'reports' (400ms here)"));
	}

	@Test
	void roleNameWithWhitespaceFails() {
		this.contextRunner.withPropertyValues("leader.election.roles[order jobs].lease-duration=20s")
			.run(failsOn("leader.election.roles", "order jobs", "for example orders"));
	}

	@Test
	void roleNameWithBracesFails() {
		this.contextRunner.withPropertyValues("leader.election.roles[{orders}].lease-duration=20s")
			.run(failsOn("leader.election.roles", "{orders}", "must not be empty or contain whitespace or braces"));
	}

	@Test
	void configuredRoleThatNothingUsesIsWarnedOfWhenTheApplicationStops(CapturedOutput output) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withUserConfiguration(ReportJobConfiguration.class)
			.withPropertyValues("leader.election.mode=standalone", "leader.election.roles.reports.lease-duration=20s",
					"leader.election.roles.reprots.lease-duration=20s", "leader.election.roles.default.lease-duration=20s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(LeaderElectors.class).electors()).extracting(LeaderElector::role)
					.containsExactlyInAnyOrder("default", "reports");
				assertThat(output).containsOnlyOnce(
						"leader.election.roles configures 'reprots', which no @LeaderOnly method or LeaderElectors.forRole uses yet")
					.doesNotContain("but no @LeaderOnly method");
				context.close();
				assertThat(output).containsOnlyOnce(
						"leader.election.roles configures 'reprots', but no @LeaderOnly method or LeaderElectors.forRole used it while the application ran: check the name");
			});
	}

	@Test
	void configuredRoleFirstUsedAfterTheStartIsNotWarnedOf(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("leader.election.mode=standalone", "leader.election.roles.cleanup.lease-duration=20s")
			.run((context) -> {
				assertThat(output).contains("leader.election.roles configures 'cleanup', which no @LeaderOnly method");
				context.getBean(LeaderElectors.class).forRole("cleanup");
				context.close();
				assertThat(output).doesNotContain("but no @LeaderOnly method");
			});
	}

	@Test
	void configuredRolesThatAreUsedAreNotLoggedOf(CapturedOutput output) {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withUserConfiguration(ReportJobConfiguration.class)
			.withPropertyValues("leader.election.mode=standalone", "leader.election.roles.reports.lease-duration=20s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.close();
				assertThat(output).doesNotContain("leader.election.roles configures");
			});
	}

	private static ContextConsumer<AssertableApplicationContext> failsOn(String property, Object value,
			String reasonPart) {
		return (context) -> {
			InvalidConfigurationPropertyValueException ex = invalidProperty(context);
			assertThat(ex.getName()).isEqualTo(property);
			assertThat(ex.getValue()).isEqualTo(value);
			assertThat(ex.getReason()).contains(reasonPart);
			assertThat(ex.getMessage()).contains(property);
		};
	}

	private static InvalidConfigurationPropertyValueException invalidProperty(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable rootCause = NestedExceptionUtils.getRootCause(context.getStartupFailure());
		assertThat(rootCause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) rootCause;
	}

	private static PropertySource<?> yaml(String yaml) {
		try {
			return new YamlPropertySourceLoader().load("yaml", new ByteArrayResource(yaml.getBytes())).get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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
	@ImportAutoConfiguration(LeaderElectionAutoConfiguration.class)
	static class InvalidLeaseApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserElectorsConfiguration {

		private final LeadershipEventPublisher events = new LeadershipEventPublisher((event) -> {
		});

		final LeaderElectors electors = new LeaderElectors("mine",
				(role) -> new StandaloneLeaderElector(role, "user", "localhost", this.events));

		@Bean
		LeaderElectors customElectors() {
			this.electors.onStop(this.events::close);
			return this.electors;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserElectorConfiguration {

		// Never started: a plain Lifecycle bean is only stopped with the context.
		final LeaderElector elector = new StandaloneLeaderElector("mine", "user", "localhost",
				new LeadershipEventPublisher((event) -> {
				}));

		@Bean
		LeaderElector customElector() {
			return this.elector;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserLeaseStoreConfiguration {

		@Bean
		LeaseStore customLeaseStore() {
			return new GrantingLeaseStore();
		}

	}

	/**
	 * Grants every claim with token 42, so that an elector on it leads at once.
	 */
	static class GrantingLeaseStore implements LeaseStore {

		@Override
		public Acquisition acquire(LeaseClaim claim) {
			return Acquisition.granted(42);
		}

		@Override
		public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
			return true;
		}

		@Override
		public boolean release(String role, LeaseHolder holder) {
			return true;
		}

		@Override
		public Optional<LeaderInfo> currentLeader(String role) {
			return Optional.empty();
		}

		@Override
		public Subscription onRelease(String role, Runnable listener) {
			return () -> {
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingLeaseStoreConfiguration {

		@Bean
		RecordingLeaseStore recordingLeaseStore() {
			return new RecordingLeaseStore();
		}

	}

	/**
	 * Grants every claim, like {@link GrantingLeaseStore}, and records the lease duration of each claim and renewal by
	 * role, so that a test reads the settings each elector works with.
	 */
	static class RecordingLeaseStore extends GrantingLeaseStore {

		private final Map<String, List<Duration>> claims = new ConcurrentHashMap<>();

		private final Map<String, List<Duration>> renewals = new ConcurrentHashMap<>();

		@Override
		public Acquisition acquire(LeaseClaim claim) {
			this.claims.computeIfAbsent(claim.role(), (role) -> new CopyOnWriteArrayList<>()).add(claim.leaseDuration());
			return super.acquire(claim);
		}

		@Override
		public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
			this.renewals.computeIfAbsent(role, (key) -> new CopyOnWriteArrayList<>()).add(leaseDuration);
			return super.renew(role, holder, leaseDuration);
		}

		List<Duration> claims(String role) {
			return this.claims.getOrDefault(role, List.of());
		}

		List<Duration> renewals(String role) {
			return this.renewals.getOrDefault(role, List.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReportJobConfiguration {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

	}

	static class ReportJob {

		@LeaderOnly(role = "reports")
		public void publish() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimitiveLeaderOnlyConfiguration {

		@Bean
		PrimitiveJob primitiveJob() {
			return new PrimitiveJob();
		}

	}

	static class PrimitiveJob {

		@LeaderOnly
		public int pendingCount() {
			return 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventRecorderConfiguration {

		@Bean
		EventRecorder eventRecorder() {
			return new EventRecorder();
		}

	}

	static class EventRecorder {

		final List<Recorded<OnGrantedEvent>> granted = new CopyOnWriteArrayList<>();

		final List<Recorded<OnRevokedEvent>> revoked = new CopyOnWriteArrayList<>();

		@EventListener
		void onGranted(OnGrantedEvent event) {
			this.granted.add(new Recorded<>(event, Thread.currentThread().getName()));
		}

		@EventListener
		void onRevoked(OnRevokedEvent event) {
			this.revoked.add(new Recorded<>(event, Thread.currentThread().getName()));
		}

	}

	record Recorded<E>(E event, String thread) {

	}

}
