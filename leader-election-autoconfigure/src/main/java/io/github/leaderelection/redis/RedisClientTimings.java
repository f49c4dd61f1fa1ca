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

package io.github.leaderelection.redis;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * The timings of a Lettuce or Jedis client that decide how fast an elector notices an outage and how fast it resumes
 * after one: its command timeout and, for Lettuce, the longest wait between two attempts to reconnect.
 *
 * @param commandTimeout how long the client waits for a reply before it fails the command
 * @param longestReconnectDelay the longest wait between two attempts to reconnect a dropped connection, for clients
 * that reconnect on a schedule of their own; {@code null} for clients that connect again on the next command
 * @since 0.2.0
 */
public record RedisClientTimings(Duration commandTimeout, @Nullable Duration longestReconnectDelay) {

	// Exponential delays double at each attempt: by the 40th any realistic bound is reached.
	private static final int RECONNECT_ATTEMPTS_SAMPLED = 40;

	/**
	 * The timings of the client behind a connection factory.
	 * @param connectionFactory the connection factory
	 * @return the timings, or empty for a connection factory of neither Lettuce nor Jedis
	 */
	public static Optional<RedisClientTimings> of(RedisConnectionFactory connectionFactory) {
		ClassLoader classLoader = RedisClientTimings.class.getClassLoader();
		if (ClassUtils.isPresent("io.lettuce.core.RedisClient", classLoader)
				&& connectionFactory instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lettuce) {
			return Optional.of(Lettuce.timings(lettuce));
		}
		if (ClassUtils.isPresent("redis.clients.jedis.Jedis", classLoader)
				&& connectionFactory instanceof org.springframework.data.redis.connection.jedis.JedisConnectionFactory jedis) {
			// Jedis has no reconnection of its own: the next command opens a new connection.
			return Optional.of(new RedisClientTimings(Duration.ofMillis(jedis.getTimeout()), null));
		}
		return Optional.empty();
	}

	/**
	 * Lettuce's types, loaded only when Lettuce is on the classpath.
	 */
	private static final class Lettuce {

		static RedisClientTimings timings(
				org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory connectionFactory) {
			// Without client resources of its own, the factory creates Lettuce's defaults.
			io.lettuce.core.resource.Delay delay = connectionFactory.getClientConfiguration()
				.getClientResources()
				.map(io.lettuce.core.resource.ClientResources::reconnectDelay)
				.orElseGet(io.lettuce.core.resource.Delay::exponential);
			Duration longest = Duration.ZERO;
			for (long attempt = 1; attempt <= RECONNECT_ATTEMPTS_SAMPLED; attempt++) {
				Duration next = delay.createDelay(attempt);
				if (next.compareTo(longest) > 0) {
					longest = next;
				}
			}
			return new RedisClientTimings(connectionFactory.getClientConfiguration().getCommandTimeout(), longest);
		}

	}

}
