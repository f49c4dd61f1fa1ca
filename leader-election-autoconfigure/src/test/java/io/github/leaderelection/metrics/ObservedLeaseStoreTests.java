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

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore.Subscription;
import io.github.leaderelection.test.RedisServerExtension;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

/**
 * Tests for {@link ObservedLeaseStore} around a {@link RedisLeaseStore} on a real Redis server: every operation is
 * delegated and timed with its outcome, and a store that cannot be reached is timed as an error.
 */
class ObservedLeaseStoreTests {

	private static final Duration LEASE = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final DistributionSummary renewalsPerCall = DistributionSummary.builder(ObservedLeaseStore.RENEWALS)
		.register(this.meters);

	private RedisLeaseStore redisStore;

	private LettuceConnectionFactory deadFactory;

	ObservedLeaseStoreTests() {
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@AfterEach
	void stop() {
		if (this.redisStore != null) {
			this.redisStore.stop();
		}
		if (this.deadFactory != null) {
			this.deadFactory.destroy();
		}
	}

	@Test
	void everyOperationIsDelegatedAndTimedWithItsOutcome() throws InterruptedException {
		ObservedLeaseStore store = observed(true);
		LeaseHolder first = LeaseHolder.withRandomNonce("node-1");
		LeaseHolder second = LeaseHolder.withRandomNonce("node-2");
		assertThat(store.acquire(claim("orders", first)).outcome()).isEqualTo(Outcome.GRANTED);
		assertThat(store.acquire(claim("orders", second)).outcome()).isEqualTo(Outcome.HELD);
		assertThat(store.acquire(claim("reports", first)).outcome()).isEqualTo(Outcome.GRANTED);
		assertThat(store.renew("orders", first, LEASE)).isTrue();
		assertThat(store.renew("orders", second, LEASE)).isFalse();
		assertThat(store.renewAll(List.of(new LeaseRenewal("orders", first, LEASE),
				new LeaseRenewal("reports", first, LEASE), new LeaseRenewal("orders", second, LEASE))))
			.containsExactly(true, true, false);
		assertThat(store.currentLeader("orders")).hasValueSatisfying(
				(leader) -> assertThat(leader.instanceId()).isEqualTo("node-1"));
		CountDownLatch released = new CountDownLatch(1);
		try (Subscription subscription = store.onRelease("orders", released::countDown)) {
			assertThat(store.release("orders", first)).isTrue();
			assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(store.release("orders", first)).isFalse();
		assertThat(store.currentLeader("orders")).isEmpty();

		assertThat(calls("acquire", "granted", "orders")).isOne();
		assertThat(calls("acquire", "held", "orders")).isOne();
		assertThat(calls("acquire", "granted", "reports")).isOne();
		assertThat(calls("renew", "renewed", "orders")).isOne();
		assertThat(calls("renew", "refused", "orders")).isOne();
		assertThat(calls("renew-all", "refused", "*")).isOne();
		assertThat(calls("release", "released", "orders")).isOne();
		assertThat(calls("release", "not-held", "orders")).isOne();
		assertThat(calls("current-leader", "found", "orders")).isOne();
		assertThat(calls("current-leader", "none", "orders")).isOne();
		assertThat(this.renewalsPerCall.count()).isOne();
		assertThat(this.renewalsPerCall.totalAmount()).isEqualTo(3);
		assertThat(store.toString()).isEqualTo(this.redisStore.toString());
	}

	@Test
	void unreachableStoreIsTimedAsAnError() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.deadFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		this.deadFactory.afterPropertiesSet();
		this.deadFactory.start();
		RedisLeaseStore dead = new RedisLeaseStore(this.deadFactory, "leader-election", Duration.ofMillis(200),
				RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false));
		ObservedLeaseStore store = new ObservedLeaseStore(dead, this.observations, this.renewalsPerCall, true);
		RuntimeException failure = catchRuntimeException(
				() -> store.acquire(claim("orders", LeaseHolder.withRandomNonce("node-1"))));
		assertThat(failure).isNotNull();
		Timer timer = this.meters.get(ObservedLeaseStore.NAME)
			.tags("operation", "acquire", "outcome", "error", "role", "orders")
			.timer();
		assertThat(timer.count()).isOne();
		assertThat(timer.getId().getTag("error")).isEqualTo(failure.getClass().getSimpleName());
	}

	@Test
	void withoutTheRoleTagTheTimersAddUpAllRoles() {
		ObservedLeaseStore store = observed(false);
		store.acquire(claim("orders", LeaseHolder.withRandomNonce("node-1")));
		store.acquire(claim("reports", LeaseHolder.withRandomNonce("node-1")));
		Timer timer = this.meters.get(ObservedLeaseStore.NAME)
			.tags("operation", "acquire", "outcome", "granted")
			.timer();
		assertThat(timer.count()).isEqualTo(2);
		assertThat(timer.getId().getTag("role")).isNull();
	}

	@Test
	void withoutAHandlerNothingIsObserved() {
		ObservedLeaseStore store = new ObservedLeaseStore(redisStore(), ObservationRegistry.create(), null, true);
		assertThat(store.acquire(claim("orders", LeaseHolder.withRandomNonce("node-1"))).isGranted()).isTrue();
		assertThat(this.meters.find(ObservedLeaseStore.NAME).meters()).isEmpty();
	}

	private ObservedLeaseStore observed(boolean roleTag) {
		return new ObservedLeaseStore(redisStore(), this.observations, this.renewalsPerCall, roleTag);
	}

	private RedisLeaseStore redisStore() {
		this.redisStore = new RedisLeaseStore(redis.connectionFactory(), "leader-election", Duration.ofMillis(200),
				RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false));
		this.redisStore.start();
		return this.redisStore;
	}

	private long calls(String operation, String outcome, String role) {
		Timer timer = this.meters.find(ObservedLeaseStore.NAME)
			.tags("operation", operation, "outcome", outcome, "role", role)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static LeaseClaim claim(String role, LeaseHolder holder) {
		return new LeaseClaim(role, holder, "localhost", Instant.now(), LEASE);
	}

}
