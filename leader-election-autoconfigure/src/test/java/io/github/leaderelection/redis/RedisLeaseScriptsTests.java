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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

import static io.github.leaderelection.redis.RedisLeaseStore.DUPLICATE;
import static io.github.leaderelection.redis.RedisLeaseStore.GRANTED;
import static io.github.leaderelection.redis.RedisLeaseStore.HELD;
import static io.github.leaderelection.redis.RedisLeaseStore.MISCONFIGURED;
import static io.github.leaderelection.redis.RedisLeaseStore.QUARANTINED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for each Lua script of {@link RedisLeaseStore} on its own, run through a {@link StringRedisTemplate} against a
 * real Redis server.
 */
class RedisLeaseScriptsTests {

	private static final String LOCK = "{test:orders}:lock";

	private static final String TOKEN = "{test:orders}:token";

	private static final String STATE = "{test:orders}:state";

	private static final String RELEASED = "{test:orders}:released";

	private static final String ONE = "one nonce-1";

	private static final String TWO = "two nonce-2";

	// The instance id of ONE, in another process.
	private static final String ONE_AGAIN = "one nonce-9";

	private static final Pattern RUN_ID = Pattern.compile("run_id:(\\w+)");

	private static final Pattern REPLID = Pattern.compile("master_replid:(\\w+)");

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final StringRedisTemplate template = new StringRedisTemplate(redis.connectionFactory());

	@Test
	void acquireGrantsWithAClockSeededTokenAndWritesLockAndState() {
		long before = serverMicros();
		Reply reply = acquire(ONE, 1000);
		assertThat(reply.status()).isEqualTo(GRANTED);
		assertThat(reply.value()).isGreaterThan(before).isGreaterThan(1_000_000_000_000_000L);
		assertThat(reply.counter()).isEqualTo(reply.value());
		assertThat(reply.stamp()).isEqualTo(stamp());
		assertThat(reply.reason()).isEmpty();
		assertThat(get(LOCK)).isEqualTo(ONE);
		assertThat(get(TOKEN)).isEqualTo(Long.toString(reply.value()));
		Map<Object, Object> state = state();
		assertThat(state).containsEntry("server", stamp())
			.containsEntry("holder", ONE)
			.containsEntry("instanceId", "one")
			.containsEntry("hostname", "host-one nonce-1")
			.containsEntry("startedAt", "1234")
			.containsEntry("fencingToken", Long.toString(reply.value()))
			.containsKeys("expiresAt", "acquiredAt", "lastRenewedAt")
			.doesNotContainKeys("quarantineUntil", "quarantineReason");
		assertThat(state.get("acquiredAt")).isEqualTo(state.get("lastRenewedAt"));
		long acquiredAt = Long.parseLong((String) state.get("acquiredAt"));
		assertThat(Long.parseLong((String) state.get("expiresAt"))).isEqualTo(acquiredAt + 1000);
		assertThat(acquiredAt).isBetween(before / 1000, serverMicros() / 1000);
		assertThat(pttl(LOCK)).isPositive().isLessThanOrEqualTo(1000);
		assertThat(pttl(TOKEN)).isEqualTo(-1);
		assertThat(pttl(STATE)).isEqualTo(-1);
		assertThat(RedisLeaseStores.keys(server())).containsExactlyInAnyOrder(LOCK, TOKEN, STATE);
	}

	@Test
	void acquireWhileAnotherInstanceHoldsTheLeaseRepliesWithItsRemainingTimeItsInstanceIdAndTheCounter() {
		long token = acquire(ONE, 5000).value();
		Reply reply = acquire(TWO, 5000);
		assertThat(reply.status()).isEqualTo(HELD);
		assertThat(reply.reason()).isEqualTo("one");
		assertThat(reply.value()).isPositive().isLessThanOrEqualTo(5000).isGreaterThan(4000);
		assertThat(reply.counter()).isEqualTo(token);
		assertThat(reply.stamp()).isEqualTo(stamp());
		assertThat(get(LOCK)).isEqualTo(ONE);
		assertThat(get(TOKEN)).isEqualTo(Long.toString(token));
		assertThat(state()).containsEntry("holder", ONE).containsEntry("instanceId", "one");
	}

