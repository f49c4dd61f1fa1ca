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
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.leaderelection.LeaderElectors;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Applies {@link LeaderOnly @LeaderOnly} to Spring beans. Declare it as an infrastructure bean so that it applies
 * also without AspectJ; it reaches the electors lazily, so creating it creates no elector.
 * <p>
 * While proxies are made it checks every {@code @LeaderOnly} method of a bean class and fails with a message naming
 * the method when one cannot be skipped, and it collects the roles they name, so that their elections start with the
 * application.
 *
 * @since 0.1.0
 */
public final class LeaderOnlyAdvisor extends AbstractPointcutAdvisor {

	private final Set<String> roles = ConcurrentHashMap.newKeySet();

	private final Map<Class<?>, Boolean> checkedClasses = new ConcurrentHashMap<>();

	private final LeaderOnlyPointcut pointcut = new LeaderOnlyPointcut();

	private final LeaderOnlyInterceptor interceptor;

	public LeaderOnlyAdvisor(ObjectProvider<LeaderElectors> electors) {
		this(electors, null);
	}

	/**
	 * Creates an advisor that also tells listeners of every skipped call.
	 * @param electors the electors, reached at the first call
	 * @param listeners told of skipped calls; looked up at the first skipped call
	 * @since 0.2.0
	 */
	public LeaderOnlyAdvisor(ObjectProvider<LeaderElectors> electors,
			@Nullable ObjectProvider<LeaderOnlyListener> listeners) {
		Assert.notNull(electors, "'electors' must not be null");
		this.interceptor = new LeaderOnlyInterceptor(electors, listeners);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	/**
	 * Roles named by the {@code @LeaderOnly} methods of the beans proxied so far; empty names are left out.
	 */
	public Set<String> declaredRoles() {
		return Set.copyOf(this.roles);
	}

	static @Nullable LeaderOnly findAnnotation(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		LeaderOnly annotation = AnnotatedElementUtils.findMergedAnnotation(specific, LeaderOnly.class);
		if (annotation != null) {
			return annotation;
		}
		// On a class, the annotation guards the class's own public methods, not equals, hashCode or toString.
		if (Modifier.isPublic(specific.getModifiers()) && !ReflectionUtils.isObjectMethod(specific)
				&& !AopUtils.isEqualsMethod(specific) && !AopUtils.isHashCodeMethod(specific)
				&& !AopUtils.isToStringMethod(specific)) {
			LeaderOnly onClass = AnnotatedElementUtils.findMergedAnnotation(specific.getDeclaringClass(),
					LeaderOnly.class);
			if (onClass != null) {
				return onClass;
			}
		}
		return null;
	}

	private void check(Class<?> targetClass) {
		this.checkedClasses.computeIfAbsent(targetClass, (type) -> {
			ReflectionUtils.doWithMethods(type, (method) -> {
				LeaderOnly annotation = findAnnotation(method, type);
				if (annotation == null) {
					return;
				}
				Class<?> returnType = method.getReturnType();
				if (returnType.isPrimitive() && returnType != void.class) {
					throw new InvalidLeaderOnlyMethodException(method);
				}
				if (!annotation.role().isEmpty()) {
					this.roles.add(annotation.role());
				}
			}, (method) -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class);
			return Boolean.TRUE;
		});
	}

	private final class LeaderOnlyPointcut extends StaticMethodMatcherPointcut {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			Class<?> userClass = ClassUtils.getUserClass(targetClass);
			if (findAnnotation(method, userClass) == null) {
				return false;
			}
			check(userClass);
			return true;
		}

	}

}
