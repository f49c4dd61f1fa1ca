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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
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
 * Behaviour of {@link LeaseLeaderElector} against a real redis-server, on one-second leases.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaseLeaderElectorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How late a revocation may be observed after the lease deadline. The client command
	 * timeout is 2 s, so a revocation that waited for a reply from a hung Redis would exceed this.
	 */
	private static final Duration DEADLINE_SLACK = Duration.ofMillis(500);

	private static final Duration POLL = Duration.ofMillis(10);

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
	void exactlyOneLeaderAmongFiveContendersStartedAtOnce() throws Exception {
		for (int round = 0; round < 20; round++) {
			String role = "round-" + round;
			List<Contender> started = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				started.add(this.contenders.create(role, "instance-" + i));
			}
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			for (Contender contender : started) {
				Thread thread = new Thread(() -> {
					awaitQuietly(go);
					contender.elector().start();
				});
				thread.start();
				threads.add(thread);
			}
			go.countDown();
			for (Thread thread : threads) {
				thread.join();
			}
			await().atMost(TIMEOUT).until(() -> this.contenders.leaders(role) == 1);
			await().during(Duration.ofMillis(300))
				.atMost(TIMEOUT)
				.until(() -> this.contenders.leaders(role) == 1);
			started.forEach(Contender::stop);
		}
	}

	@Test
	void followersNameTheLeaderOnRedisAndItsSuccessor(CapturedOutput output) {
		Contender first = this.contenders.start("named", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("named", "second");
		Contender third = this.contenders.start("named", "third");
		await().atMost(TIMEOUT)
			.until(() -> output.toString().contains("Following 'first', the leader of 'named'")
					&& output.toString().split("Following 'first', the leader of 'named'", -1).length == 3);
		first.stop();
		await().atMost(TIMEOUT).until(() -> second.elector().isLeader() || third.elector().isLeader());
		String next = second.elector().isLeader() ? "second" : "third";
		await().atMost(TIMEOUT)
			.until(() -> output.toString()
				.contains("Following '%s', the new leader of 'named' (was 'first')".formatted(next)));
	}

	@Test
	void followerTakesOverWhenLeaderYields() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		first.elector().yieldLeadership();
		assertThat(first.elector().isLeader()).isFalse();
		await().atMost(TIMEOUT).until(second.elector()::isLeader);
		assertThat(first.recorded().events()).last()
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.YIELDED));
	}

	@Test
	void yieldingLeaderSitsOutSoTheFollowerKeepsTheRole() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		first.elector().yieldLeadership();
		await().atMost(TIMEOUT).until(second.elector()::isLeader);
		await().during(Duration.ofMillis(1500)).atMost(TIMEOUT).until(second.elector()::isLeader);
		assertThat(first.elector().isLeader()).isFalse();
	}

	@Test
	void gracefulStopHandsOverWithinOneSecond() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		await().during(Duration.ofMillis(200)).atMost(TIMEOUT).until(() -> !second.elector().isLeader());
		long stopped = System.nanoTime();
		first.stop();
		await().atMost(TIMEOUT).until(second.elector()::isLeader);
		assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(1));
		assertThat(first.recorded().events()).last()
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.SHUTDOWN));
	}

	@Test
	void fencingTokensStrictlyIncreaseAcrossFiftyHandovers() {
		List<Long> tokens = new ArrayList<>();
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		Contender leader = first;
		Contender follower = second;
		for (int handover = 0; handover < 50; handover++) {
			tokens.add(leader.elector().leadership().orElseThrow().fencingToken());
			// Stopping the elector, not its store, keeps the store's release subscription, as a follower
			// that has been running for a while has it.
			leader.elector().stop();
			Contender next = follower;
			await().pollInterval(Duration.ofMillis(5)).atMost(TIMEOUT).until(next.elector()::isLeader);
			leader.elector().start();
			follower = leader;
			leader = next;
		}
		assertThat(tokens).hasSize(50).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void followerSeesTheCurrentLeader() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		Leadership leadership = first.elector().leadership().orElseThrow();
		LeaderInfo leader = second.elector().currentLeader().orElseThrow();
		assertThat(leader.instanceId()).isEqualTo("first");
		assertThat(leader.role()).isEqualTo("orders");
		assertThat(leader.hostname()).isEqualTo("test-host");
		assertThat(leader.fencingToken()).isEqualTo(leadership.fencingToken());
		assertThat(leader.lastRenewedAt()).isAfterOrEqualTo(leader.acquiredAt());
		first.stop();
		await().atMost(TIMEOUT).until(() -> second.elector().currentLeader().map(LeaderInfo::instanceId)
			.filter("second"::equals)
			.isPresent());
	}

	@Test
	void awaitLeadershipAnswersWhetherThisInstanceLeads() throws InterruptedException {
		Contender first = this.contenders.start("orders", "first");
		assertThat(first.elector().awaitLeadership(TIMEOUT)).isTrue();
		Contender second = this.contenders.start("orders", "second");
		assertThat(second.elector().awaitLeadership(Duration.ofMillis(300))).isFalse();
	}

	@Test
	void eventsAlternateBetweenGrantAndRevokeOnTheEventThread() {
		Contender first = this.contenders.start("orders", "first");
		Contender second = this.contenders.start("orders", "second");
		for (int i = 0; i < 3; i++) {
			await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
			Contender leader = first.elector().isLeader() ? first : second;
			leader.elector().yieldLeadership();
		}
		await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
		first.stop();
		second.stop();
		for (Contender contender : List.of(first, second)) {
			List<LeadershipEvent> events = contender.recorded().events();
			assertThat(events).isNotEmpty().hasSizeLessThanOrEqualTo(8);
			assertThat(events.size() % 2).isZero();
			for (int i = 0; i < events.size(); i += 2) {
				assertThat(events.get(i)).isInstanceOf(OnGrantedEvent.class);
				assertThat(events.get(i + 1)).isInstanceOf(OnRevokedEvent.class);
				assertThat(events.get(i + 1).fencingToken()).isEqualTo(events.get(i).fencingToken());
			}
			assertThat(contender.recorded().threads()).containsOnly("leader-election-events");
		}
	}

	@Test
	void remainingLeaseIsKnownToTheLeaderOnly() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		Contender second = this.contenders.start("orders", "second");
		assertThat(first.elector().remainingLease()).hasValueSatisfying((remaining) -> assertThat(remaining)
			.isPositive()
			.isLessThan(Contenders.SHORT_LEASES.leaseDuration()));
		assertThat(second.elector().remainingLease()).isEmpty();
	}

	@Test
	void slowListenerDoesNotCostTheLease() {
		Contender first = this.contenders.create("orders", "first");
		CountDownLatch release = new CountDownLatch(1);
		first.recorded().onEvent(() -> awaitQuietly(release));
		first.elector().start();
		try {
			await().atMost(TIMEOUT).until(first.elector()::isLeader);
			// The listener blocks for three leases; renewals must go on meanwhile.
			await().during(Duration.ofSeconds(3)).atMost(TIMEOUT).until(first.elector()::isLeader);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void throwingListenerDoesNotStopTheElector() {
		Contender first = this.contenders.create("orders", "first");
		first.recorded().onEvent(() -> {
			throw new IllegalStateException("listener failure");
		});
		first.elector().start();
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		first.elector().yieldLeadership();
		Contender second = this.contenders.start("orders", "second");
		await().atMost(TIMEOUT).until(second.elector()::isLeader);
		second.elector().yieldLeadership();
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		assertThat(first.recorded().events()).hasSize(3);
	}

	@Test
	void leaderRevokesByItsDeadlineWhenRedisStopsAndIsReelectedWhenItReturns() {
		Contender first = this.contenders.start("orders", "first");
		Contender second = this.contenders.start("orders", "second");
		await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
		Contender leader = first.elector().isLeader() ? first : second;
		long stopped = System.nanoTime();
		redis.server().stop();
		await().pollInterval(POLL).atMost(TIMEOUT).until(() -> !leader.elector().isLeader());
		assertThat(Duration.ofNanos(System.nanoTime() - stopped))
			.isLessThanOrEqualTo(Contenders.SHORT_LEASES.leaseDuration().plus(DEADLINE_SLACK));
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(leader.recorded().events()).last()
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.LEASE_EXPIRED)));
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 0);
		redis.server().restart();
		await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
	}

	@Test
	void pausedRedisCannotKeepALeaderPastItsDeadline() {
		Contender first = this.contenders.start("orders", "first");
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
		long paused = System.nanoTime();
		redis.server().pause();
		try {
			await().pollInterval(POLL).atMost(TIMEOUT).until(() -> !first.elector().isLeader());
			assertThat(Duration.ofNanos(System.nanoTime() - paused))
				.isLessThanOrEqualTo(Contenders.SHORT_LEASES.leaseDuration().plus(DEADLINE_SLACK));
			// The revocation comes from the deadline timer while the renewal still hangs.
			await().atMost(Duration.ofMillis(500)).untilAsserted(() -> assertThat(first.recorded().events()).last()
				.isInstanceOfSatisfying(OnRevokedEvent.class,
						(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.LEASE_EXPIRED)));
		}
		finally {
			redis.server().resume();
		}
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
	}

	@Test
	void redisRestartWithDataLossNeverShowsTwoLeaders() throws Exception {
		List<Contender> started = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			started.add(this.contenders.start("orders", "instance-" + i));
		}
		await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
		long before = started.stream()
			.flatMap((contender) -> contender.elector().leadership().stream())
			.mapToLong(Leadership::fencingToken)
			.max()
			.orElseThrow();
		AtomicInteger mostLeaders = new AtomicInteger();
		AtomicBoolean sampling = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				int leaders = (int) this.contenders.leaders("orders");
				mostLeaders.accumulateAndGet(leaders, Math::max);
				LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
			}
		});
		sampler.start();
		try {
			redis.server().restart();
			await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 0);
			await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
			await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
		}
		finally {
			sampling.set(false);
			sampler.join();
		}
		assertThat(mostLeaders.get()).isEqualTo(1);
		long after = started.stream()
			.flatMap((contender) -> contender.elector().leadership().stream())
			.mapToLong(Leadership::fencingToken)
			.max()
			.orElseThrow();
		assertThat(after).isGreaterThan(before);
	}

	@Test
	void electsOnceRedisBecomesReachable() {
		redis.server().stop();
		Contender first = this.contenders.start("orders", "first");
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> !first.elector().isLeader());
		redis.server().restart();
		await().atMost(TIMEOUT).until(first.elector()::isLeader);
	}

	@Test
	void stopLeavesNoThreadAndNoLease() {
		Contender first = this.contenders.start("orders", "first");
		Contender second = this.contenders.start("orders", "second");
		await().atMost(TIMEOUT).until(() -> this.contenders.leaders("orders") == 1);
		first.stop();
		second.stop();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.getName().startsWith("leader-election-orders")));
		assertThat(redis.server().command("KEYS", "*")).doesNotContain(":lock")
			.contains("{test:orders}:token", "{test:orders}:state");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