	@Test
	void acquireUnderTheHoldersInstanceIdWithAnotherNonceIsADuplicate() {
		long token = acquire(ONE, 5000).value();
		Reply reply = acquire(ONE_AGAIN, 5000);
		assertThat(reply.status()).isEqualTo(DUPLICATE);
		assertThat(reply.reason()).isEmpty();
		assertThat(reply.value()).isPositive().isLessThanOrEqualTo(5000).isGreaterThan(4000);
		assertThat(reply.counter()).isEqualTo(token);
		assertThat(get(LOCK)).isEqualTo(ONE);
		assertThat(get(TOKEN)).isEqualTo(Long.toString(token));
		// An instance id that only begins like the holder's is another instance.
		assertThat(acquire("on nonce-3", 5000).status()).isEqualTo(HELD);
		assertThat(acquire("one-1 nonce-1", 5000).status()).isEqualTo(HELD);
	}

	@Test
	void acquireByTheHolderGrantsTheNextTokenAndAFullLease() {
		long token = acquire(ONE, 1000).value();
		Reply reply = acquire(ONE, 5000);
		assertThat(reply.status()).isEqualTo(GRANTED);
		assertThat(reply.value()).isEqualTo(token + 1);
		assertThat(pttl(LOCK)).isGreaterThan(4000);
	}

	@Test
	void acquireSeedsAMissingCounterAboveTheClockAndTheCallersTokens() {
		long first = acquire(ONE, 1000).value();
		assertThat(release(ONE)).isEqualTo(1);
		this.template.delete(TOKEN);
		long before = serverMicros();
		long second = acquire(TWO, 1000).value();
		assertThat(second).isGreaterThan(first).isGreaterThan(before);
		this.template.delete(List.of(LOCK, TOKEN, STATE));
		Reply third = acquire(TWO, 1000, "", 8_000_000_000_000_000L, false);
		assertThat(third.status()).isEqualTo(GRANTED);
		assertThat(third.value()).isEqualTo(8_000_000_000_000_001L);
	}

	@Test
	void acquireOnFirstContactWithAServerUpLongerThanTheLeaseGrantsAtOnce() {
		RedisLeaseStores.awaitUptime(server(), Duration.ofSeconds(1));
		Reply reply = acquire(ONE, 1000, "", 0, true);
		assertThat(reply.status()).isEqualTo(GRANTED);
		assertThat(state()).doesNotContainKeys("quarantineUntil", "quarantineReason");
	}

	@Test
	void acquireOnAServerThatJustStartedQuarantinesEveryRoleItMeetsFirst() {
		server().restart();
		Duration uptime = RedisLeaseStores.uptime(server());
		assertThat(uptime).isLessThan(Duration.ofSeconds(5));
		Reply firstContact = acquire(ONE, 60_000, "", 0, true);
		assertThat(firstContact.status()).isEqualTo(QUARANTINED);
		assertThat(firstContact.value()).isGreaterThan(50_000).isLessThanOrEqualTo(60_000 - uptime.toMillis());
		assertThat(firstContact.reason()).isEqualTo("new-server");
		assertThat(firstContact.detail()).isBetween(uptime.toSeconds(), uptime.toSeconds() + 5);
		assertThat(state()).containsEntry("server", stamp())
			.containsEntry("quarantineReason", "new-server")
			.containsKey("quarantineUntil");
		// Another instance, which saw the state just written, is refused for the same reason.
		Reply next = acquire(TWO, 60_000, firstContact.stamp(), 0, true);
		assertThat(next.status()).isEqualTo(QUARANTINED);
		assertThat(next.reason()).isEqualTo("new-server");
		assertThat(next.value()).isLessThanOrEqualTo(firstContact.value());
		assertThat(this.template.hasKey(LOCK)).isFalse();
		assertThat(this.template.hasKey(TOKEN)).isFalse();
	}

