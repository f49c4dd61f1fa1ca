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
 * Told of every {@link LeaderOnly @LeaderOnly} call skipped because this instance does not lead its role, for
 * example to count them. Beans of this type are found by the {@link LeaderOnlyAdvisor}.
 * <p>
 * Called on the thread of the skipped call, before it returns (for a returned {@code Mono} or {@code Flux} that is
 * skipped when subscribed, on the subscribing thread), so an implementation must be quick, thread-safe and should
 * not allocate: it runs on every follower's every scheduled run.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface LeaderOnlyListener {

	/**
	 * A call was skipped.
	 * @param role the role of the method
	 * @param method the {@code @LeaderOnly} method
	 */
	void skipped(String role, Method method);

}
