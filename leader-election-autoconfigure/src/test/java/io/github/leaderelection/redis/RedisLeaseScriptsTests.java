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

import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for each Lua script of {@link RedisLeaseStore} on its own, run through a {@link StringRedisTemplate} against a
 * real Redis server.
 */
class RedisLeaseScriptsTests {

	private static final String LOCK = "{test:orders}:lock";

	private static final String INFO = "{test:orders}:info";

	private static final String TOKEN = "{test:orders}:token";

	private static final String EPOCH = "{test:orders}:epoch";

	private static final String QUARANTINE = "{test:orders}:quarantine";

	private static final String RELEASED = "{test:orders}:released";

	private static final String KNOWN_EPOCH = "1700000000000000";

	private static final long GRANTED = 1;

	private static final long HELD = 0;

	private static final long QUARANTINED = 2;

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final StringRedisTemplate template = new StringRedisTemplate(redis.connectionFactory());

	@Test
	void acquireGrantsWithAClockSeededTokenAndWritesTheLease() {
		long before = serverMicros();
		List<Object> reply = acquireKnown("one", 1000, 0);
		assertThat(reply).hasSize(3).startsWith(GRANTED).endsWith(KNOWN_EPOCH);
		assertThat((Long) reply.get(1)).isGreaterThan(before).isGreaterThan(1_000_000_000_000_000L);
		assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("one");
		assertThat(this.template.opsForValue().get(TOKEN)).isEqualTo(reply.get(1).toString());
		Map<Object, Object> info = this.template.opsForHash().entries(INFO);
		assertThat(info).containsEntry("instanceId", "one")
			.containsEntry("hostname", "host-one")
			.containsEntry("startedAt", "1234")
			.containsEntry("fencingToken", reply.get(1).toString())
			.containsKeys("acquiredAt", "lastRenewedAt");
		assertThat(info.get("acquiredAt")).isEqualTo(info.get("lastRenewedAt"));
		assertThat(pttl(LOCK)).isPositive().isLessThanOrEqualTo(1000);
		assertThat(pttl(INFO)).isPositive().isLessThanOrEqualTo(1000);
		assertThat(pttl(TOKEN)).isEqualTo(-1);
		assertThat(pttl(EPOCH)).isEqualTo(-1);
		assertThat(pttl(QUARANTINE)).isEqualTo(-2);
		assertThat(RedisLeaseStores.keys(server())).allMatch((key) -> key.startsWith("{test:orders}:"));
	}

	@Test
	void acquireWhileAnotherInstanceHoldsTheLeaseRepliesWithItsRemainingTime() {
		long token = (Long) acquireKnown("one", 5000, 0).get(1);
		List<Object> reply = acquireKnown("two", 5000, 0);
		assertThat(reply).startsWith(HELD).endsWith(KNOWN_EPOCH);
		assertThat((Long) reply.get(1)).isPositive().isLessThanOrEqualTo(5000).isGreaterThan(4000);
		assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("one");
		assertThat(this.template.opsForValue().get(TOKEN)).isEqualTo(Long.toString(token));
		assertThat(this.template.opsForHash().get(INFO, "instanceId")).isEqualTo("one");
	}

	@Test
	void acquireByTheHolderGrantsTheNextTokenAndAFullLease() {
		long token = (Long) acquireKnown("one", 1000, 0).get(1);
		List<Object> reply = acquireKnown("one", 5000, 0);
		assertThat(reply).startsWith(GRANTED).contains(token + 1);
		assertThat(pttl(LOCK)).isGreaterThan(4000);
		assertThat(pttl(INFO)).isGreaterThan(4000);
	}

	@Test
	void acquireSeedsALostTokenCounterAboveTheClockAndTheCallersTokens() {
		long first = (Long) acquireKnown("one", 1000, 0).get(1);
		this.template.delete(List.of(LOCK, TOKEN));
		long before = serverMicros();
		long second = (Long) acquireKnown("two", 1000, 0).get(1);
		assertThat(second).isGreaterThan(first).isGreaterThan(before);
		this.template.delete(List.of(LOCK, TOKEN));
		long third = (Long) acquireKnown("two", 1000, 8_000_000_000_000_000L).get(1);
		assertThat(third).isEqualTo(8_000_000_000_000_001L);
	}

