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


package io.github.leaderelection.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.support.Contenders.Contender;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful handover drains against a real redis-server: the lease is kept, renewed, while admitted work and
 * revocation listeners run, and released the moment they have returned.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaseLeaderElectorDrainTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// Longer than the one-second lease: a lease that was not renewed during the drain would have expired.
	private static final Duration LONGER_THAN_LEASE = Duration.ofMillis(1800);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private Contenders contenders;

	@BeforeEach
	void createContenders() {
		this.contenders = new Contenders(redis.connectionFactory());
	}

	@AfterEach
	void stopContenders() {
		this.contenders.close();
	}

	@Test
	void stopKeepsTheLeaseUntilRunningWorkEnds() throws Exception {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		LeaderWork work = first.elector().admit("ReportJob.run()").orElseThrow();
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(first::stop);
		await().atMost(TIMEOUT).until(() -> !first.elector().isLeader());
		assertThat(first.elector().leadership()).isEmpty();
		assertThat(first.elector().admit("ReportJob.run()")).isEmpty();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(first.recorded().events()).last()
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.SHUTDOWN)));
		await().during(LONGER_THAN_LEASE).atMost(TIMEOUT).until(() -> !second.elector().isLeader());
		assertThat(stopped).isNotDone();
		long closed = System.nanoTime();
		work.close();
		await().atMost(TIMEOUT).until(second.elector()::isLeader);
		assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofMillis(500));
		stopped.get(5, TimeUnit.SECONDS);
		assertThat(second.elector().leadership().orElseThrow().fencingToken())
			.isGreaterThan(work.leadership().fencingToken());
	}

	@Test
	void yieldKeepsTheLeaseUntilRunningWorkEnds() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		LeaderWork work = first.elector().admit("CleanupJob.run()").orElseThrow();
		first.elector().yieldLeadership();
		assertThat(first.elector().isLeader()).isFalse();
		assertThat(first.elector().admit("CleanupJob.run()")).isEmpty();
		await().during(LONGER_THAN_LEASE).atMost(TIMEOUT).until(() -> !second.elector().isLeader());
		work.close();
		await().atMost(Duration.ofMillis(500)).until(second.elector()::isLeader);
		// The yielding instance sits out, so the follower keeps the role.
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(second.elector()::isLeader);
	}

	@Test
	void revocationListenersHoldTheLeaseUntilTheyReturn() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		CountDownLatch listenerMayReturn = new CountDownLatch(1);
		first.recorded().onEvent(() -> {
			if (first.recorded().events().get(first.recorded().events().size() - 1) instanceof OnRevokedEvent) {
				awaitQuietly(listenerMayReturn);
			}
		});
		first.elector().yieldLeadership();
		await().during(LONGER_THAN_LEASE).atMost(TIMEOUT).until(() -> !second.elector().isLeader());
		listenerMayReturn.countDown();
		await().atMost(Duration.ofMillis(500)).until(second.elector()::isLeader);
	}

	@Test
	void drainTimeoutReleasesAnywayAndNamesTheWorkStillRunning(CapturedOutput output) {
		LeaseSettings settings = new LeaseSettings(Duration.ofMillis(1000), Duration.ofMillis(200),
				Duration.ofMillis(100), Duration.ofMillis(20), true, Duration.ofMillis(400));
		Contenders contenders = new Contenders(redis.connectionFactory(), settings);
		try (contenders) {
			Contender first = contenders.start("orders", "first");
			await().atMost(TIMEOUT).until(first.elector()::isLeader);
			Contender second = contenders.start("orders", "second");
			LeaderWork work = first.elector().admit("ReportJob.run()").orElseThrow();
			long stopping = System.nanoTime();
			first.stop();
			Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
			assertThat(stopTook).isBetween(Duration.ofMillis(350), Duration.ofMillis(1500));
			await().atMost(TIMEOUT).until(second.elector()::isLeader);
			assertThat(output).contains("Handing over 'orders' after the drain timeout of 400 ms although "
					+ "ReportJob.run() still run");
			work.close();
		}
	}

	@Test
	void zeroDrainTimeoutReleasesAtOnce() {
		LeaseSettings settings = new LeaseSettings(Duration.ofMillis(1000), Duration.ofMillis(200),
				Duration.ofMillis(100), Duration.ofMillis(20), true, Duration.ZERO);
		Contenders contenders = new Contenders(redis.connectionFactory(), settings);
		try (contenders) {
			Contender first = contenders.start("orders", "first");
			await().atMost(TIMEOUT).until(first.elector()::isLeader);
			Contender second = contenders.start("orders", "second");
			LeaderWork work = first.elector().admit("ReportJob.run()").orElseThrow();
			first.elector().yieldLeadership();
			await().atMost(Duration.ofMillis(500)).until(second.elector()::isLeader);
			work.close();
		}
	}

	@Test
	void leaseLostDuringTheDrainEndsItWithoutARelease() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		LeaderWork work = first.elector().admit("ReportJob.run()").orElseThrow();
		first.elector().yieldLeadership();
		redis.server().pause();
		try {
			// The renewals hang, the deadline passes: the drain ends, and only one revocation was published.
			await().atMost(TIMEOUT).until(() -> first.recorded().events().size() == 2);
			await().during(Duration.ofMillis(1200)).atMost(TIMEOUT).until(() -> first.recorded().events().size() == 2);
		}
		finally {
			redis.server().resume();
			work.close();
		}
	}

	@Test
	void manyRolesStopTogetherWhenRedisHangs() {
		List<String> roles = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			roles.add("role-" + i);
		}
		Contenders.RecordingPublisher publisher = new Contenders.RecordingPublisher();
		LeadershipEventPublisher events = new LeadershipEventPublisher(publisher);
		RedisLeaseStore store = new RedisLeaseStore(redis.connectionFactory(), "test", Duration.ofMillis(100));
		store.start();
		LeaderElectors electors = new LeaderElectors("role-0", (role) -> new LeaseLeaderElector(role, "only",
				"test-host", store, Contenders.SHORT_LEASES, events), Duration.ofSeconds(35));
		roles.forEach(electors::forRole);
		electors.start();
		try {
			await().atMost(TIMEOUT).until(() -> roles.stream().allMatch((role) -> electors.forRole(role).isLeader()));
			redis.server().pause();
			long stopping = System.nanoTime();
			electors.stop();
			// One after another, each release would wait two seconds for the hung Redis: 40 s.
			assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(6));
		}
		finally {
			redis.server().resume();
			electors.stop();
			events.close();
			store.stop();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
