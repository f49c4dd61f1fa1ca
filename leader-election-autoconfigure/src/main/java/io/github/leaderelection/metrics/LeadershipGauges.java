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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

import org.springframework.util.Assert;

/**
 * Gauges of who leads: {@value #LEADER} (1 or 0) and {@value #LEASE_REMAINING} (the time the lease has left, 0 when
 * not leading), one of each per role, including roles whose electors are created later. Without the role tag, one
 * of each for all roles: the number of roles led, and the shortest time left among them.
 * <p>
 * Gauges are read when the registry is scraped, on the scraping thread; reading does no I/O.
 *
 * @since 0.2.0
 */
public final class LeadershipGauges {

	/**
	 * Name of the gauge of leadership: 1 while this instance leads the role, else 0.
	 */
	public static final String LEADER = "leader.election.leader";

	/**
	 * Name of the gauge of the time the lease has left, in the registry's base time unit.
	 */
	public static final String LEASE_REMAINING = "leader.election.lease.remaining";

	/**
	 * Name of the role tag.
	 */
	public static final String ROLE = "role";

	private final LeaderElectors electors;

	private final boolean roleTag;

	/**
	 * Creates the gauges of an application's electors.
	 * @param electors the electors, now and later
	 * @param roleTag whether each role has its own gauges, tagged with its name
	 */
	public LeadershipGauges(LeaderElectors electors, boolean roleTag) {
		Assert.notNull(electors, "'electors' must not be null");
		this.electors = electors;
		this.roleTag = roleTag;
	}

	/**
	 * Registers the gauges.
	 * @param registry where to register them
	 */
	public void bindTo(MeterRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		if (this.roleTag) {
			this.electors.onCreated((elector) -> bindTo(registry, elector));
			return;
		}
		Gauge.builder(LEADER, this.electors, LeadershipGauges::rolesLed)
			.description("Number of roles this instance leads")
			.register(registry);
		TimeGauge.builder(LEASE_REMAINING, this.electors, TimeUnit.NANOSECONDS, LeadershipGauges::shortestLease)
			.description("Shortest time left on a lease this instance holds, 0 when it leads no role")
			.register(registry);
	}

	private static void bindTo(MeterRegistry registry, LeaderElector elector) {
		Gauge.builder(LEADER, elector, (leader) -> leader.isLeader() ? 1 : 0)
			.tag(ROLE, elector.role())
			.description("Whether this instance leads the role: 1 or 0")
			.strongReference(true)
			.register(registry);
		if (elector instanceof LeaseLeaderElector lease) {
			TimeGauge.builder(LEASE_REMAINING, lease, TimeUnit.NANOSECONDS, LeadershipGauges::remainingNanos)
				.tag(ROLE, elector.role())
				.description("Time left on this instance's lease of the role, 0 when it does not lead")
				.strongReference(true)
				.register(registry);
		}
	}

	private static double rolesLed(LeaderElectors electors) {
		int led = 0;
		for (LeaderElector elector : electors.electors()) {
			if (elector.isLeader()) {
				led++;
			}
		}
		return led;
	}

	private static double shortestLease(LeaderElectors electors) {
		double shortest = Double.POSITIVE_INFINITY;
		for (LeaderElector elector : electors.electors()) {
			if (elector instanceof LeaseLeaderElector lease) {
				double remaining = remainingNanos(lease);
				if (remaining > 0) {
					shortest = Math.min(shortest, remaining);
				}
			}
		}
		return (shortest == Double.POSITIVE_INFINITY) ? 0 : shortest;
	}

	private static double remainingNanos(LeaseLeaderElector elector) {
		return elector.remainingLease().map(Duration::toNanos).orElse(0L);
	}

}
