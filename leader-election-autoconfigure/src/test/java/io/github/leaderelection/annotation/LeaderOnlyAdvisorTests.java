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


package io.github.leaderelection.annotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LeaderOnlyAdvisor}, applied by the auto-configuration.
 */
class LeaderOnlyAdvisorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LeaderElectionAutoConfiguration.class))
		.withPropertyValues("leader.election.mode=standalone");

	@Test
	void methodRunsOnTheLeader() {
		this.contextRunner.withUserConfiguration(ReportJobConfiguration.class).run((context) -> {
			LeaderElector elector = context.getBean(LeaderElector.class);
			await().atMost(Duration.ofSeconds(5)).until(elector::isLeader);
			ReportJob job = context.getBean(ReportJob.class);
			assertThat(AopUtils.isAopProxy(job)).isTrue();
			job.run();
			assertThat(job.latest()).contains("latest");
			assertThat(job.summary()).isEqualTo("summary");
			assertThat(job.invocations()).isEqualTo(3);
		});
	}

	@Test
	void methodIsSkippedOnAFollower() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, ReportJobConfiguration.class)
			.run((context) -> {
				TestElectors electors = context.getBean(TestElectors.class);
				assertThat(electors.elector("default").isLeader()).isFalse();
				ReportJob job = context.getBean(ReportJob.class);
				job.run();
				assertThat(job.latest()).isEmpty();
				assertThat(job.summary()).isNull();
				assertThat(job.invocations()).isZero();
				assertThat(job.unguarded()).isEqualTo("unguarded");
				assertThat(job.invocations()).isOne();
			});
	}

	@Test
	void listenersAreToldOfSkippedCallsOnly() {
		this.contextRunner
			.withUserConfiguration(TestElectorsConfiguration.class, ReportJobConfiguration.class,
					SkipListenersConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				ReportJob job = context.getBean(ReportJob.class);
				assertThat(job.summary()).isNull();
				elector.leader = true;
				assertThat(job.summary()).isEqualTo("summary");
				elector.leader = false;
				assertThat(job.latest()).isEmpty();
				List<String> skips = context.getBean(SkipListenersConfiguration.class).skips;
				assertThat(skips).containsExactly("first default summary", "second default summary",
						"first default latest", "second default latest");
			});
	}

	@Test
	void listenersAreToldOfAPublisherSkippedWhenSubscribed() {
		this.contextRunner
			.withUserConfiguration(TestElectorsConfiguration.class, AsyncJobConfiguration.class,
					SkipListenersConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				elector.leader = true;
				Mono<String> late = context.getBean(AsyncJob.class).mono();
				List<String> skips = context.getBean(SkipListenersConfiguration.class).skips;
				assertThat(skips).isEmpty();
				elector.leader = false;
				assertThat(late.block(Duration.ofSeconds(1))).isNull();
				assertThat(skips).containsExactly("first default mono", "second default mono");
			});
	}

	@Test
	void leadershipIsCheckedOnEveryCall() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, ReportJobConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				ReportJob job = context.getBean(ReportJob.class);
				assertThat(job.summary()).isNull();
				elector.leader = true;
				assertThat(job.summary()).isEqualTo("summary");
				elector.leader = false;
				assertThat(job.summary()).isNull();
				assertThat(job.invocations()).isOne();
			});
	}

	@Test
	void methodIsSkippedOnAFollowerOfTheConfiguredRole() {
		this.contextRunner.withUserConfiguration(ReportJobConfiguration.class)
			.withPropertyValues("leader.election.role=billing")
			.run((context) -> {
				LeaderElectors electors = context.getBean(LeaderElectors.class);
				ReportJob job = context.getBean(ReportJob.class);
				await().atMost(Duration.ofSeconds(5)).until(electors.forRole("billing")::isLeader);
				assertThat(job.summary()).isEqualTo("summary");
				// A yield in standalone mode revokes and grants at once, so stop the elector instead.
				((Lifecycle) electors.forRole("billing")).stop();
				assertThat(job.summary()).isNull();
				assertThat(job.invocations()).isOne();
			});
	}

	@Test
	void asyncAndReactiveMethodsReturnEmptyValuesOnAFollower() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, AsyncJobConfiguration.class)
			.run((context) -> {
				AsyncJob job = context.getBean(AsyncJob.class);
				assertThat(job.future()).isCompletedWithValue(null);
				assertThat(job.stage().toCompletableFuture()).isCompletedWithValue(null);
				assertThat(job.mono().block(Duration.ofSeconds(1))).isNull();
				assertThat(job.flux().collectList().block(Duration.ofSeconds(1))).isEmpty();
				assertThat(job.invocations()).isZero();
			});
	}

	@Test
	void aReturnedStageStaysAdmittedUntilItCompletes() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, AsyncJobConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				elector.leader = true;
				AsyncJob job = context.getBean(AsyncJob.class);
				CompletableFuture<String> result = job.future();
				assertThat(elector.admitted.get()).isOne();
				job.complete("done");
				assertThat(result).isCompletedWithValue("done");
				assertThat(elector.admitted.get()).isZero();
			});
	}

	@Test
	void aReturnedPublisherIsAdmittedWhileSubscribed() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, AsyncJobConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				elector.leader = true;
				AsyncJob job = context.getBean(AsyncJob.class);
				Mono<String> never = job.never();
				assertThat(elector.admitted.get()).isZero();
				Disposable subscription = never.subscribe();
				assertThat(elector.admitted.get()).isOne();
				subscription.dispose();
				assertThat(elector.admitted.get()).isZero();
				assertThat(job.mono().block(Duration.ofSeconds(1))).isEqualTo("mono");
				assertThat(elector.admitted.get()).isZero();
				// Leadership ended between the call and the subscription: the work does not run.
				Mono<String> late = job.mono();
				elector.leader = false;
				assertThat(late.block(Duration.ofSeconds(1))).isNull();
				assertThat(job.invocations()).isEqualTo(3);
				assertThat(job.subscriptions()).isOne();
			});
	}

	@Test
	void classLevelAnnotationAppliesToPublicMethods() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, ClassLevelJobConfiguration.class)
			.run((context) -> {
				TestElector elector = context.getBean(TestElectors.class).elector("default");
				ClassLevelJob job = context.getBean(ClassLevelJob.class);
				job.run();
				assertThat(job.name()).isNull();
				assertThat(job.invocations()).isZero();
				job.housekeeping();
				assertThat(job.invocations()).isOne();
				elector.leader = true;
				job.run();
				assertThat(job.name()).isEqualTo("class-level");
				assertThat(job.invocations()).isEqualTo(3);
			});
	}

	@Test
	void namedRoleUsesTheElectorOfThatRole() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, ExportJobConfiguration.class)
			.run((context) -> {
				TestElectors electors = context.getBean(TestElectors.class);
				ExportJob job = context.getBean(ExportJob.class);
				electors.elector("default").leader = true;
				assertThat(job.export()).isNull();
				electors.elector("default").leader = false;
				electors.elector("reports").leader = true;
				assertThat(job.export()).isEqualTo("exported");
				assertThat(job.invocations()).isOne();
				assertThat(electors.requested).containsOnlyOnce("reports");
			});
	}

	@Test
	void namedRoleElectorIsCreatedAndStartedWithTheContext() {
		this.contextRunner.withUserConfiguration(TestElectorsConfiguration.class, ExportJobConfiguration.class)
			.run((context) -> {
				TestElectors electors = context.getBean(TestElectors.class);
				assertThat(electors.requested).containsExactlyInAnyOrder("default", "reports");
				assertThat(electors.elector("reports").isRunning()).isTrue();
				assertThat(context.getBean(ExportJob.class).invocations()).isZero();
				assertThat(context.getBean(LeaderOnlyAdvisor.class).declaredRoles()).containsExactly("reports");
			});
	}

	@Test
	void namedRoleLeadsBeforeTheFirstCallInStandaloneMode() {
		this.contextRunner.withUserConfiguration(ExportJobConfiguration.class).run((context) -> {
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			assertThat(electors.electors()).extracting(LeaderElector::role).contains("reports");
			LeaderElector reports = electors.electors()
				.stream()
				.filter((elector) -> elector.role().equals("reports"))
				.findFirst()
				.orElseThrow();
			await().atMost(Duration.ofSeconds(5)).until(reports::isLeader);
			assertThat(context.getBean(ExportJob.class).export()).isEqualTo("exported");
		});
	}

	@Test
	void primitiveReturnTypeFailsTheStartNamingTheMethod() {
		this.contextRunner.withUserConfiguration(PrimitiveJobConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable rootCause = NestedExceptionUtils.getRootCause(context.getStartupFailure());
			assertThat(rootCause).isInstanceOfSatisfying(InvalidLeaderOnlyMethodException.class, (ex) -> {
				assertThat(ex.method().getDeclaringClass()).isEqualTo(PrimitiveJob.class);
				assertThat(ex.method().getName()).isEqualTo("pendingCount");
				assertThat(ex.getMessage()).contains(PrimitiveJob.class.getName() + ".pendingCount")
					.contains("returns int")
					.contains("Integer");
			});
		});
	}

	@Test
	void primitiveReturnTypeIsExplainedByTheRegisteredFailureAnalyzer() {
		this.contextRunner.withUserConfiguration(PrimitiveJobConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalyzer analyzer = registeredFailureAnalyzer(
					"io.github.leaderelection.autoconfigure.LeaderOnlyFailureAnalyzer");
			FailureAnalysis analysis = analyzer.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(PrimitiveJob.class.getName() + ".pendingCount");
			assertThat(analysis.getAction()).contains("PrimitiveJob.pendingCount").contains("return type");
		});
	}

	@Test
	void appliesWithoutAspectJ() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withUserConfiguration(TestElectorsConfiguration.class, ReportJobConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME))
					.isExactlyInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
				ReportJob job = context.getBean(ReportJob.class);
				assertThat(job.summary()).isNull();
				assertThat(job.invocations()).isZero();
			});
	}

	private static FailureAnalyzer registeredFailureAnalyzer(String className) {
		ArgumentResolver arguments = ArgumentResolver.of(Environment.class, new StandardEnvironment())
			.and(BeanFactory.class, new DefaultListableBeanFactory());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(LeaderOnlyAdvisorTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, failure) -> {
			});
		assertThat(analyzers).extracting((analyzer) -> analyzer.getClass().getName()).containsOnlyOnce(className);
		return analyzers.stream()
			.filter((analyzer) -> analyzer.getClass().getName().equals(className))
			.findFirst()
			.orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	static class TestElectorsConfiguration {

		@Bean
		TestElectors testElectors() {
			return new TestElectors();
		}

		@Bean
		LeaderElectors leaderElectors(TestElectors testElectors) {
			return new LeaderElectors("default", testElectors);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SkipListenersConfiguration {

		final List<String> skips = new CopyOnWriteArrayList<>();

		@Bean
		@Order(1)
		LeaderOnlyListener firstListener() {
			return (role, method) -> this.skips.add("first " + role + " " + method.getName());
		}

		@Bean
		@Order(2)
		LeaderOnlyListener secondListener() {
			return (role, method) -> this.skips.add("second " + role + " " + method.getName());
		}

	}

	/**
	 * Creates followers and records which roles were asked for.
	 */
	static class TestElectors implements Function<String, LeaderElector> {

		final List<String> requested = new CopyOnWriteArrayList<>();

		private final Map<String, TestElector> electors = new ConcurrentHashMap<>();

		@Override
		public LeaderElector apply(String role) {
			this.requested.add(role);
			return this.electors.computeIfAbsent(role, TestElector::new);
		}

		TestElector elector(String role) {
			TestElector elector = this.electors.get(role);
			assertThat(elector).as("elector of '%s'", role).isNotNull();
			return elector;
		}

	}

	/**
	 * An elector whose leadership a test sets.
	 */
	static class TestElector implements LeaderElector, Lifecycle {

		private final String role;

		volatile boolean leader;

		final AtomicInteger admitted = new AtomicInteger();

		private volatile boolean running;

		TestElector(String role) {
			this.role = role;
		}

		@Override
		public String role() {
			return this.role;
		}

		@Override
		public String instanceId() {
			return "test";
		}

		@Override
		public boolean isLeader() {
			return this.leader;
		}

		@Override
		public Optional<Leadership> leadership() {
			return Optional.empty();
		}

		@Override
		public Optional<LeaderInfo> currentLeader() {
			return Optional.empty();
		}

		@Override
		public Optional<LeaderWork> admit(String description) {
			if (!this.leader) {
				return Optional.empty();
			}
			this.admitted.incrementAndGet();
			AtomicBoolean closed = new AtomicBoolean();
			Leadership leadership = new Leadership(this.role, "test", 1, Instant.now());
			return Optional.of(new LeaderWork() {

				@Override
				public Leadership leadership() {
					return leadership;
				}

				@Override
				public void close() {
					if (closed.compareAndSet(false, true)) {
						TestElector.this.admitted.decrementAndGet();
					}
				}

			});
		}

		@Override
		public void yieldLeadership() {
			this.leader = false;
		}

		@Override
		public boolean awaitLeadership(Duration timeout) {
			return this.leader;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReportJobConfiguration {

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

	}

	// Public: under a FilteredClassLoader CGLIB defines the proxy in that loader, outside this runtime package.
	public static class ReportJob {

		private final AtomicInteger invocations = new AtomicInteger();

		@LeaderOnly
		public void run() {
			this.invocations.incrementAndGet();
		}

		@LeaderOnly
		public Optional<String> latest() {
			this.invocations.incrementAndGet();
			return Optional.of("latest");
		}

		@LeaderOnly
		public String summary() {
			this.invocations.incrementAndGet();
			return "summary";
		}

		public String unguarded() {
			this.invocations.incrementAndGet();
			return "unguarded";
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncJobConfiguration {

		@Bean
		AsyncJob asyncJob() {
			return new AsyncJob();
		}

	}

	public static class AsyncJob {

		private final CompletableFuture<String> pending = new CompletableFuture<>();

		private final AtomicInteger invocations = new AtomicInteger();

		private final AtomicInteger subscriptions = new AtomicInteger();

		@LeaderOnly
		public CompletableFuture<String> future() {
			this.invocations.incrementAndGet();
			return this.pending;
		}

		@LeaderOnly
		public CompletionStage<String> stage() {
			this.invocations.incrementAndGet();
			return this.pending;
		}

		@LeaderOnly
		public Mono<String> mono() {
			this.invocations.incrementAndGet();
			return Mono.fromCallable(() -> {
				this.subscriptions.incrementAndGet();
				return "mono";
			});
		}

		@LeaderOnly
		public Mono<String> never() {
			this.invocations.incrementAndGet();
			return Mono.never();
		}

		@LeaderOnly
		public Flux<String> flux() {
			this.invocations.incrementAndGet();
			return Flux.just("a", "b");
		}

		public int invocations() {
			return this.invocations.get();
		}

		public int subscriptions() {
			return this.subscriptions.get();
		}

		public void complete(String value) {
			this.pending.complete(value);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClassLevelJobConfiguration {

		@Bean
		ClassLevelJob classLevelJob() {
			return new ClassLevelJob();
		}

	}

	@LeaderOnly
	static class ClassLevelJob {

		private final AtomicInteger invocations = new AtomicInteger();

		public void run() {
			this.invocations.incrementAndGet();
		}

		public String name() {
			this.invocations.incrementAndGet();
			return "class-level";
		}

		void housekeeping() {
			this.invocations.incrementAndGet();
		}

		// Not public, so not @LeaderOnly: a public int method would fail the start.
		int invocations() {
			return this.invocations.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ExportJobConfiguration {

		@Bean
		ExportJob exportJob() {
			return new ExportJob();
		}

	}

	static class ExportJob {

		private final AtomicInteger invocations = new AtomicInteger();

		@LeaderOnly(role = "reports")
		public String export() {
			this.invocations.incrementAndGet();
			return "exported";
		}

		public int invocations() {
			return this.invocations.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimitiveJobConfiguration {

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

}