	@Test
	void acquireOnFirstContactWithAServerUpLongerThanTheLeaseGrantsAtOnce() {
		RedisLeaseStores.awaitUptime(server(), Duration.ofSeconds(1));
		List<Object> reply = acquire("one", 1000, "", 0);
		assertThat(reply).startsWith(GRANTED);
		assertThat(this.template.opsForValue().get(EPOCH)).isEqualTo(reply.get(2));
		assertThat(Long.parseLong((String) reply.get(2))).isGreaterThan(1_000_000_000_000_000L);
		assertThat(pttl(QUARANTINE)).isEqualTo(-2);
	}

	@Test
	void acquireOnAServerThatJustRestartedQuarantinesEveryRole() {
		server().restart();
		assertThat(RedisLeaseStores.uptime(server())).isLessThan(Duration.ofSeconds(5));
		List<Object> firstContact = acquire("one", 60_000, "", 0);
		assertThat(firstContact).startsWith(QUARANTINED);
		assertThat((Long) firstContact.get(1)).isGreaterThan(50_000).isLessThanOrEqualTo(60_000);
		assertThat(this.template.opsForValue().get(EPOCH)).isEqualTo(firstContact.get(2));
		assertThat(pttl(QUARANTINE)).isGreaterThan(50_000);
		assertThat(acquire("two", 60_000, (String) firstContact.get(2), 0)).startsWith(QUARANTINED);
		assertThat(this.template.hasKey(LOCK)).isFalse();
		assertThat(this.template.hasKey(TOKEN)).isFalse();
		assertThat(this.template.hasKey(INFO)).isFalse();
	}

	@Test
	void acquireWithAKnownEpochOnAServerThatJustRestartedQuarantinesForAFullLease() {
		server().restart();
		List<Object> reply = acquire("one", 60_000, KNOWN_EPOCH, 0);
		assertThat(reply).startsWith(QUARANTINED);
		assertThat((Long) reply.get(1)).isGreaterThan(59_000).isLessThanOrEqualTo(60_000);
		assertThat(this.template.hasKey(LOCK)).isFalse();
	}

	@Test
	void acquireAfterALossSeenByTheCallerQuarantinesForAFullLease() {
		// The caller knows an epoch that the server no longer has.
		List<Object> reply = acquire("one", 60_000, KNOWN_EPOCH, 0);
		assertThat(reply).startsWith(QUARANTINED);
		assertThat((Long) reply.get(1)).isGreaterThan(59_000).isLessThanOrEqualTo(60_000);
		assertThat(reply.get(2)).isNotEqualTo(KNOWN_EPOCH);
		assertThat(pttl(QUARANTINE)).isGreaterThan(59_000);
		assertThat(this.template.hasKey(LOCK)).isFalse();
	}

