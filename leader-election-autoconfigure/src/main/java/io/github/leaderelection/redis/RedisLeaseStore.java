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
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * A {@link LeaseStore} on Redis, through Spring Data Redis with Lettuce or Jedis. Each operation is one Lua script
 * (EVALSHA, falling back to EVAL), so it is atomic, and every key of a role shares the hash tag
 * {@code {<key-prefix>:<role>}}, so the scripts also run on Redis Cluster.
 * <p>
 * Keys of role {@code orders} with the default prefix:
 * <table>
 * <caption>Redis keys</caption>
 * <tr><th>key</th><th>type</th><th>TTL</th><th>written by</th></tr>
 * <tr><td>{@code {leader-election:orders}:lock}</td><td>string: leader's instance id</td><td>lease duration</td>
 * <td>acquire, renew, release</td></tr>
 * <tr><td>{@code {leader-election:orders}:info}</td><td>hash: leader info</td><td>lease duration</td>
 * <td>acquire, renew, release</td></tr>
 * <tr><td>{@code {leader-election:orders}:token}</td><td>integer: last fencing token</td><td>none</td>
 * <td>acquire</td></tr>
 * <tr><td>{@code {leader-election:orders}:epoch}</td><td>string: when the data set began</td><td>none</td>
 * <td>acquire</td></tr>
 * <tr><td>{@code {leader-election:orders}:quarantine}</td><td>string</td><td>up to one lease duration</td>
 * <td>acquire, after a loss of data</td></tr>
 * </table>
 * Releases are published on the channel {@code {leader-election:orders}:released}. The token and epoch keys stay
 * on purpose: they are what keeps fencing tokens increasing.
 * <p>
 * A {@link SmartLifecycle} that stops after the electors and before the connection factory, so the release
 * subscription closes while Redis is still reachable.
 *
 * @since 0.1.0
 */
public final class RedisLeaseStore implements LeaseStore, SmartLifecycle {

