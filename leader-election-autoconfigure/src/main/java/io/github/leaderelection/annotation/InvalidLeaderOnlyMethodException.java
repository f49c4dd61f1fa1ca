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

/**
 * A {@link LeaderOnly @LeaderOnly} method that cannot be skipped on a follower: it returns a primitive value.
 *
 * @since 0.1.0
 */
public final class InvalidLeaderOnlyMethodException extends IllegalStateException {

	private final Method method;

	InvalidLeaderOnlyMethodException(Method method) {
		super("@LeaderOnly method %s.%s returns %s, which a follower cannot skip: return void, a wrapper type such as %s, or an Optional"
			.formatted(method.getDeclaringClass().getName(), method.getName(), method.getReturnType().getName(),
					wrapper(method.getReturnType())));
		this.method = method;
	}

	/**
	 * The offending method.
	 */
	public Method method() {
		return this.method;
	}

	private static String wrapper(Class<?> primitive) {
		return org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(primitive).getSimpleName();
	}

}
