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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import redis.clients.jedis.JedisPoolConfig;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * The {@link RedisLeaseStore}s of one test, each standing for one process, stopped together after it; and what tests
 * read from the server directly. The first store of a test waits until the server has run for the longest lease the
 * test claims: before that, acquire.lua quarantines every role it meets for the first time.
 */
final class RedisLeaseStores {

	static final String KEY_PREFIX = "leader-election";

	static final Duration RESUBSCRIBE_INTERVAL = Duration.ofMillis(200);

	private static final Pattern UPTIME = Pattern.compile("uptime_in_seconds:(\\d+)");

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private final RedisServerExtension redis;

	private final Supplier<RedisConnectionFactory> connectionFactory;

	private final Duration longestLease;

	private final List<RedisLeaseStore> stores = new ArrayList<>();

	private boolean serverOldEnough;

	RedisLeaseStores(RedisServerExtension redis, Supplier<RedisConnectionFactory> connectionFactory,
			Duration longestLease) {
		this.redis = redis;
		this.connectionFactory = connectionFactory;
		this.longestLease = longestLease;
	}

	RedisServer server() {
		return this.redis.server();
	}

	/**
	 * How the stores name the server in their log messages.
	 */
	String target() {
		return "Redis at " + this.redis.host() + ":" + this.redis.port();
	}

	RedisLeaseStore create() {
		return create(KEY_PREFIX);
	}

	RedisLeaseStore create(String keyPrefix) {
		return create(keyPrefix, RedisLeaseStore.Options.DEFAULTS);
	}

	RedisLeaseStore create(RedisLeaseStore.Options options) {
		return create(KEY_PREFIX, options);
	}

	RedisLeaseStore create(String keyPrefix, RedisLeaseStore.Options options) {
		if (!this.serverOldEnough) {
			awaitUptime(server(), this.longestLease);
			this.serverOldEnough = true;
		}
		RedisLeaseStore store = new RedisLeaseStore(this.connectionFactory.get(), keyPrefix, RESUBSCRIBE_INTERVAL,
				options);
		store.start();
		this.stores.add(store);
		return store;
	}

	void stopAll() {
		this.stores.forEach(RedisLeaseStore::stop);
		this.stores.clear();
	}

	/**
	 * A started Lettuce connection factory for {@code server} with the short timeouts of
	 * {@link RedisServerExtension#connectionFactory()}; the caller destroys it.
	 */
	static LettuceConnectionFactory lettuce(RedisServer server) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(COMMAND_TIMEOUT)
			.shutdownTimeout(Duration.ZERO)
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * A started, pooled Jedis connection factory for {@code server} with the short timeouts of
	 * {@link RedisServerExtension#jedisConnectionFactory()}; the caller destroys it.
	 */
	static JedisConnectionFactory jedis(RedisServer server) {
		JedisPoolConfig pool = new JedisPoolConfig();
		pool.setTestOnBorrow(true);
		JedisClientConfiguration client = JedisClientConfiguration.builder()
			.connectTimeout(CONNECT_TIMEOUT)
			.readTimeout(COMMAND_TIMEOUT)
			.usePooling()
			.poolConfig(pool)
			.build();
		JedisConnectionFactory factory = new JedisConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()), client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Waits until the server has run for at least {@code lease}: before that, acquire.lua quarantines every role it
	 * meets for the first time, since a lease may have been lost in a restart.
	 */
	static void awaitUptime(RedisServer server, Duration lease) {
		await().atMost(lease.plusSeconds(10))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> uptime(server).compareTo(lease) >= 0);
	}

	static Duration uptime(RedisServer server) {
		Matcher matcher = UPTIME.matcher(server.command("INFO", "server"));
		if (!matcher.find()) {
			throw new IllegalStateException("No uptime in INFO server of " + server);
		}
		return Duration.ofSeconds(Long.parseLong(matcher.group(1)));
	}

	/**
	 * Names of all keys, read with {@code KEYS *}.
	 */
	static List<String> keys(RedisServer server) {
		return bulkStrings(server.command("KEYS", "*"));
	}

	/**
	 * Number of distinct patterns that clients subscribe to, read with {@code PUBSUB NUMPAT}.
	 */
	static long subscribedPatterns(RedisServer server) {
		return Long.parseLong(server.command("PUBSUB", "NUMPAT").substring(1));
	}

	/**
	 * Number of subscribers of one channel, read with {@code PUBSUB NUMSUB}.
	 */
	static long channelSubscribers(RedisServer server, String channel) {
		List<String> lines = Arrays.asList(server.command("PUBSUB", "NUMSUB", channel).split("\n"));
		return Long.parseLong(lines.get(lines.size() - 1).substring(1));
	}

	/**
	 * Remaining time to live of a key in milliseconds, read with {@code PTTL}: {@code -1} when it has none,
	 * {@code -2} when the key does not exist.
	 */
	static long pttl(RedisServer server, String key) {
		return Long.parseLong(server.command("PTTL", key).substring(1));
	}

	// A RESP array of bulk strings comes as "*n", then "$length" and the value for each element.
	private static List<String> bulkStrings(String reply) {
		String[] lines = reply.split("\n");
		List<String> values = new ArrayList<>();
		for (int i = 2; i < lines.length; i += 2) {
			values.add(lines[i]);
		}
		return values;
	}

}