	/**
	 * Phase of the store's lifecycle: it stops after the electors and before the connection factory (phase 0).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

	static final RedisScript<List> ACQUIRE = script("acquire.lua", List.class);

	static final RedisScript<Long> RENEW = script("renew.lua", Long.class);

	static final RedisScript<Long> RELEASE = script("release.lua", Long.class);

	static final RedisScript<List> LEADER = script("leader.lua", List.class);

	private static final LogAccessor logger = new LogAccessor(RedisLeaseStore.class);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final String target;

	private final ReleaseSubscriber subscriber;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	private volatile boolean running;

	/**
	 * Creates a store on the given connection factory.
	 * @param connectionFactory the connection factory; it must be started before the store is used
	 * @param keyPrefix the first part of every key's hash tag, for example {@code leader-election}
	 * @param resubscribeInterval how long to wait before subscribing again after the release subscription failed
	 */
	public RedisLeaseStore(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.hasText(keyPrefix, "'keyPrefix' must not be empty");
		Assert.isTrue(keyPrefix.chars().noneMatch((c) -> Character.isWhitespace(c) || c == '{' || c == '}'),
				"'keyPrefix' must not contain whitespace or braces");
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keyPrefix = keyPrefix;
		this.target = describe(connectionFactory);
		this.subscriber = new ReleaseSubscriber(connectionFactory, keyPrefix, resubscribeInterval);
	}

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		Keys keys = keys(claim.role());
		Seen seen = this.seen.getOrDefault(claim.role(), Seen.NONE);
		List<?> reply = call(() -> this.redis.execute(ACQUIRE,
				List.of(keys.lock(), keys.token(), keys.info(), keys.epoch(), keys.quarantine()), claim.instanceId(),
				Long.toString(claim.leaseDuration().toMillis()), seen.epoch(), claim.hostname(),
				Long.toString(claim.startedAt().toEpochMilli()), Long.toString(seen.token())));
		Assert.state(reply != null && reply.size() == 3, () -> "Unexpected reply to acquire.lua: " + reply);
		long status = (Long) reply.get(0);
		long value = (Long) reply.get(1);
		String epoch = (String) reply.get(2);
		logger.trace(() -> "acquire.lua %s %s -> %s".formatted(keys.lock(), claim.instanceId(), reply));
		Seen now = (status == 1) ? new Seen(epoch, Math.max(value, seen.token())) : new Seen(epoch, seen.token());
		this.seen.put(claim.role(), now);
		if (status == 1) {
			return Acquisition.granted(value);
		}
		if (status == 2) {
			return Acquisition.quarantined(Duration.ofMillis(value), "");
		}
		return Acquisition.held(Duration.ofMillis(value));
	}

	@Override
	public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		String instanceId = holder.instanceId();
		Keys keys = keys(role);
		Long reply = call(() -> this.redis.execute(RENEW, List.of(keys.lock(), keys.info()), instanceId,
				Long.toString(leaseDuration.toMillis())));
		logger.trace(() -> "renew.lua %s %s -> %s".formatted(keys.lock(), instanceId, reply));
		return reply != null && reply == 1L;
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		String instanceId = holder.instanceId();
		Keys keys = keys(role);
		Long reply = call(() -> this.redis.execute(RELEASE, List.of(keys.lock(), keys.info()), instanceId,
				keys.released()));
		logger.trace(() -> "release.lua %s %s -> %s".formatted(keys.lock(), instanceId, reply));
		return reply != null && reply == 1L;
	}

	@Override
	public Optional<LeaderInfo> currentLeader(String role) {
		Keys keys = keys(role);
		List<?> reply = call(() -> this.redis.execute(LEADER, List.of(keys.lock(), keys.info())));
		if (reply == null || reply.isEmpty()) {
			return Optional.empty();
		}
		String holder = (String) reply.get(0);
		Map<String, String> fields = new HashMap<>();
		for (int i = 1; i + 1 < reply.size(); i += 2) {
			fields.put((String) reply.get(i), (String) reply.get(i + 1));
		}
		if (!holder.equals(fields.get("instanceId"))) {
			// A lease without matching info: written by a foreign client; report what is known.
			Instant unknown = Instant.EPOCH;
			return Optional.of(new LeaderInfo(role, holder, "", unknown, unknown, unknown, 0));
		}
		return Optional.of(new LeaderInfo(role, holder, fields.getOrDefault("hostname", ""),
				instant(fields.get("startedAt")), instant(fields.get("acquiredAt")),
				instant(fields.get("lastRenewedAt")), Long.parseLong(fields.getOrDefault("fencingToken", "0"))));
	}

	@Override
	public Subscription onRelease(String role, Runnable listener) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		return this.subscriber.add(role, listener);
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.subscriber.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Key prefix this store was created with.
	 */
	public String keyPrefix() {
		return this.keyPrefix;
	}

	@Override
	public String toString() {
		return this.target;
	}

	Keys keys(String role) {
		Assert.hasText(role, "'role' must not be empty");
		return new Keys("{" + this.keyPrefix + ":" + role + "}");
	}

	private <T> @Nullable T call(Supplier<@Nullable T> command) {
		try {
			T result = command.get();
			if (this.reachable.compareAndSet(false, true)) {
				logger.info(() -> this.target + " is reachable again");
			}
			return result;
		}
		catch (DataAccessException ex) {
			if (this.reachable.compareAndSet(true, false)) {
				logger.warn(() -> "%s is unreachable, leader election waits for it: %s".formatted(this.target,
						ex.getMessage()));
			}
			throw ex;
		}
	}

	private static Instant instant(@Nullable String epochMillis) {
		return (epochMillis != null) ? Instant.ofEpochMilli(Long.parseLong(epochMillis)) : Instant.EPOCH;
	}

	private static <T> RedisScript<T> script(String name, Class<T> resultType) {
		return RedisScript.of(new ClassPathResource(name, RedisLeaseStore.class), resultType);
	}

	static String describe(RedisConnectionFactory connectionFactory) {
		ClassLoader classLoader = RedisLeaseStore.class.getClassLoader();
		if (ClassUtils.isPresent("io.lettuce.core.RedisClient", classLoader)
				&& connectionFactory instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lettuce) {
			return describe(lettuce.getClusterConfiguration(), lettuce.getSentinelConfiguration(),
					lettuce.getHostName(), lettuce.getPort());
		}
		if (ClassUtils.isPresent("redis.clients.jedis.Jedis", classLoader)
				&& connectionFactory instanceof org.springframework.data.redis.connection.jedis.JedisConnectionFactory jedis) {
			return describe(jedis.getClusterConfiguration(), jedis.getSentinelConfiguration(), jedis.getHostName(),
					jedis.getPort());
		}
		return "Redis (" + connectionFactory.getClass().getSimpleName() + ")";
	}

	private static String describe(@Nullable RedisClusterConfiguration cluster,
			@Nullable RedisSentinelConfiguration sentinel, String host, int port) {
		if (cluster != null) {
			return "Redis Cluster at " + addresses(cluster.getClusterNodes());
		}
		if (sentinel != null) {
			NamedNode master = sentinel.getMaster();
			return "Redis master '%s' through the sentinels at %s".formatted((master != null) ? master.getName() : "?",
					addresses(sentinel.getSentinels()));
		}
		return "Redis at " + host + ":" + port;
	}

	private static String addresses(Collection<RedisNode> nodes) {
		return nodes.stream().map((node) -> node.getHost() + ":" + node.getPort()).collect(Collectors.joining(", "));
	}

	/**
	 * The keys of one role, all under one hash tag.
	 */
	record Keys(String tag) {

		String lock() {
			return this.tag + ":lock";
		}

		String token() {
			return this.tag + ":token";
		}

		String info() {
			return this.tag + ":info";
		}

		String epoch() {
			return this.tag + ":epoch";
		}

		String quarantine() {
			return this.tag + ":quarantine";
		}

		String released() {
			return this.tag + ":released";
		}

	}

	/**
	 * What this instance saw of a role's data: the epoch, to notice a loss, and the highest token, to stay above it.
	 */
	private record Seen(String epoch, long token) {

		static final Seen NONE = new Seen("", 0);

	}

}
