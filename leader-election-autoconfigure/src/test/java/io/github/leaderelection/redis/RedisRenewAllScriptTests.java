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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongBiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for renew-all.lua on its own against a real Redis server: for each role of a call it does what renew.lua
 * does for that role alone, in every case renew.lua tells apart, down to the keys it leaves behind.
 */
class RedisRenewAllScriptTests {

	private static final String ONE = "one nonce-1";

	private static final String TWO = "two nonce-2";

	// The instance id of ONE, in another process.
	private static final String ONE_AGAIN = "one nonce-9";

	private static final long LEASE = 60_000;

	// Fields of the state that hold a time, or a token taken from the clock: equal only within a margin.
	private static final Set<String> TIMES = Set.of("expiresAt", "acquiredAt", "lastRenewedAt", "quarantineUntil");

	private static final Pattern REPLID = Pattern.compile("master_replid:(\\w+)");

	private static final Pattern SCRIPT_TIME = Pattern.compile("cmdstat_evalsha:calls=1,usec=(\\d+)");

	private static final Pattern RUN_ID = Pattern.compile("run_id:(\\w+)");

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final StringRedisTemplate template = new StringRedisTemplate(redis.connectionFactory());

	static Stream<Scenario> scenarios() {
		return Stream.of(new Scenario("held by the caller", ONE, 1, "", (test, role) -> test.acquire(role, ONE)),
				new Scenario("held by another instance", TWO, 0, "", (test, role) -> test.acquire(role, ONE)),
				new Scenario("held under the caller's instance id with another nonce", ONE_AGAIN, 0, "",
						(test, role) -> test.acquire(role, ONE)),
				new Scenario("released", ONE, 0, "", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.execute(RedisLeaseStore.RELEASE, List.of(role.lock(), role.token(), role.state()),
							ONE, role.tag() + ":released", "5000", Long.toString(token));
					return token;
				}), new Scenario("expired", ONE, 0, "", (test, role) -> {
					long token = test.acquire(role, ONE, 100);
					await().atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(20))
						.until(() -> !test.template.hasKey(role.lock()));
					return token;
				}), new Scenario("quarantined by an earlier sign of loss", ONE, 0, "", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.delete(role.lock());
					assertThat(test.renew(role, ONE, token)).containsExactly(0L, "lock-vanished");
					return token;
				}), new Scenario("gone, though the caller saw it", ONE, 0, "data-gone", (test, role) -> 42),
				new Scenario("state deleted while the lock is held", ONE, 0, "data-gone", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.delete(role.state());
					return token;
				}), new Scenario("written last by another server", ONE, 0, "moved", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.opsForHash().put(role.state(), "server", "other-run " + replid());
					return token;
				}), new Scenario("written under another replication id of the same process", ONE, 1, "",
						(test, role) -> {
							long token = test.acquire(role, ONE);
							test.template.opsForHash().put(role.state(), "server", runId() + " other-replid");
							return token;
						}),
				new Scenario("lock vanished before its expiry", ONE, 0, "lock-vanished", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.delete(role.lock());
					return token;
				}), new Scenario("counter below the caller's token", ONE, 0, "rolled-back", (test, role) -> {
					long token = test.acquire(role, ONE);
					test.template.opsForValue().set(role.token(), Long.toString(token - 1));
					return token;
				}));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("scenarios")
	void renewsEachRoleAsRenewLuaDoesAlone(Scenario scenario) {
		RedisLeaseStore.Keys alone = new RedisLeaseStore.Keys("{test:alone}");
		RedisLeaseStore.Keys inBatch = new RedisLeaseStore.Keys("{test:in-batch}");
		RedisLeaseStore.Keys before = new RedisLeaseStore.Keys("{test:before}");
		RedisLeaseStore.Keys after = new RedisLeaseStore.Keys("{test:after}");
		long aloneToken = scenario.setUp().applyAsLong(this, alone);
		long inBatchToken = scenario.setUp().applyAsLong(this, inBatch);
		long beforeToken = acquire(before, ONE);
		long afterToken = acquire(after, TWO);
		List<Object> single = renew(alone, scenario.caller(), aloneToken);
		List<Object> all = renewAll(List.of(new Renewal(before, ONE, beforeToken),
				new Renewal(inBatch, scenario.caller(), inBatchToken), new Renewal(after, TWO, afterToken)));
		assertThat(single).containsExactly(scenario.status(), scenario.reason());
		assertThat(all).containsExactly(1L, "", scenario.status(), scenario.reason(), 1L, "");
		assertSameData(alone, aloneToken, inBatch, inBatchToken);
	}

	@Test
	void renewsAsManyRolesAsTheStoreSendsInOneCall() {
		int roles = RedisLeaseStore.MAX_RENEWALS_PER_CALL;
		List<Renewal> renewals = new ArrayList<>();
		for (int i = 0; i < roles; i++) {
			RedisLeaseStore.Keys role = new RedisLeaseStore.Keys("{test:role-" + i + "}");
			String holder = (i % 3 == 0) ? TWO : ONE;
			renewals.add(new Renewal(role, holder, acquire(role, ONE)));
		}
		// Loaded first, so that the call is one EVALSHA rather than a failed one and an EVAL.
		assertThat(renewAll(List.of())).isEmpty();
		assertThat(server().command("CONFIG", "RESETSTAT")).isEqualTo("+OK");
		List<Object> reply = renewAll(renewals);
		assertThat(reply).hasSize(2 * roles);
		for (int i = 0; i < roles; i++) {
			assertThat(reply.subList(2 * i, 2 * i + 2)).as("role-%d", i)
				.containsExactly((i % 3 == 0) ? 0L : 1L, "");
		}
		String stats = server().command("INFO", "commandstats");
		assertThat(stats).containsPattern("cmdstat_evalsha:calls=1,.*failed_calls=0").doesNotContain("cmdstat_eval:");
		System.out.println("renew-all.lua of %d roles: %s us".formatted(roles, find(SCRIPT_TIME, stats)));
	}

	@Test
	void refusesKeysAndValuesThatAreNotThreePerRole() {
		RedisLeaseStore.Keys role = new RedisLeaseStore.Keys("{test:orders}");
		assertThatExceptionOfType(RedisSystemException.class)
			.isThrownBy(() -> this.template.execute(RedisLeaseStore.RENEW_ALL,
					List.of(role.lock(), role.token(), role.state()), ONE, "1000"))
			.withStackTraceContaining("renew-all.lua takes three keys and three values per role, got 3 keys and 2 values");
		assertThatExceptionOfType(RedisSystemException.class)
			.isThrownBy(() -> this.template.execute(RedisLeaseStore.RENEW_ALL, List.of(role.lock(), role.token()),
					ONE, "1000"))
			.withStackTraceContaining("got 2 keys and 2 values");
		assertThat(this.template.hasKey(role.state())).isFalse();
	}

	// Both roles hold the same keys, with the same values but for times and clock-seeded tokens.
	private void assertSameData(RedisLeaseStore.Keys alone, long aloneToken, RedisLeaseStore.Keys inBatch,
			long inBatchToken) {
		assertThat(this.template.opsForValue().get(inBatch.lock())).isEqualTo(get(alone.lock()));
		long alonePttl = RedisLeaseStores.pttl(server(), alone.lock());
		long inBatchPttl = RedisLeaseStores.pttl(server(), inBatch.lock());
		assertThat(inBatchPttl < 0).isEqualTo(alonePttl < 0);
		assertThat(inBatchPttl).isCloseTo(alonePttl, within(1000L));
		assertThat(Long.signum(counter(inBatch) - inBatchToken)).as("counter against the caller's token")
			.isEqualTo(Long.signum(counter(alone) - aloneToken));
		Map<Object, Object> expected = this.template.opsForHash().entries(alone.state());
		Map<Object, Object> actual = this.template.opsForHash().entries(inBatch.state());
		assertThat(actual.keySet()).isEqualTo(expected.keySet());
		expected.forEach((field, value) -> {
			String other = (String) actual.get(field);
			if (TIMES.contains(field)) {
				assertThat(Long.parseLong(other)).as((String) field).isCloseTo(Long.parseLong((String) value),
						within(1000L));
			}
			else if (field.equals("fencingToken")) {
				assertThat(Long.parseLong(other) - inBatchToken).as("fencingToken")
					.isEqualTo(Long.parseLong((String) value) - aloneToken);
			}
			else {
				assertThat(other).as((String) field).isEqualTo(value);
			}
		});
	}

	private long acquire(RedisLeaseStore.Keys role, String holder) {
		return acquire(role, holder, LEASE);
	}

	private long acquire(RedisLeaseStore.Keys role, String holder, long leaseMillis) {
		List<Object> reply = this.template.execute(RedisLeaseStore.ACQUIRE,
				List.of(role.lock(), role.token(), role.state()), holder, Long.toString(leaseMillis), "", "0",
				"host-" + holder, "1234", "0");
		assertThat(reply).isNotNull().hasSize(6);
		assertThat(reply.get(0)).isEqualTo(RedisLeaseStore.GRANTED);
		return (Long) reply.get(1);
	}

	private List<Object> renew(RedisLeaseStore.Keys role, String holder, long seenToken) {
		return this.template.execute(RedisLeaseStore.RENEW, List.of(role.lock(), role.token(), role.state()), holder,
				Long.toString(LEASE), Long.toString(seenToken));
	}

	private List<Object> renewAll(List<Renewal> renewals) {
		List<String> keys = new ArrayList<>();
		List<String> args = new ArrayList<>();
		for (Renewal renewal : renewals) {
			keys.addAll(List.of(renewal.role().lock(), renewal.role().token(), renewal.role().state()));
			args.addAll(List.of(renewal.holder(), Long.toString(LEASE), Long.toString(renewal.seenToken())));
		}
		return this.template.execute(RedisLeaseStore.RENEW_ALL, keys, args.toArray());
	}

	private String get(String key) {
		return this.template.opsForValue().get(key);
	}

	private long counter(RedisLeaseStore.Keys role) {
		String value = get(role.token());
		return (value != null) ? Long.parseLong(value) : 0;
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
	 * A state of a role's keys and who renews it, with what renew.lua answers.
	 *
	 * @param name what the case is
	 * @param caller the holder that renews
	 * @param status the status renew.lua replies
	 * @param reason the reason renew.lua replies
	 * @param setUp brings a role's keys into the state and returns the highest token the caller saw
	 */
	record Scenario(String name, String caller, long status, String reason,
			ToLongBiFunction<RedisRenewAllScriptTests, RedisLeaseStore.Keys> setUp) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	private record Renewal(RedisLeaseStore.Keys role, String holder, long seenToken) {

	}

}
