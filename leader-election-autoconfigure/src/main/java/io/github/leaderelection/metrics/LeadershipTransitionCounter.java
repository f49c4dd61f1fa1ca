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

import java.util.Locale;

import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Counts grants and revocations in {@value #TRANSITIONS}, tagged {@code type} ({@code granted} or {@code revoked}),
 * {@code reason} (the {@link io.github.leaderelection.event.RevokeReason} in lower case, or {@code granted}) and,
 * unless turned off, {@code role}. Listens on the {@code leader-election-events} thread.
 *
 * @since 0.2.0
 */
public final class LeadershipTransitionCounter implements ApplicationListener<LeadershipEvent> {

	/**
	 * Name of the counter.
	 */
	public static final String TRANSITIONS = "leader.election.transitions";

	private final MeterRegistry registry;

	private final boolean roleTag;

	/**
	 * Creates a counter.
	 * @param registry where to count
	 * @param roleTag whether to tag the counts with the role
	 */
	public LeadershipTransitionCounter(MeterRegistry registry, boolean roleTag) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.roleTag = roleTag;
	}

	@Override
	public void onApplicationEvent(LeadershipEvent event) {
		String type = (event instanceof OnRevokedEvent) ? "revoked" : "granted";
		String reason = (event instanceof OnRevokedEvent revoked) ? revoked.reason().name().toLowerCase(Locale.ROOT)
				: "granted";
		Counter.Builder counter = Counter.builder(TRANSITIONS)
			.description("Grants and revocations of leadership on this instance")
			.tag("type", type)
			.tag("reason", reason);
		if (this.roleTag) {
			counter.tag(LeadershipGauges.ROLE, event.role());
		}
		counter.register(this.registry).increment();
	}

}
