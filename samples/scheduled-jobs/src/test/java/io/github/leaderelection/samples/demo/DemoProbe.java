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


package io.github.leaderelection.samples.demo;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.annotation.LeaderOnly;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Reports, on standard output, what the failover demo measures: each grant and revoke, and each run of a
 * {@code @LeaderOnly @Scheduled} job with its fencing token and its start and end by {@link System#nanoTime()}, which
 * on Linux is {@code CLOCK_MONOTONIC} and compares across the processes of one machine. One line each, starting with
 * {@value #PREFIX}. Not a {@code @Configuration}, so that component scanning never picks it up: {@link DemoInstance}
 * names it.
 */
final class DemoProbe {

	static final String PREFIX = "@@demo ";

	@Bean
	static JobProbe demoJobProbe(ObjectProvider<LeaderElectors> electors) {
		return new JobProbe(electors);
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		report("granted", event.role(), event.instanceId(), event.fencingToken(), System.nanoTime());
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		report("revoked", event.role(), event.instanceId(), event.fencingToken(), event.reason(), System.nanoTime());
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		LeaderElectors electors = event.getApplicationContext().getBean(LeaderElectors.class);
		report("ready", electors.defaultElector().instanceId(), System.nanoTime());
	}

	static void report(Object... fields) {
		System.out.println(PREFIX + Arrays.stream(fields).map(String::valueOf).collect(Collectors.joining(" ")));
	}

	/**
	 * Adds a measuring advisor to the proxies of beans with {@code @Scheduled} methods. The {@code @LeaderOnly} proxy
	 * exists by then, and the advisor goes after its advisor, so it measures only the runs that {@code @LeaderOnly}
	 * let through.
	 */
	static final class JobProbe extends AbstractBeanFactoryAwareAdvisingPostProcessor {

		JobProbe(ObjectProvider<LeaderElectors> electors) {
			MethodInterceptor measure = (invocation) -> measure(invocation, electors.getObject());
			this.advisor = new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(Scheduled.class),
					measure);
			setBeforeExistingAdvisors(false);
		}

		private static @Nullable Object measure(MethodInvocation invocation, LeaderElectors electors)
				throws Throwable {
			LeaderOnly leaderOnly = AnnotatedElementUtils.findMergedAnnotation(invocation.getMethod(), LeaderOnly.class);
			String role = (leaderOnly != null && !leaderOnly.role().isEmpty()) ? leaderOnly.role()
					: electors.defaultRole();
			LeaderElector elector = electors.forRole(role);
			long token = elector.leadership().map(Leadership::fencingToken).orElse(0L);
			long start = System.nanoTime();
			try {
				return invocation.proceed();
			}
			finally {
				report("job", role, elector.instanceId(), token, start, System.nanoTime());
			}
		}

	}

}
