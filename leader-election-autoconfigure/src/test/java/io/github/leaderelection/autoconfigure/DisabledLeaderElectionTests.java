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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.annotation.LeaderOnlyAdvisor;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.support.DisabledLeaderElector;
import io.github.leaderelection.support.ElectionRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DisabledLeaderElectionAutoConfiguration}: with {@code leader.election.enabled=false} the instance
 * takes no part, never leads, and skips its {@code @LeaderOnly} methods rather than running them.
 */
@ExtendWith(OutputCaptureExtension.class)
class DisabledLeaderElectionTests {

	private static final String WARNING = "leader.election.enabled is false: this instance takes no part in leader "
			+ "election and never leads, so its @LeaderOnly methods do not run here";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LeaderElectionAutoConfiguration.class,
				DisabledLeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.application.name=billing")
		.withUserConfiguration(ReportJobConfiguration.class);

	@Test
	void disabledSkipsLeaderOnlyMethodsAndInjectedElectorsNeverLead(CapturedOutput output) throws Exception {
		this.contextRunner.withPropertyValues("leader.election.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(LeaderElectors.class)
				.hasSingleBean(LeaderElector.class)
				.hasSingleBean(LeaderOnlyAdvisor.class)
				.doesNotHaveBean(LeaseStore.class)
				.doesNotHaveBean(ElectionRuntime.class)
				.doesNotHaveBean(LeaderElectionProperties.class);
			ReportJob job = context.getBean(ReportJob.class);
			job.publishReport();
			assertThat(job.runs()).isZero();
			assertThat(job.cleanUp()).isEmpty();
			LeaderElector elector = context.getBean(LeaderElector.class);
			assertThat(elector).isInstanceOf(DisabledLeaderElector.class).isSameAs(job.elector());
			assertThat(elector.role()).isEqualTo("billing");
			assertThat(elector.isLeader()).isFalse();
			assertThat(elector.leadership()).isEmpty();
			assertThat(elector.admit("work")).isEmpty();
			assertThat(elector.currentLeader()).isEmpty();
			elector.yieldLeadership();
			assertThat(elector.awaitLeadership(Duration.ofMillis(50))).isFalse();
			LeaderElector cleanup = context.getBean(LeaderElectors.class).forRole("cleanup");
			assertThat(cleanup.isLeader()).isFalse();
			assertThat(cleanup.instanceId()).isEqualTo(elector.instanceId());
			assertThat(context.getBean(EventRecorder.class).events).hasValue(0);
		});
		assertThat(output).containsOnlyOnce(WARNING).contains("Remove the setting to elect a leader");
	}

	@Test
	void disabledTakesTheConfiguredRoleAndInstanceIdWithoutValidatingAnything() {
		this.contextRunner
			.withPropertyValues("leader.election.enabled=false", "leader.election.role=reports",
					"leader.election.instance-id=node-1", "leader.election.lease-duration=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElector elector = context.getBean(LeaderElector.class);
				assertThat(elector.role()).isEqualTo("reports");
				assertThat(elector.instanceId()).isEqualTo("node-1");
			});
	}

	@Test
	void enabledIsUntouchedAndNotWarnedOf(CapturedOutput output) {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LeaderElector.class)).isNotInstanceOf(DisabledLeaderElector.class);
		});
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void disabledIsAutoConfiguredThroughTheImportsFile() {
		SpringApplication application = new SpringApplication(ReportApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		try (ConfigurableApplicationContext context = application.run("--spring.main.banner-mode=off",
				"--leader.election.enabled=false")) {
			assertThat(context.getBean(LeaderElector.class)).isInstanceOf(DisabledLeaderElector.class);
			ReportJob job = context.getBean(ReportJob.class);
			job.publishReport();
			assertThat(job.runs()).isZero();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ReportJobConfiguration {

		@Bean
		ReportJob reportJob(LeaderElector elector) {
			return new ReportJob(elector);
		}

		@Bean
		EventRecorder eventRecorder() {
			return new EventRecorder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReportApplication extends ReportJobConfiguration {

	}

	/**
	 * The README's ReportJob: it injects the elector and runs on the leader only.
	 */
	static class ReportJob {

		final AtomicInteger runs = new AtomicInteger();

		final LeaderElector elector;

		ReportJob(LeaderElector elector) {
			this.elector = elector;
		}

		// Through the proxy, which has no state of its own.
		public int runs() {
			return this.runs.get();
		}

		public LeaderElector elector() {
			return this.elector;
		}

		@LeaderOnly
		public void publishReport() {
			this.runs.incrementAndGet();
		}

		@LeaderOnly(role = "cleanup")
		public Optional<String> cleanUp() {
			this.runs.incrementAndGet();
			return Optional.of("cleaned");
		}

	}

	static class EventRecorder {

		final AtomicInteger events = new AtomicInteger();

		@EventListener
		void on(LeadershipEvent event) {
			this.events.incrementAndGet();
		}

	}

}
