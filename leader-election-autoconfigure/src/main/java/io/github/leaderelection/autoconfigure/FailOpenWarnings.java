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

package io.github.leaderelection.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.leaderelection.autoconfigure.LeaderElectionProperties.RoleProperties;
import io.github.leaderelection.redis.RedisClientTimings;

import org.springframework.core.log.LogAccessor;

/**
 * The WARNs of the start for set-ups whose defaults fail open or may surprise: every instance leads, unrelated
 * applications share a role, a Redis client whose timings outlast the lease, or auto mode choosing Redis over a
 * DataSource.
 */
final class FailOpenWarnings {

	// Under the auto-configuration's name: the category users look for at start.
	private static final LogAccessor logger = new LogAccessor(LeaderElectionAutoConfiguration.class);

	private FailOpenWarnings() {
	}

	static void standaloneInAutoMode() {
		logger.warn("leader.election.mode is auto and the application has no RedisConnectionFactory and no "
				+ "DataSource, so leader election runs standalone: this instance leads every role, and so does every "
				+ "other instance you start. Add spring-boot-starter-data-redis and configure spring.data.redis, or "
				+ "leader-election-spring-boot-starter-jdbc and configure spring.datasource, to elect one leader, or "
				+ "set leader.election.mode=standalone where the application only ever runs once.");
	}

	// Redis wins, as before the JDBC store existed: an upgraded fleet keeps its store through a rolling deploy.
	static void redisChosenOverDataSource() {
		logger.warn("leader.election.mode is auto and the application has both a RedisConnectionFactory and a "
				+ "DataSource: leases live in Redis, as in versions without the JDBC store. Set "
				+ "leader.election.mode=redis to keep them there and silence this warning, or leader.election.mode=jdbc "
				+ "to keep them in a table of the DataSource; instances on different stores each elect a leader of "
				+ "their own, so switch every instance at once, not in a rolling deploy.");
	}

	static void defaultRoleWithoutApplicationName() {
		logger.warn("Neither spring.application.name nor leader.election.role is set, so @LeaderOnly methods that "
				+ "name no role elect the role 'default': any other application on the same store (Redis or lease "
				+ "table) that sets neither competes for it, and only one of them runs its leader-only work. Set spring.application.name (or "
				+ "leader.election.role), for example billing.");
	}

	static void redisClient(LeaderElectionProperties properties, RedisClientTimings timings) {
		Lease shortest = shortestLease(properties);
		Duration timeout = timings.commandTimeout();
		if (timeout.compareTo(shortest.duration()) >= 0) {
			Duration example = atMost(Duration.ofSeconds(1), shortest.duration().dividedBy(4));
			logger.warn(() -> ("The Redis command timeout (%s) is not below %s (%s): a renewal that gets no reply "
					+ "fails only when the lease has run out, too late to retry it, and the leader revokes itself. Set "
					+ "spring.data.redis.timeout (or the command timeout of your RedisConnectionFactory) below every "
					+ "lease, for example %s.")
				.formatted(LeaderElectionProperties.print(timeout), shortest.property(),
						LeaderElectionProperties.print(shortest.duration()),
						LeaderElectionProperties.print(example)));
		}
		Duration reconnect = timings.longestReconnectDelay();
		if (reconnect != null && reconnect.compareTo(shortest.duration()) > 0) {
			logger.warn(() -> ("Lettuce waits up to %s between two attempts to reconnect to Redis, longer than %s "
					+ "(%s): after an outage the election may resume only that long after Redis is back. Shorten the "
					+ "back-off with a ClientResourcesBuilderCustomizer bean, for example (builder) -> "
					+ "builder.reconnectDelay(Delay.exponential(Duration.ofMillis(100), %s, 2, "
					+ "TimeUnit.MILLISECONDS)), as the README shows under \"Redis unreachable\".")
				.formatted(LeaderElectionProperties.print(reconnect), shortest.property(),
						LeaderElectionProperties.print(shortest.duration()),
						code(atMost(Duration.ofSeconds(2), shortest.duration().dividedBy(2)))));
		}
	}

	private static Duration atMost(Duration limit, Duration value) {
		Duration millis = Duration.ofMillis(Math.max(1, value.toMillis()));
		return (millis.compareTo(limit) < 0) ? millis : limit;
	}

	// A duration as Java code writes it, for an example to paste.
	private static String code(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? "Duration.ofSeconds(%d)".formatted(duration.toSeconds())
				: "Duration.ofMillis(%d)".formatted(duration.toMillis());
	}

	// The global lease serves every role without one of its own, which code may ask for at any time.
	private static Lease shortestLease(LeaderElectionProperties properties) {
		Lease shortest = new Lease("leader.election.lease-duration", properties.getLeaseDuration());
		for (Map.Entry<String, RoleProperties> role : properties.getRoles().entrySet()) {
			Duration duration = role.getValue().getLeaseDuration();
			if (duration != null && duration.compareTo(shortest.duration()) < 0) {
				shortest = new Lease(LeaderElectionProperties.rolePrefix(role.getKey()) + "lease-duration", duration);
			}
		}
		return shortest;
	}

	private record Lease(String property, Duration duration) {

	}

}