	@Test
	void acquireOnAServerThatJustStartedGrantsAtOnceWhenNewServersAreNotQuarantined() {
		server().restart();
		assertThat(RedisLeaseStores.uptime(server())).isLessThan(Duration.ofSeconds(5));
		Reply reply = acquire(ONE, 60_000, "", 0, false);
		assertThat(reply.status()).isEqualTo(GRANTED);
	}

	@Test
	void acquireOnFirstContactAfterAFlushQuarantinesForAFullLease() {
		RedisLeaseStores.awaitUptime(server(), Duration.ofSeconds(1));
		assertThat(server().command("FLUSHALL")).isEqualTo("+OK");
		Reply reply = acquire(ONE, 1000, "", 0, true);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("flushed");
		assertThat(reply.value()).isEqualTo(1000);
		this.template.delete(STATE);
		assertThat(acquire(ONE, 1000, "", 0, false).status()).isEqualTo(GRANTED);
		this.template.delete(List.of(LOCK, STATE));
		assertThat(server().command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		assertThat(server().command("FLUSHDB")).isEqualTo("+OK");
		assertThat(acquire(ONE, 1000, "", 0, true).reason()).isEqualTo("flushed");
	}

	@Test
	void acquireAfterTheCallerSawTheStateWhichIsGoneQuarantinesForAFullLeaseAndRaisesTheCounter() {
		long before = serverMicros();
		Reply reply = acquire(ONE, 60_000, "some-run some-replid", 42, false);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("data-gone");
		assertThat(reply.value()).isEqualTo(60_000);
		assertThat(reply.counter()).isGreaterThan(before);
		assertThat(get(TOKEN)).isEqualTo(Long.toString(reply.counter()));
		assertThat(state()).containsEntry("server", stamp()).containsEntry("quarantineReason", "data-gone");
		assertThat(this.template.hasKey(LOCK)).isFalse();
		// Tokens above the clock too: a token the caller saw is kept above.
		this.template.delete(List.of(TOKEN, STATE));
		assertThat(acquire(ONE, 60_000, "some-run some-replid", 8_000_000_000_000_000L, false).counter())
			.isEqualTo(8_000_000_000_000_000L);
	}

	@Test
	void acquireOfAStateWrittenByAnotherServerQuarantinesForAFullLeaseAndDeletesTheLock() {
		long token = acquire(ONE, 60_000).value();
		this.template.opsForHash().put(STATE, "server", "other-run " + replid());
		long before = serverMicros();
		Reply reply = acquire(TWO, 10_000, stamp(), token, false);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("moved");
		assertThat(reply.value()).isEqualTo(10_000);
		assertThat(reply.counter()).isGreaterThan(token).isGreaterThan(before);
		assertThat(this.template.hasKey(LOCK)).isFalse();
		Map<Object, Object> state = state();
		assertThat(state).containsEntry("server", stamp())
			.containsEntry("quarantineReason", "moved")
			.doesNotContainKeys("holder", "expiresAt", "instanceId", "fencingToken");
		long until = Long.parseLong((String) state.get("quarantineUntil"));
		assertThat(until).isBetween(before / 1000 + 10_000, serverMicros() / 1000 + 10_000);
		assertThat(acquire(ONE, 10_000, stamp(), token, false).status()).isEqualTo(QUARANTINED);
	}

	@Test
	void acquireOfAStateWithAnotherReplicationIdOfTheSameProcessIsNoLossWithoutASecondReplicationId() {
		// A master takes a new replication id when a first replica attaches; the second one stays zero.
		assertThat(server().command("INFO", "replication")).contains("master_replid2:0000000000");
		long token = acquire(ONE, 60_000).value();
		this.template.opsForHash().put(STATE, "server", runId() + " 0123456789abcdef0123456789abcdef01234567");
		Reply reply = acquire(TWO, 60_000, stamp(), token, false);
		assertThat(reply.status()).isEqualTo(HELD);
		assertThat(state()).containsEntry("server", stamp());
		assertThat(get(LOCK)).isEqualTo(ONE);
	}

	@Test
	void acquireAfterTheLockVanishedBeforeItsExpiryQuarantinesForAFullLease() {
		long token = acquire(ONE, 60_000).value();
		this.template.delete(LOCK);
		Reply reply = acquire(TWO, 5000, stamp(), token, false);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("lock-vanished");
		assertThat(reply.value()).isEqualTo(5000);
		assertThat(reply.counter()).isGreaterThan(token);
		assertThat(state()).doesNotContainKeys("holder", "expiresAt");
	}

	@Test
	void acquireAfterTheLockExpiredGrantsAtOnce() {
		for (int i = 0; i < 5; i++) {
			long token = acquire(ONE, 100).value();
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> !this.template.hasKey(LOCK));
			Reply reply = acquire(TWO, 100, stamp(), token, false);
			assertThat(reply.status()).as("claim %d after the expiry", i).isEqualTo(GRANTED);
			assertThat(reply.value()).isEqualTo(token + 1);
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(1))
				.until(() -> !this.template.hasKey(LOCK));
		}
	}

	@Test
	void acquireWithACounterBelowATokenTheCallerSawQuarantinesForAFullLease() {
		long token = acquire(ONE, 60_000).value();
		assertThat(release(ONE)).isEqualTo(1);
		this.template.opsForValue().set(TOKEN, Long.toString(token - 5));
		Reply reply = acquire(TWO, 5000, stamp(), token, false);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("rolled-back");
		assertThat(reply.counter()).isGreaterThan(token);
		assertThat(acquire(TWO, 5000, stamp(), token - 5, false).reason()).isEqualTo("rolled-back");
	}

	@Test
	void acquireOfALockWithoutStateQuarantinesEvenANewcomer() {
		acquire(ONE, 60_000);
		this.template.delete(STATE);
		Reply reply = acquire(TWO, 5000, "", 0, false);
		assertThat(reply.status()).isEqualTo(QUARANTINED);
		assertThat(reply.reason()).isEqualTo("state-gone");
		assertThat(this.template.hasKey(LOCK)).isFalse();
	}

	@Test
	void acquireGrantsAgainOnceTheQuarantineEnded() {
		Reply quarantined = acquire(ONE, 500, "some-run some-replid", 0, false);
		assertThat(quarantined.status()).isEqualTo(QUARANTINED);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> acquire(TWO, 500, quarantined.stamp(), quarantined.counter(), false).status() == GRANTED);
		assertThat(get(LOCK)).isEqualTo(TWO);
		assertThat(Long.parseLong(get(TOKEN))).isEqualTo(quarantined.counter() + 1);
		assertThat(state()).doesNotContainKeys("quarantineUntil", "quarantineReason");
	}

	@Test
	void acquireOnAServerThatMayEvictAnyKeyRefusesAndWritesNothing() {
		try {
			assertThat(server().command("CONFIG", "SET", "maxmemory", "1gb")).isEqualTo("+OK");
			assertThat(server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo("+OK");
			Reply reply = acquire(ONE, 1000);
			assertThat(reply.status()).isEqualTo(MISCONFIGURED);
			assertThat(reply.reason()).isEqualTo("allkeys-lru");
			assertThat(reply.detail()).isEqualTo(1L << 30);
			assertThat(RedisLeaseStores.keys(server())).isEmpty();
			assertThat(server().command("CONFIG", "SET", "maxmemory-policy", "volatile-lru")).isEqualTo("+OK");
			assertThat(acquire(ONE, 1000).status()).isEqualTo(GRANTED);
			assertThat(server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-random")).isEqualTo("+OK");
			assertThat(acquire(TWO, 1000).status()).isEqualTo(MISCONFIGURED);
			assertThat(server().command("CONFIG", "SET", "maxmemory", "0")).isEqualTo("+OK");
			assertThat(acquire(TWO, 1000).status()).isEqualTo(HELD);
		}
		finally {
			server().command("CONFIG", "SET", "maxmemory", "0");
			server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		}
	}

	@Test
	void renewExtendsTheLeaseOfTheHolderAndRecordsTheTime() {
		long token = acquire(ONE, 1000).value();
		String acquiredAt = (String) state().get("acquiredAt");
		assertThat(renew(ONE, 5000, token)).containsExactly(1L, "");
		assertThat(pttl(LOCK)).isGreaterThan(4000).isLessThanOrEqualTo(5000);
		Map<Object, Object> state = state();
		long lastRenewedAt = Long.parseLong((String) state.get("lastRenewedAt"));
		assertThat(lastRenewedAt).isGreaterThanOrEqualTo(Long.parseLong(acquiredAt));
		assertThat(Long.parseLong((String) state.get("expiresAt"))).isEqualTo(lastRenewedAt + 5000);
		assertThat(state.get("acquiredAt")).isEqualTo(acquiredAt);
		assertThat(get(LOCK)).isEqualTo(ONE);
	}

	@Test
	void renewByAnotherHolderLeavesTheLease() {
		long token = acquire(ONE, 1000).value();
		assertThat(renew(TWO, 5000, token)).containsExactly(0L, "");
		assertThat(renew(ONE_AGAIN, 5000, token)).containsExactly(0L, "");
		assertThat(pttl(LOCK)).isLessThanOrEqualTo(1000);
		assertThat(get(LOCK)).isEqualTo(ONE);
	}

	@Test
	void renewNeverRecreatesAReleasedLease() {
		long token = acquire(ONE, 1000).value();
		assertThat(release(ONE)).isEqualTo(1);
		assertThat(renew(ONE, 5000, token)).containsExactly(0L, "");
		assertThat(this.template.hasKey(LOCK)).isFalse();
		assertThat(state()).doesNotContainKeys("quarantineUntil", "holder");
	}

	@Test
	void renewOfARoleWhoseDataIsGoneQuarantinesIt() {
		assertThat(renew(ONE, 5000, 42)).containsExactly(0L, "data-gone");
		assertThat(this.template.hasKey(LOCK)).isFalse();
		assertThat(state()).containsEntry("quarantineReason", "data-gone");
		assertThat(Long.parseLong(get(TOKEN))).isGreaterThan(1_000_000_000_000_000L);
	}

	@Test
	void renewOnAnotherServerThanTheLastWriteQuarantinesAndDeletesTheLock() {
		long token = acquire(ONE, 60_000).value();
		this.template.opsForHash().put(STATE, "server", "other-run " + replid());
		assertThat(renew(ONE, 60_000, token)).containsExactly(0L, "moved");
		assertThat(this.template.hasKey(LOCK)).isFalse();
		assertThat(state()).containsEntry("server", stamp()).containsEntry("quarantineReason", "moved");
		assertThat(Long.parseLong(get(TOKEN))).isGreaterThan(token);
		assertThat(acquire(TWO, 60_000, stamp(), token, false).status()).isEqualTo(QUARANTINED);
	}

	@Test
	void renewWithACounterBelowTheHoldersTokenQuarantines() {
		long token = acquire(ONE, 60_000).value();
		this.template.opsForValue().set(TOKEN, Long.toString(token - 1));
		assertThat(renew(ONE, 60_000, token)).containsExactly(0L, "rolled-back");
		assertThat(Long.parseLong(get(TOKEN))).isGreaterThan(token);
	}

	@Test
	void renewAfterTheLockVanishedQuarantines() {
		long token = acquire(ONE, 60_000).value();
		this.template.delete(LOCK);
		assertThat(renew(ONE, 60_000, token)).containsExactly(0L, "lock-vanished");
		assertThat(state()).containsEntry("quarantineReason", "lock-vanished");
	}

	@Test
	void releaseByTheHolderDeletesTheLockClearsTheHolderAndPublishesOnTheRoleChannel() throws InterruptedException {
		long token = acquire(ONE, 5000).value();
		BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			connection.subscribe((message, pattern) -> messages.add(message),
					RELEASED.getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> RedisLeaseStores.channelSubscribers(server(), RELEASED) == 1);
			assertThat(release(TWO)).isZero();
			assertThat(release(ONE_AGAIN)).isZero();
			assertThat(get(LOCK)).isEqualTo(ONE);
			assertThat(release(ONE)).isEqualTo(1);
			assertThat(RedisLeaseStores.keys(server())).containsExactlyInAnyOrder(TOKEN, STATE);
			assertThat(get(TOKEN)).isEqualTo(Long.toString(token));
			assertThat(state()).containsOnlyKeys("server");
			// The refused releases published nothing: the first message is the holder's.
			Message message = messages.poll(10, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			assertThat(new String(message.getChannel(), StandardCharsets.UTF_8)).isEqualTo(RELEASED);
			assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
			connection.getSubscription().close();
		}
		// A claim right after the release is no loss.
		assertThat(acquire(TWO, 5000, stamp(), token, false).status()).isEqualTo(GRANTED);
	}

	@Test
	void releaseOfAMissingLeaseDoesNothing() {
		assertThat(release(ONE)).isZero();
		assertThat(RedisLeaseStores.keys(server())).isEmpty();
	}

	@Test
	void leaderReadsTheLockAndTheState() {
		assertThat(leader()).isEmpty();
		long token = acquire(ONE, 5000).value();
		List<Object> reply = leader();
		assertThat(reply.get(0)).isEqualTo(ONE);
		assertThat(reply.subList(1, reply.size())).containsSubsequence("instanceId", "one")
			.containsSubsequence("holder", ONE)
			.containsSubsequence("fencingToken", Long.toString(token))
			.contains("server", "expiresAt", "hostname", "startedAt", "acquiredAt", "lastRenewedAt")
			.hasSize(18);
	}

	private Reply acquire(String holder, long leaseMillis) {
		return acquire(holder, leaseMillis, "", 0, false);
	}

	private Reply acquire(String holder, long leaseMillis, String seenStamp, long seenToken,
			boolean quarantineNewServer) {
		List<Object> reply = this.template.execute(RedisLeaseStore.ACQUIRE, List.of(LOCK, TOKEN, STATE), holder,
				Long.toString(leaseMillis), seenStamp, Long.toString(seenToken), "host-" + holder, "1234",
				quarantineNewServer ? "1" : "0");
		assertThat(reply).isNotNull().hasSize(6);
		return new Reply((Long) reply.get(0), (Long) reply.get(1), (Long) reply.get(2), (String) reply.get(3),
				(String) reply.get(4), (Long) reply.get(5));
	}

	private List<Object> renew(String holder, long leaseMillis, long seenToken) {
		return this.template.execute(RedisLeaseStore.RENEW, List.of(LOCK, TOKEN, STATE), holder,
				Long.toString(leaseMillis), Long.toString(seenToken));
	}

	// Whether it released; the reason after a sign of loss is checked through RedisLeaseStore.
	private Long release(String holder) {
		List<Object> reply = this.template.execute(RedisLeaseStore.RELEASE, List.of(LOCK, TOKEN, STATE), holder,
				RELEASED, "0", "0");
		assertThat(reply).hasSize(3);
		return (Long) reply.get(0);
	}

	private List<Object> leader() {
		return this.template.execute(RedisLeaseStore.LEADER, List.of(LOCK, STATE));
	}

	private String get(String key) {
		return this.template.opsForValue().get(key);
	}

	private Map<Object, Object> state() {
		return this.template.opsForHash().entries(STATE);
	}

	private long pttl(String key) {
		return RedisLeaseStores.pttl(server(), key);
	}

	private long serverMicros() {
		String[] time = server().command("TIME").split("\n");
		return Long.parseLong(time[2]) * 1_000_000 + Long.parseLong(time[4]);
	}

	private static String stamp() {
		return runId() + " " + replid();
	}

	private static String runId() {
		return find(RUN_ID, server().command("INFO", "server"));
	}

	private static String replid() {
		return find(REPLID, server().command("INFO", "replication"));
	}

	private static String find(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
		return matcher.group(1);
	}

	private static RedisServer server() {
		return redis.server();
	}

	/**
	 * A reply of acquire.lua.
	 */
	private record Reply(long status, long value, long counter, String stamp, String reason, long detail) {

	}

}
