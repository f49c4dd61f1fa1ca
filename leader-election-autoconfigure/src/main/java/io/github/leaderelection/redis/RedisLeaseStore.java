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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.PartialRenewalException;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.NamedNode;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.RedisCallback;
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
 * <tr><td>{@code {leader-election:orders}:lock}</td><td>string: the holder's instance id and nonce, separated by a
 * space</td><td>lease duration</td><td>acquire, renew, release</td></tr>
 * <tr><td>{@code {leader-election:orders}:token}</td><td>integer: last fencing token</td><td>none</td>
 * <td>acquire, renew (after a loss)</td></tr>
 * <tr><td>{@code {leader-election:orders}:state}</td><td>hash: stamp of the server that wrote it last
 * ({@code run_id} and {@code master_replid}), the holder and its expiry, a quarantine with its reason, the leader
 * info</td><td>none</td><td>acquire, renew, release</td></tr>
 * </table>
 * Releases are published on the channel {@code {leader-election:orders}:released}. The token and state keys stay on
 * purpose: they are what keeps fencing tokens increasing and reveals a loss. Since they have no TTL, no
 * {@code volatile-*} eviction policy evicts them; an {@code allkeys-*} policy with {@code maxmemory} set could, so
 * the store then refuses to start, and refuses every claim ({@link Acquisition.Outcome#MISCONFIGURED}).
 * <p>
 * A claim is quarantined for one full lease after any sign that the role's data was lost or rolled back: the state
 * is missing though this instance saw it, or was written by another server (a restart, a promoted replica); the
 * lock is missing before the expiry the state records (evicted or deleted); the counter is below a token this
 * instance has seen. The token counter then restarts above itself, Redis's clock in microseconds and every token this
 * instance has seen. Refusals carry the counter, so every instance learns the highest token.
 * <p>
 * {@link #renewAll(List)} sends up to {@value #MAX_RENEWALS_PER_CALL} renewals as one script call (renew-all.lua),
 * which renews each role exactly as renew.lua would; on Redis Cluster one call per hash slot, since the keys of one
 * call must share a slot and those of different roles do not.
 * <p>
 * With {@link Options#replicas()} above zero, a grant or renewal counts only once that many replicas acknowledged
 * it ({@code WAIT}, once for all the renewals of one {@link #renewAll(List)}); they then run on a connection of
 * their own, so that {@code WAIT} never blocks a connection that the application shares.
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

	static final RedisScript<List> ACQUIRE = script(List.class, "common.lua", "acquire.lua");

	static final RedisScript<List> RENEW = script(List.class, "common.lua", "renew.lua");

	static final RedisScript<List> RENEW_ALL = script(List.class, "common.lua", "renew-all.lua");

	static final RedisScript<List> RELEASE = script(List.class, "common.lua", "release.lua");

	static final RedisScript<List> LEADER = script(List.class, "leader.lua");

	static final long HELD = 0;

	static final long GRANTED = 1;

	static final long QUARANTINED = 2;

	static final long DUPLICATE = 3;

	static final long MISCONFIGURED = 4;

	/**
	 * Most renewals one call of renew-all.lua takes; more go as several calls. A script holds up every other
	 * client of the server while it runs, some 20 microseconds per role on an idle 2-core machine (and several
	 * times that on a busy one; RedisRenewAllScriptTests prints it): this keeps a call to about 10 ms there, while
	 * the round trip of a further call costs little beside it.
	 */
	static final int MAX_RENEWALS_PER_CALL = 500;

	/**
	 * How long {@link #start()} waits for Redis to tell its eviction policy; a Redis that does not answer in time
	 * is checked by every claim instead.
	 */
	private static final long STARTUP_CHECK_TIMEOUT_MILLIS = 2000;

	/**
	 * How often a WARN reminds that Redis is still unreachable, while the electors keep trying.
	 */
	static final Duration OUTAGE_REMINDER_INTERVAL = Duration.ofMinutes(1);

	private static final String SKIP_NEW_SERVER_QUARANTINE = "set leader.election.redis.quarantine-new-server=false where no earlier leader can exist, such as tests";

	private static final LogAccessor logger = new LogAccessor(RedisLeaseStore.class);

	private final RedisConnectionFactory connectionFactory;

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final Options options;

	private final String target;

	private final ReleaseSubscriber subscriber;

	// Whether renewAll groups renewals by hash slot: on Redis Cluster, and with a connection factory of unknown
	// kind, where it may be one.
	private final boolean bySlot;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	// The lease duration of each role's last claim or renewal here, in milliseconds: a release that finds a loss
	// quarantines the role for as long.
	private final Map<String, Long> leases = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	// When the current outage began and when it was last reported, on System.nanoTime(). Under the outage monitor.
	private final Object outage = new Object();

	private long unreachableSinceNanos;

	private long reportedAtNanos;

	private volatile long reminderIntervalNanos = OUTAGE_REMINDER_INTERVAL.toNanos();

	private final AtomicBoolean acknowledged = new AtomicBoolean(true);

	private volatile boolean running;

	/**
	 * Creates a store on the given connection factory with the {@link Options#DEFAULTS default options}.
	 * @param connectionFactory the connection factory; it must be started before the store is used
	 * @param keyPrefix the first part of every key's hash tag, for example {@code leader-election}
	 * @param resubscribeInterval how long to wait before subscribing again after the release subscription failed
	 */
	public RedisLeaseStore(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval) {
		this(connectionFactory, keyPrefix, resubscribeInterval, Options.DEFAULTS);
	}

	/**
	 * Creates a store on the given connection factory.
	 * @param connectionFactory the connection factory; it must be started before the store is used
	 * @param keyPrefix the first part of every key's hash tag, for example {@code leader-election}
	 * @param resubscribeInterval how long to wait before subscribing again after the release subscription failed
	 * @param options what the store checks beyond what it always does
	 * @throws IllegalArgumentException when {@code options} ask for replicas on Redis Cluster, or for a replica
	 * timeout that is not below the client's command timeout
	 */
	public RedisLeaseStore(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval,
			Options options) {
		Assert.notNull(connectionFactory, "'connectionFactory' must not be null");
		Assert.hasText(keyPrefix, "'keyPrefix' must not be empty");
		Assert.isTrue(keyPrefix.chars().noneMatch((c) -> Character.isWhitespace(c) || c == '{' || c == '}'),
				"'keyPrefix' must not contain whitespace or braces");
		Assert.notNull(options, "'options' must not be null");
		Client client = Client.of(connectionFactory);
		if (options.replicas() > 0 && client != null) {
			Assert.isTrue(client.cluster() == null,
					"Waiting for replicas is not supported on Redis Cluster: set 'replicas' to 0");
			Assert.isTrue(options.replicaTimeout().compareTo(client.commandTimeout()) < 0,
					() -> ("'replicaTimeout' (%s) must be below the command timeout of the Redis client (%s, "
							+ "spring.data.redis.timeout): WAIT would fail as a timed-out command")
						.formatted(format(options.replicaTimeout()), format(client.commandTimeout())));
		}
		this.connectionFactory = connectionFactory;
		this.redis = new StringRedisTemplate(connectionFactory);
		this.keyPrefix = keyPrefix;
		this.options = options;
		this.target = describe(connectionFactory);
		this.bySlot = client == null || client.cluster() != null;
		this.subscriber = new ReleaseSubscriber(connectionFactory, keyPrefix, resubscribeInterval);
	}

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		String role = claim.role();
		Keys keys = keys(role);
		Seen seen = this.seen.getOrDefault(role, Seen.NONE);
		Duration lease = claim.leaseDuration();
		String holder = encode(claim.holder());
		this.leases.put(role, lease.toMillis());
		// Remembered before waiting for replicas: a grant that does not count still took a token.
		List<?> raw = call(() -> execute(ACQUIRE, List.of(keys.lock(), keys.token(), keys.state()),
				List.of(holder, Long.toString(lease.toMillis()), seen.stamp(), Long.toString(seen.token()),
						claim.hostname(), Long.toString(claim.startedAt().toEpochMilli()),
						this.options.quarantineNewServer() ? "1" : "0"),
				(granted) -> remember(role, granted) == GRANTED, "grant", role));
		logger.trace(() -> "acquire.lua %s %s -> %s".formatted(keys.lock(), holder, raw));
		List<?> reply = acquireReply(raw);
		long status = remember(role, reply);
		long value = (Long) reply.get(1);
		String reason = (String) reply.get(4);
		long detail = (Long) reply.get(5);
		if (status == GRANTED) {
			return Acquisition.granted(value);
		}
		if (status == QUARANTINED) {
			return Acquisition.quarantined(Duration.ofMillis(value), quarantineReason(reason, role, detail));
		}
		if (status == MISCONFIGURED) {
			return Acquisition.misconfigured(lease, UnsafeEvictionPolicyException.message(this.target, reason, detail));
		}
		if (status == DUPLICATE) {
			return Acquisition.duplicate(Duration.ofMillis(value));
		}
		// The holder's instance id, since 0.2.0; a script of an older version replies with an empty one.
		return reason.isEmpty() ? Acquisition.held(Duration.ofMillis(value))
				: Acquisition.held(Duration.ofMillis(value), reason);
	}

	@Override
	public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		Keys keys = keys(role);
		String encoded = encode(holder);
		long seenToken = this.seen.getOrDefault(role, Seen.NONE).token();
		this.leases.put(role, leaseDuration.toMillis());
		List<?> reply = call(() -> execute(RENEW, List.of(keys.lock(), keys.token(), keys.state()),
				List.of(encoded, Long.toString(leaseDuration.toMillis()), Long.toString(seenToken)),
				(renewed) -> renewed != null && Long.valueOf(1).equals(renewed.get(0)), "renewal", role));
		logger.trace(() -> "renew.lua %s %s -> %s".formatted(keys.lock(), encoded, reply));
		Assert.state(reply != null && reply.size() == 2, () -> "Unexpected reply to renew.lua: " + reply);
		String reason = (String) reply.get(1);
		if (!reason.isEmpty()) {
			logger.warn(() -> "Refused to renew the lease of '%s': %s".formatted(role,
					quarantineReason(reason, role, 0)));
		}
		return Long.valueOf(1).equals(reply.get(0));
	}

	/**
	 * Renews each lease as {@link #renew} would, with one script call for up to {@value #MAX_RENEWALS_PER_CALL}
	 * renewals, on Redis Cluster one for each hash slot. When a call fails, the calls left for the same server are
	 * not sent: they would wait as long.
	 * @throws PartialRenewalException when some calls were answered and others failed
	 * @throws InsufficientReplicasException when the replicas did not acknowledge the renewals in time: none counts
	 */
	@Override
	public List<Boolean> renewAll(List<LeaseRenewal> renewals) {
		Assert.notNull(renewals, "'renewals' must not be null");
		Assert.noNullElements(renewals, "'renewals' must not contain null elements");
		List<@Nullable Boolean> outcomes = new ArrayList<@Nullable Boolean>(Collections.nCopies(renewals.size(), null));
		List<List<Integer>> batches = batches(renewals);
		if (this.options.replicas() > 0) {
			renewAcknowledged(renewals, batches, outcomes);
		}
		else {
			renewEach(renewals, batches, outcomes);
		}
		List<Boolean> renewed = new ArrayList<>(outcomes.size());
		outcomes.forEach((outcome) -> renewed.add(Boolean.TRUE.equals(outcome)));
		return renewed;
	}

	// The indexes of the renewals of each script call, in the order given within each.
	private List<List<Integer>> batches(List<LeaseRenewal> renewals) {
		Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
		for (int i = 0; i < renewals.size(); i++) {
			int group = this.bySlot ? ClusterSlotHashUtil.calculateSlot(keys(renewals.get(i).role()).lock()) : 0;
			groups.computeIfAbsent(group, (key) -> new ArrayList<>()).add(i);
		}
		List<List<Integer>> batches = new ArrayList<>();
		for (List<Integer> group : groups.values()) {
			for (int from = 0; from < group.size(); from += MAX_RENEWALS_PER_CALL) {
				batches.add(group.subList(from, Math.min(group.size(), from + MAX_RENEWALS_PER_CALL)));
			}
		}
		return batches;
	}

	private void renewEach(List<LeaseRenewal> renewals, List<List<Integer>> batches,
			List<@Nullable Boolean> outcomes) {
		@Nullable RuntimeException failure = null;
		try (Servers servers = new Servers()) {
			for (List<Integer> batch : batches) {
				String role = renewals.get(batch.get(0)).role();
				if (servers.failed(role)) {
					continue;
				}
				Script call = renewAllCall(renewals, batch);
				try {
					record(renewals, batch, this.redis.execute(RENEW_ALL, call.keys(), call.args().toArray()),
							outcomes);
				}
				catch (RuntimeException ex) {
					servers.fail(role);
					if (failure == null) {
						failure = ex;
					}
					else {
						failure.addSuppressed(ex);
					}
				}
			}
		}
		if (failure == null) {
			nowReachable();
			return;
		}
		// A server that is down while others answer is still an outage, told once rather than at every call.
		if (failure instanceof DataAccessException ex) {
			nowUnreachable(ex);
		}
		if (outcomes.stream().allMatch(Objects::isNull)) {
			throw failure;
		}
		throw new PartialRenewalException(outcomes, failure);
	}

	// On a connection of its own, and all or nothing: a renewal counts only once the replicas acknowledged it, and
	// one WAIT after the last call acknowledges every write before it.
	private void renewAcknowledged(List<LeaseRenewal> renewals, List<List<Integer>> batches,
			List<@Nullable Boolean> outcomes) {
		call(() -> {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				for (List<Integer> batch : batches) {
					Script call = renewAllCall(renewals, batch);
					record(renewals, batch, evaluate(connection, RENEW_ALL, call.keys(), call.args()), outcomes);
				}
				if (outcomes.contains(Boolean.TRUE)) {
					String subject = (renewals.size() == 1) ? "renewal of '%s'".formatted(renewals.get(0).role())
							: "renewals of %d roles".formatted(renewals.size());
					awaitReplicas(connection, subject);
				}
				return null;
			}
		});
	}

	private Script renewAllCall(List<LeaseRenewal> renewals, List<Integer> batch) {
		List<String> keys = new ArrayList<>(batch.size() * 3);
		List<String> args = new ArrayList<>(batch.size() * 3);
		for (int i : batch) {
			LeaseRenewal renewal = renewals.get(i);
			Keys roleKeys = keys(renewal.role());
			keys.add(roleKeys.lock());
			keys.add(roleKeys.token());
			keys.add(roleKeys.state());
			args.add(encode(renewal.holder()));
			args.add(Long.toString(renewal.leaseDuration().toMillis()));
			args.add(Long.toString(this.seen.getOrDefault(renewal.role(), Seen.NONE).token()));
			this.leases.put(renewal.role(), renewal.leaseDuration().toMillis());
		}
		return new Script(keys, args);
	}

	private void record(List<LeaseRenewal> renewals, List<Integer> batch, @Nullable List<?> reply,
			List<@Nullable Boolean> outcomes) {
		logger.trace(() -> "renew-all.lua %s -> %s".formatted(batch.stream()
			.map((i) -> keys(renewals.get(i).role()).lock() + " " + encode(renewals.get(i).holder()))
			.toList(), reply));
		Assert.state(reply != null && reply.size() == batch.size() * 2,
				() -> "Unexpected reply to renew-all.lua for %d roles: %s".formatted(batch.size(), reply));
		for (int j = 0; j < batch.size(); j++) {
			String role = renewals.get(batch.get(j)).role();
			String reason = (String) reply.get(2 * j + 1);
			if (!reason.isEmpty()) {
				logger.warn(() -> "Refused to renew the lease of '%s': %s".formatted(role,
						quarantineReason(reason, role, 0)));
			}
			outcomes.set(batch.get(j), Long.valueOf(1).equals(reply.get(2 * j)));
		}
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		Keys keys = keys(role);
		String encoded = encode(holder);
		List<?> reply = call(() -> this.redis.execute(RELEASE, List.of(keys.lock(), keys.token(), keys.state()),
				encoded, keys.released(), Long.toString(this.leases.getOrDefault(role, 0L)),
				Long.toString(this.seen.getOrDefault(role, Seen.NONE).token())));
		logger.trace(() -> "release.lua %s %s -> %s".formatted(keys.lock(), encoded, reply));
		Assert.state(reply != null && reply.size() == 3, () -> "Unexpected reply to release.lua: " + reply);
		String reason = (String) reply.get(1);
		if (Long.valueOf(1).equals(reply.get(2))) {
			logger.warn(() -> "Released the lease of '%s' into a quarantine: %s".formatted(role,
					quarantineReason(reason, role, 0)));
		}
		else if (!reason.isEmpty()) {
			logger.warn(() -> "Released the lease of '%s', though %s".formatted(role,
					quarantineReason(reason, role, 0)));
		}
		return Long.valueOf(1).equals(reply.get(0));
	}

	@Override
	public Optional<LeaderInfo> currentLeader(String role) {
		Keys keys = keys(role);
		List<?> reply = call(() -> this.redis.execute(LEADER, List.of(keys.lock(), keys.state())));
		if (reply == null || reply.isEmpty()) {
			return Optional.empty();
		}
		String lock = (String) reply.get(0);
		int space = lock.lastIndexOf(' ');
		String instanceId = (space > 0) ? lock.substring(0, space) : lock;
		Map<String, String> fields = new HashMap<>();
		for (int i = 1; i + 1 < reply.size(); i += 2) {
			fields.put((String) reply.get(i), (String) reply.get(i + 1));
		}
		if (!lock.equals(fields.get("holder"))) {
			// A lock without matching state: written by a foreign client; report what is known.
			Instant unknown = Instant.EPOCH;
			return Optional.of(new LeaderInfo(role, instanceId, "", unknown, unknown, unknown, 0));
		}
		return Optional.of(new LeaderInfo(role, instanceId, fields.getOrDefault("hostname", ""),
				instant(fields.get("startedAt")), instant(fields.get("acquiredAt")),
				instant(fields.get("lastRenewedAt")), Long.parseLong(fields.getOrDefault("fencingToken", "0"))));
	}

	@Override
	public Subscription onRelease(String role, Runnable listener) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		return this.subscriber.add(role, listener);
	}

	/**
	 * Starts the store, first asking Redis for its eviction policy.
	 * @throws UnsafeEvictionPolicyException when Redis answers that it may evict any key when full
	 * @throws RedisUnreachableException with {@link Options#failFast()}, when Redis cannot be reached within the
	 * client's connect and command timeouts
	 */
	@Override
	public void start() {
		if (this.options.failFast()) {
			refuseUnreachableOrUnsafeRedis();
		}
		else {
			refuseUnsafeEvictionPolicy();
		}
		this.running = true;
	}

	// Waits as long as the client does: its own timeouts tell when Redis is unreachable.
	private void refuseUnreachableOrUnsafeRedis() {
		Optional<UnsafeEvictionPolicyException> problem;
		try {
			problem = evictionProblem();
		}
		catch (DataAccessException ex) {
			throw new RedisUnreachableException(this.target, ex);
		}
		if (problem.isPresent()) {
			throw problem.get();
		}
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

	/**
	 * Options this store was created with.
	 */
	public Options options() {
		return this.options;
	}

	@Override
	public String toString() {
		return this.target;
	}

	Keys keys(String role) {
		Assert.hasText(role, "'role' must not be empty");
		return new Keys("{" + this.keyPrefix + ":" + role + "}");
	}

	// Notes the server stamp and the token counter of a reply to acquire.lua, and returns its status.
	private long remember(String role, @Nullable List<?> raw) {
		List<?> reply = acquireReply(raw);
		this.seen.merge(role, new Seen((String) reply.get(3), (Long) reply.get(2)), Seen::merge);
		return (Long) reply.get(0);
	}

	private static List<?> acquireReply(@Nullable List<?> reply) {
		Assert.state(reply != null && reply.size() == 6, () -> "Unexpected reply to acquire.lua: " + reply);
		return reply;
	}

	// Why a claim is quarantined; the elector tells for how long.
	private String quarantineReason(String code, String role, long uptimeSeconds) {
		return switch (code) {
			case "new-server" -> "%s started %d s ago and may have restarted with a lease still in use; no leader until it has run for one lease (%s)"
				.formatted(this.target, uptimeSeconds, SKIP_NEW_SERVER_QUARANTINE);
			case "flushed" -> "FLUSHALL or FLUSHDB ran on %s since it started and may have deleted a lease still in use; no leader for one lease (%s)"
				.formatted(this.target, SKIP_NEW_SERVER_QUARANTINE);
			case "promoted" -> "%s is a replica promoted since it started, which may never have received '%s' from its old master while a lease was in use; no leader for one lease (%s)"
				.formatted(this.target, role, SKIP_NEW_SERVER_QUARANTINE);
			case "moved" -> "%s restarted or failed over since the last write of '%s' (its run id or replication id changed)"
				.formatted(this.target, role);
			case "lock-vanished" -> "the lock of '%s' on %s vanished before it expired (evicted or deleted)"
				.formatted(role, this.target);
			case "data-gone" -> "the data of '%s' on %s is gone (FLUSHALL, or a restart without persistence)"
				.formatted(role, this.target);
			case "state-gone" -> "the state of '%s' on %s vanished while its lock was held (deleted or evicted)"
				.formatted(role, this.target);
			case "rolled-back" -> "the token counter of '%s' on %s is below a token granted before (its data was rolled back, for example by a restart from an older file)"
				.formatted(role, this.target);
			default -> "%s may have lost the data of '%s' (%s)".formatted(this.target, role, code);
		};
	}

	// Without replicas to wait for, the template's EVALSHA on the shared connection. Otherwise on a connection of
	// the caller's own: WAIT blocks the connection it is sent on, and counts only that connection's writes.
	private <T> @Nullable T execute(RedisScript<T> script, List<String> keys, List<String> args,
			Predicate<@Nullable T> acknowledge, String what, String role) {
		if (this.options.replicas() == 0) {
			return this.redis.execute(script, keys, args.toArray());
		}
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			T reply = evaluate(connection, script, keys, args);
			if (acknowledge.test(reply)) {
				awaitReplicas(connection, "%s of '%s'".formatted(what, role));
			}
			return reply;
		}
	}

	@SuppressWarnings("unchecked")
	private <T> @Nullable T evaluate(RedisConnection connection, RedisScript<T> script, List<String> keys,
			List<String> args) {
		byte[][] keysAndArgs = new byte[keys.size() + args.size()][];
		int i = 0;
		for (String value : keys) {
			keysAndArgs[i++] = bytes(value);
		}
		for (String value : args) {
			keysAndArgs[i++] = bytes(value);
		}
		ReturnType type = ReturnType.fromJavaType(script.getResultType());
		Object reply;
		try {
			reply = dedicated(connection,
					() -> connection.scriptingCommands().evalSha(script.getSha1(), type, keys.size(), keysAndArgs));
		}
		catch (DataAccessException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			reply = dedicated(connection, () -> connection.scriptingCommands()
				.eval(bytes(script.getScriptAsString()), type, keys.size(), keysAndArgs));
		}
		return (T) strings(reply);
	}

	// subject: what the replicas are to acknowledge, such as "renewal of 'orders'".
	private void awaitReplicas(RedisConnection connection, String subject) {
		int replicas = this.options.replicas();
		Duration timeout = this.options.replicaTimeout();
		byte[][] args = { bytes(Integer.toString(replicas)), bytes(Long.toString(timeout.toMillis())) };
		Object reply = dedicated(connection, () -> sendWait(connection, args));
		long acknowledged = (reply instanceof Number number) ? number.longValue() : 0;
		if (acknowledged < replicas) {
			InsufficientReplicasException ex = new InsufficientReplicasException(
					"%d of %d replicas of %s acknowledged the %s within %s, so it does not count"
						.formatted(acknowledged, replicas, this.target, subject, format(timeout)));
			if (this.acknowledged.compareAndSet(true, false)) {
				logger.warn(() -> ex.getMessage() + "; leader election waits for the replicas");
			}
			throw ex;
		}
		if (this.acknowledged.compareAndSet(false, true)) {
			logger.info(() -> "Replicas of %s acknowledge again".formatted(this.target));
		}
	}

	// Lettuce sends commands on the connection the application shares unless they are pipelined: a pipeline
	// of one command runs on a connection of this RedisConnection's own. A Jedis connection is always its own, and
	// runs commands outside a pipeline only.
	private static @Nullable Object dedicated(RedisConnection connection, Supplier<@Nullable Object> command) {
		if (isJedis(connection)) {
			return command.get();
		}
		connection.openPipeline();
		command.get();
		List<@Nullable Object> results = connection.closePipeline();
		Assert.state(results.size() == 1, () -> "Unexpected pipeline results: " + results);
		return results.get(0);
	}

	private static @Nullable Object sendWait(RedisConnection connection, byte[][] args) {
		if (isLettuce(connection)) {
			// Lettuce would read the integer reply into a byte array by default.
			return ((org.springframework.data.redis.connection.lettuce.LettuceConnection) connection).execute("WAIT",
					new io.lettuce.core.output.IntegerOutput<>(io.lettuce.core.codec.ByteArrayCodec.INSTANCE), args);
		}
		return connection.execute("WAIT", args);
	}

	private static @Nullable Object strings(@Nullable Object reply) {
		if (reply instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (reply instanceof List<?> list) {
			List<@Nullable Object> converted = new ArrayList<>(list.size());
			list.forEach((element) -> converted.add(strings(element)));
			return converted;
		}
		return reply;
	}

	private static boolean isNoScript(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getMessage() != null && cause.getMessage().contains("NOSCRIPT")) {
				return true;
			}
		}
		return false;
	}

	private void refuseUnsafeEvictionPolicy() {
		FutureTask<Optional<UnsafeEvictionPolicyException>> check = new FutureTask<>(this::evictionProblem);
		Thread thread = new Thread(check, "leader-election-eviction-check");
		thread.setDaemon(true);
		thread.start();
		Optional<UnsafeEvictionPolicyException> problem;
		try {
			problem = check.get(STARTUP_CHECK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// Every claim checks the policy too.
			logger.debug(() -> "Could not read the eviction policy of %s at start: %s".formatted(this.target, ex));
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (problem.isPresent()) {
			throw problem.get();
		}
	}

	private Optional<UnsafeEvictionPolicyException> evictionProblem() {
		Properties info = this.redis.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.info("memory"));
		if (info == null) {
			return Optional.empty();
		}
		// On Redis Cluster each node's fields come prefixed with its address and a dot.
		for (String name : info.stringPropertyNames()) {
			if (name.endsWith("maxmemory_policy")) {
				String prefix = name.substring(0, name.length() - "maxmemory_policy".length());
				String policy = info.getProperty(name);
				long maxmemory = Long.parseLong(info.getProperty(prefix + "maxmemory", "0"));
				if (maxmemory > 0 && policy.startsWith("allkeys-")) {
					return Optional.of(new UnsafeEvictionPolicyException(this.target, policy, maxmemory));
				}
			}
		}
		return Optional.empty();
	}

	private <T> @Nullable T call(Supplier<@Nullable T> command) {
		try {
			T result = command.get();
			nowReachable();
			return result;
		}
		catch (InsufficientReplicasException ex) {
			nowReachable();
			throw ex;
		}
		catch (DataAccessException ex) {
			nowUnreachable(ex);
			throw ex;
		}
	}

	// One WARN as the outage begins, then a short reminder at most every reminder interval while it lasts, so that
	// an instance that follows for want of Redis does not look stuck.
	private void nowUnreachable(DataAccessException ex) {
		long now = System.nanoTime();
		if (this.reachable.compareAndSet(true, false)) {
			synchronized (this.outage) {
				this.unreachableSinceNanos = now;
				this.reportedAtNanos = now;
			}
			logger.warn(() -> "%s is unreachable, leader election waits for it: %s".formatted(this.target,
					ex.getMessage()));
			return;
		}
		long since;
		synchronized (this.outage) {
			if (now - this.reportedAtNanos < this.reminderIntervalNanos) {
				return;
			}
			this.reportedAtNanos = now;
			since = this.unreachableSinceNanos;
		}
		logger.warn(() -> "%s is still unreachable after %s, leader election waits for it: %s".formatted(this.target,
				format(Duration.ofNanos(now - since)), ex.getMessage()));
	}

	private void nowReachable() {
		if (this.reachable.compareAndSet(false, true)) {
			long since;
			synchronized (this.outage) {
				since = this.unreachableSinceNanos;
			}
			logger.info(() -> "%s is reachable again after %s".formatted(this.target,
					format(Duration.ofNanos(System.nanoTime() - since))));
		}
	}

	// Tests remind more often than once a minute.
	void remindOfOutagesEvery(Duration interval) {
		this.reminderIntervalNanos = interval.toNanos();
	}

	/**
	 * A duration as operators read it: {@code 850 ms}, {@code 7.1 s}, {@code 42 s}, {@code 2 min 5 s}.
	 */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + " ms";
		}
		if (millis < 10_000) {
			return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
		}
		long seconds = Math.round(millis / 1000.0);
		if (seconds < 60) {
			return seconds + " s";
		}
		if (seconds < 3600) {
			return (seconds % 60 == 0) ? (seconds / 60) + " min" : "%d min %d s".formatted(seconds / 60, seconds % 60);
		}
		long minutes = Math.round(seconds / 60.0);
		return (minutes % 60 == 0) ? (minutes / 60) + " h" : "%d h %d min".formatted(minutes / 60, minutes % 60);
	}

	private static String encode(LeaseHolder holder) {
		return holder.instanceId() + " " + holder.nonce();
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static Instant instant(@Nullable String epochMillis) {
		return (epochMillis != null) ? Instant.ofEpochMilli(Long.parseLong(epochMillis)) : Instant.EPOCH;
	}

	private static <T> RedisScript<T> script(Class<T> resultType, String... names) {
		StringBuilder text = new StringBuilder();
		for (String name : names) {
			try {
				text.append(new ClassPathResource(name, RedisLeaseStore.class).getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read " + name, ex);
			}
		}
		return RedisScript.of(text.toString(), resultType);
	}

	private static boolean isLettuce(RedisConnection connection) {
		return ClassUtils.isPresent("io.lettuce.core.RedisClient", RedisLeaseStore.class.getClassLoader())
				&& connection instanceof org.springframework.data.redis.connection.lettuce.LettuceConnection;
	}

	private static boolean isJedis(RedisConnection connection) {
		return ClassUtils.isPresent("redis.clients.jedis.Jedis", RedisLeaseStore.class.getClassLoader())
				&& connection instanceof org.springframework.data.redis.connection.jedis.JedisConnection;
	}

	static String describe(RedisConnectionFactory connectionFactory) {
		Client client = Client.of(connectionFactory);
		return (client != null) ? client.describe()
				: "Redis (" + connectionFactory.getClass().getSimpleName() + ")";
	}

	private static String addresses(Collection<RedisNode> nodes) {
		return nodes.stream().map((node) -> node.getHost() + ":" + node.getPort()).collect(Collectors.joining(", "));
	}

	/**
	 * What a {@link RedisLeaseStore} checks beyond what it always does.
	 *
	 * @param quarantineNewServer whether the first claim of a role on a Redis that started less than a lease ago, was
	 * flushed since it started, or is a replica promoted since it started, waits until a lease lost with the old data
	 * would have expired; switch it off only where no earlier leader can exist, such as tests
	 * @param replicas how many replicas must acknowledge a grant or renewal ({@code WAIT}) before it counts;
	 * {@code 0} not to wait
	 * @param replicaTimeout how long a grant or renewal waits for the replicas to acknowledge it
	 * @param failFast whether {@link RedisLeaseStore#start()} fails when Redis cannot be reached, rather than
	 * starting and electing once it can (since 0.2.0)
	 * @since 0.1.0
	 */
	public record Options(boolean quarantineNewServer, int replicas, Duration replicaTimeout, boolean failFast) {

		/**
		 * New servers quarantined, no replicas waited for, a start whether Redis answers or not.
		 */
		public static final Options DEFAULTS = new Options(true, 0, Duration.ofMillis(500), false);

		public Options {
			Assert.isTrue(replicas >= 0, "'replicas' must not be negative");
			Assert.isTrue(replicaTimeout != null && !replicaTimeout.isNegative() && !replicaTimeout.isZero(),
					"'replicaTimeout' must be positive");
		}

		/**
		 * Options that start the store whether Redis answers or not, as before 0.2.0.
		 * @param quarantineNewServer whether to quarantine a new, flushed or promoted server
		 * @param replicas how many replicas must acknowledge a grant or renewal
		 * @param replicaTimeout how long to wait for them
		 */
		public Options(boolean quarantineNewServer, int replicas, Duration replicaTimeout) {
			this(quarantineNewServer, replicas, replicaTimeout, false);
		}

		/**
		 * These options with {@link #quarantineNewServer()} set as given.
		 * @param quarantineNewServer whether to quarantine a new, flushed or promoted server
		 * @return the options
		 */
		public Options withQuarantineNewServer(boolean quarantineNewServer) {
			return new Options(quarantineNewServer, this.replicas, this.replicaTimeout, this.failFast);
		}

		/**
		 * These options with {@link #failFast()} set as given.
		 * @param failFast whether the start fails when Redis cannot be reached
		 * @return the options
		 * @since 0.2.0
		 */
		public Options withFailFast(boolean failFast) {
			return new Options(this.quarantineNewServer, this.replicas, this.replicaTimeout, failFast);
		}

		/**
		 * These options with the replicas to wait for set as given.
		 * @param replicas how many replicas must acknowledge a grant or renewal
		 * @param replicaTimeout how long to wait for them
		 * @return the options
		 */
		public Options withReplicas(int replicas, Duration replicaTimeout) {
			return new Options(this.quarantineNewServer, replicas, replicaTimeout, this.failFast);
		}

	}

	/**
	 * What the store needs to know of a Lettuce or Jedis connection factory.
	 */
	private record Client(@Nullable RedisClusterConfiguration cluster, @Nullable RedisSentinelConfiguration sentinel,
			String host, int port, Duration commandTimeout) {

		static @Nullable Client of(RedisConnectionFactory connectionFactory) {
			ClassLoader classLoader = RedisLeaseStore.class.getClassLoader();
			if (ClassUtils.isPresent("io.lettuce.core.RedisClient", classLoader)
					&& connectionFactory instanceof org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory lettuce) {
				return new Client(lettuce.getClusterConfiguration(), lettuce.getSentinelConfiguration(),
						lettuce.getHostName(), lettuce.getPort(), Duration.ofMillis(lettuce.getTimeout()));
			}
			if (ClassUtils.isPresent("redis.clients.jedis.Jedis", classLoader)
					&& connectionFactory instanceof org.springframework.data.redis.connection.jedis.JedisConnectionFactory jedis) {
				return new Client(jedis.getClusterConfiguration(), jedis.getSentinelConfiguration(), jedis.getHostName(),
						jedis.getPort(), Duration.ofMillis(jedis.getTimeout()));
			}
			return null;
		}

		String describe() {
			RedisClusterConfiguration cluster = this.cluster;
			if (cluster != null) {
				return "Redis Cluster at " + addresses(cluster.getClusterNodes());
			}
			RedisSentinelConfiguration sentinel = this.sentinel;
			if (sentinel != null) {
				NamedNode master = sentinel.getMaster();
				return "Redis master '%s' through the sentinels at %s".formatted(
						(master != null) ? master.getName() : "?", addresses(sentinel.getSentinels()));
			}
			return "Redis at " + this.host + ":" + this.port;
		}

	}

	/**
	 * The servers that failed a call of one {@link #renewAll(List)}, so that no more calls go to them. Which server
	 * a role's keys live on is what the client knows of the cluster, looked up only once a call failed.
	 */
	private final class Servers implements AutoCloseable {

		private final List<String> failed = new ArrayList<>();

		private @Nullable RedisClusterConnection cluster;

		boolean failed(String role) {
			return !this.failed.isEmpty() && this.failed.contains(serverOf(role));
		}

		void fail(String role) {
			this.failed.add(serverOf(role));
		}

		private String serverOf(String role) {
			if (!RedisLeaseStore.this.bySlot) {
				return "";
			}
			try {
				RedisClusterConnection cluster = this.cluster;
				if (cluster == null) {
					cluster = RedisLeaseStore.this.connectionFactory.getClusterConnection();
					this.cluster = cluster;
				}
				RedisClusterNode node = cluster.clusterGetNodeForSlot(ClusterSlotHashUtil.calculateSlot(keys(role).lock()));
				return node.getHost() + ":" + node.getPort();
			}
			catch (RuntimeException ex) {
				// Not a cluster after all, or one whose layout the client does not know: one server, as far as
				// the store can tell.
				return "";
			}
		}

		@Override
		public void close() {
			RedisClusterConnection cluster = this.cluster;
			if (cluster != null) {
				cluster.close();
			}
		}

	}

	/**
	 * The keys and values of one script call.
	 */
	private record Script(List<String> keys, List<String> args) {

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

		String state() {
			return this.tag + ":state";
		}

		String released() {
			return this.tag + ":released";
		}

	}

	/**
	 * What this instance saw of a role's data: the stamp of the server, to notice a loss, and the highest token, to
	 * stay above it.
	 */
	private record Seen(String stamp, long token) {

		static final Seen NONE = new Seen("", 0);

		Seen merge(Seen later) {
			return new Seen(later.stamp().isEmpty() ? this.stamp : later.stamp(), Math.max(this.token, later.token()));
		}

	}

}