	@Test
	void acquireGrantsAgainOnceTheQuarantineEnded() {
		List<Object> quarantined = acquire("one", 500, KNOWN_EPOCH, 0);
		assertThat(quarantined).startsWith(QUARANTINED);
		String epoch = (String) quarantined.get(2);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> (Long) acquire("two", 500, epoch, 0).get(0) == GRANTED);
		assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("two");
	}

	@Test
	void renewExtendsTheLeaseOfTheHolderAndRecordsTheTime() {
		acquireKnown("one", 1000, 0);
		String acquiredAt = (String) this.template.opsForHash().get(INFO, "acquiredAt");
		assertThat(renew("one", 5000)).isEqualTo(1);
		assertThat(pttl(LOCK)).isGreaterThan(4000).isLessThanOrEqualTo(5000);
		assertThat(pttl(INFO)).isGreaterThan(4000).isLessThanOrEqualTo(5000);
		String lastRenewedAt = (String) this.template.opsForHash().get(INFO, "lastRenewedAt");
		assertThat(Long.parseLong(lastRenewedAt)).isGreaterThanOrEqualTo(Long.parseLong(acquiredAt));
		assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("one");
	}

	@Test
	void renewByAnotherInstanceLeavesTheLease() {
		acquireKnown("one", 1000, 0);
		assertThat(renew("two", 5000)).isZero();
		assertThat(pttl(LOCK)).isLessThanOrEqualTo(1000);
		assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("one");
	}

	@Test
	void renewNeverRecreatesAMissingLease() {
		assertThat(renew("one", 5000)).isZero();
		assertThat(RedisLeaseStores.keys(server())).isEmpty();
	}

	@Test
	void releaseByTheHolderDeletesTheLeaseAndPublishesOnTheRoleChannel() throws InterruptedException {
		acquireKnown("one", 5000, 0);
		BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			connection.subscribe((message, pattern) -> messages.add(message),
					RELEASED.getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> RedisLeaseStores.channelSubscribers(server(), RELEASED) == 1);
			assertThat(release("two")).isZero();
			assertThat(this.template.opsForValue().get(LOCK)).isEqualTo("one");
			assertThat(release("one")).isEqualTo(1);
			assertThat(RedisLeaseStores.keys(server())).containsExactlyInAnyOrder(TOKEN, EPOCH);
			// The refused release published nothing: the first message is the holder's.
			Message message = messages.poll(10, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			assertThat(new String(message.getChannel(), StandardCharsets.UTF_8)).isEqualTo(RELEASED);
			assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).isEqualTo("one");
			connection.getSubscription().close();
		}
	}

	@Test
	void releaseOfAMissingLeaseDoesNothing() {
		assertThat(release("one")).isZero();
		assertThat(RedisLeaseStores.keys(server())).isEmpty();
	}

	@Test
	void leaderReadsTheHolderAndItsInfo() {
		assertThat(leader()).isEmpty();
		long token = (Long) acquireKnown("one", 5000, 0).get(1);
		List<Object> reply = leader();
		assertThat(reply.get(0)).isEqualTo("one");
		assertThat(reply.subList(1, reply.size())).containsSubsequence("instanceId", "one")
			.containsSubsequence("fencingToken", Long.toString(token))
			.contains("hostname", "startedAt", "acquiredAt", "lastRenewedAt")
			.hasSize(12);
	}

	private List<Object> acquireKnown(String instanceId, long leaseMillis, long seenToken) {
		// A known epoch of the data set: the role is granted without waiting for the server's uptime.
		this.template.opsForValue().setIfAbsent(EPOCH, KNOWN_EPOCH);
		return acquire(instanceId, leaseMillis, KNOWN_EPOCH, seenToken);
	}

	private List<Object> acquire(String instanceId, long leaseMillis, String seenEpoch, long seenToken) {
		List<String> keys = List.of(LOCK, TOKEN, INFO, EPOCH, QUARANTINE);
		List<Object> reply = this.template.execute(RedisLeaseStore.ACQUIRE, keys, instanceId,
				Long.toString(leaseMillis), seenEpoch, "host-" + instanceId, "1234", Long.toString(seenToken));
		assertThat(reply).isNotNull();
		return reply;
	}

	private Long renew(String instanceId, long leaseMillis) {
		return this.template.execute(RedisLeaseStore.RENEW, List.of(LOCK, INFO), instanceId,
				Long.toString(leaseMillis));
	}

	private Long release(String instanceId) {
		return this.template.execute(RedisLeaseStore.RELEASE, List.of(LOCK, INFO), instanceId, RELEASED);
	}

	private List<Object> leader() {
		return this.template.execute(RedisLeaseStore.LEADER, List.of(LOCK, INFO));
	}

	private long pttl(String key) {
		return RedisLeaseStores.pttl(server(), key);
	}

	private long serverMicros() {
		String[] time = server().command("TIME").split("\n");
		return Long.parseLong(time[2]) * 1_000_000 + Long.parseLong(time[4]);
	}

	private static RedisServer server() {
		return redis.server();
	}

}
