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


package io.github.leaderelection.benchmarks.jmh;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.test.RedisServer;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

/**
 * The cost of {@code @LeaderOnly} and of {@link LeaderElector#isLeader()} on the real engine: two application
 * contexts in the benchmark's JVM elect one role on a private Redis, one leads and one follows, and each calls the
 * same method with and without the annotation. The baseline is that method on a plain object, as an application
 * without the annotation has it; {@code unannotatedOnProxy} is the method without the annotation on the proxied
 * bean, and {@code passThroughAdvice} the method with an advice that only proceeds: what any Spring AOP advice
 * (such as {@code @Transactional}'s) costs before it does anything.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LeaderOnlyBenchmark {

	private final Jobs plain = new Jobs();

	private @Nullable RedisServer redis;

	private @Nullable ConfigurableApplicationContext leaderContext;

	private @Nullable ConfigurableApplicationContext followerContext;

	@SuppressWarnings("NullAway.Init")
	private Jobs onLeader;

	@SuppressWarnings("NullAway.Init")
	private Jobs onFollower;

	@SuppressWarnings("NullAway.Init")
	private LeaderElector leader;

	@SuppressWarnings("NullAway.Init")
	private LeaderElector follower;

	@Setup(Level.Trial)
	public void start() {
		RedisServer redis = RedisServer.start();
		this.redis = redis;
		ConfigurableApplicationContext leaderContext = context(redis);
		this.leaderContext = leaderContext;
		this.leader = leaderContext.getBean(LeaderElector.class);
		await(this.leader::isLeader, "the first context to lead");
		ConfigurableApplicationContext followerContext = context(redis);
		this.followerContext = followerContext;
		this.follower = followerContext.getBean(LeaderElector.class);
		await(() -> this.follower.currentLeader().isPresent(), "the second context to see the leader");
		this.onLeader = leaderContext.getBean(Jobs.class);
		this.onFollower = followerContext.getBean(Jobs.class);
		if (!this.leader.isLeader() || this.follower.isLeader()) {
			throw new IllegalStateException("Expected one leader and one follower");
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.followerContext != null) {
			this.followerContext.close();
		}
		if (this.leaderContext != null) {
			this.leaderContext.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Benchmark
	public void baseline() {
		this.plain.unannotated();
	}

	@Benchmark
	public void unannotatedOnProxy() {
		this.onLeader.unannotated();
	}

	@Benchmark
	public void passThroughAdvice() {
		this.onLeader.passThrough();
	}

	@Benchmark
	public void leaderOnlyOnLeader() {
		this.onLeader.annotated();
	}

	@Benchmark
	public void leaderOnlyOnFollower() {
		this.onFollower.annotated();
	}

	@Benchmark
	public boolean isLeaderOnLeader() {
		return this.leader.isLeader();
	}

	@Benchmark
	public boolean isLeaderOnFollower() {
		return this.follower.isLeader();
	}

	private static ConfigurableApplicationContext context(RedisServer redis) {
		return new SpringApplicationBuilder(JmhApplication.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"leader.election.role=jmh", "leader.election.redis.quarantine-new-server=false",
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
					"spring.main.banner-mode=off", "logging.level.root=warn")
			.run();
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Timed out waiting for " + what);
			}
			LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
		}
	}

	/**
	 * The application of each context: the starter, one bean with the three methods, and an advisor whose advice
	 * only proceeds, on the methods annotated {@link PassThrough}.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class JmhApplication {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

		// Infrastructure, as the starter's advisor, so that it applies without AspectJ too.
		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static DefaultPointcutAdvisor passThroughAdvisor() {
			MethodInterceptor proceed = MethodInvocation::proceed;
			return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(PassThrough.class),
					proceed);
		}

	}

	/**
	 * Marks the method that {@link JmhApplication#passThroughAdvisor()} advises.
	 */
	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	public @interface PassThrough {

	}

	/**
	 * One method with {@code @LeaderOnly}, one without, one with an advice that only proceeds; all do the same
	 * trivial work.
	 */
	public static class Jobs {

		private long runs;

		@PassThrough
		public void passThrough() {
			this.runs++;
		}

		@LeaderOnly
		public void annotated() {
			this.runs++;
		}

		public void unannotated() {
			this.runs++;
		}

	}

}
