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

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.MethodClassKey;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.ClassUtils;

/**
 * Proceeds with a {@link LeaderOnly @LeaderOnly} call only on the leader of its role.
 */
final class LeaderOnlyInterceptor implements MethodInterceptor {

	private static final LogAccessor logger = new LogAccessor(LeaderOnlyInterceptor.class);

	private final ObjectProvider<LeaderElectors> electorsProvider;

	private final Map<MethodClassKey, String> roles = new ConcurrentHashMap<>();

	private volatile @Nullable LeaderElectors electors;

	LeaderOnlyInterceptor(ObjectProvider<LeaderElectors> electors) {
		this.electorsProvider = electors;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		LeaderElectors electors = electors();
		LeaderElector elector = electors.forRole(role(invocation, electors));
		if (elector.isLeader()) {
			return invocation.proceed();
		}
		logger.debug(() -> "Skipped %s.%s: not the leader of '%s'".formatted(method.getDeclaringClass().getSimpleName(),
				method.getName(), elector.role()));
		return (method.getReturnType() == Optional.class) ? Optional.empty() : null;
	}

	private String role(MethodInvocation invocation, LeaderElectors electors) {
		// Keyed by the target class too: with interface-based proxies two beans share the interface method.
		Object target = invocation.getThis();
		Class<?> targetClass = ClassUtils.getUserClass(
				(target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass());
		return this.roles.computeIfAbsent(new MethodClassKey(invocation.getMethod(), targetClass), (key) -> {
			LeaderOnly annotation = LeaderOnlyAdvisor.findAnnotation(invocation.getMethod(), targetClass);
			return (annotation != null && !annotation.role().isEmpty()) ? annotation.role() : electors.defaultRole();
		});
	}

	private LeaderElectors electors() {
		LeaderElectors electors = this.electors;
		if (electors == null) {
			electors = this.electorsProvider.getObject();
			this.electors = electors;
		}
		return electors;
	}

}
