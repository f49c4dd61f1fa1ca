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


package io.github.leaderelection.metrics;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.leaderelection.annotation.LeaderOnlyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Counts the {@code @LeaderOnly} calls skipped on this instance because it does not lead their role, in
 * {@value #SKIPPED}, tagged {@code role} unless turned off. Called on the thread of each skipped call; once a role's
 * counter exists, a skip costs a map lookup and an increment.
 *
 * @since 0.2.0
 */
public final class LeaderOnlySkipCounter implements LeaderOnlyListener {

	/**
	 * Name of the counter.
	 */
	public static final String SKIPPED = "leader.election.skipped";

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	// Without the role tag; registered only then, since one name must carry one set of tag keys.
	private final @Nullable Counter allRoles;

	/**
	 * Creates a counter.
	 * @param registry where to count
	 * @param roleTag whether to count per role, tagged with its name
	 */
	public LeaderOnlySkipCounter(MeterRegistry registry, boolean roleTag) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.allRoles = roleTag ? null : builder().register(registry);
	}

	@Override
	public void skipped(String role, Method method) {
		Counter allRoles = this.allRoles;
		if (allRoles != null) {
			allRoles.increment();
			return;
		}
		Counter counter = this.counters.get(role);
		if (counter == null) {
			counter = this.counters.computeIfAbsent(role,
					(name) -> builder().tag(LeadershipGauges.ROLE, name).register(this.registry));
		}
		counter.increment();
	}

	private static Counter.Builder builder() {
		return Counter.builder(SKIPPED).description("@LeaderOnly calls skipped because this instance does not lead");
	}

}
