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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.support.Contenders.RecordingPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's own rules, on an in-memory store double and clocks the test moves: the two-clock deadline, replies
 * that return into a restarted elector, and what a refusal tells the operator.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeaseLeaderElectorEngineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// Long enough that no renewal or expiry timer fires on its own during a test: the test moves the clocks.
	private static final LeaseSettings LONG_LEASES = new LeaseSettings(Duration.ofHours(1), Duration.ofMinutes(20),
			Duration.ofMillis(100), Duration.ZERO, true);

	private final FakeClock clock = new FakeClock();

	private final InMemoryLeaseStore store = new InMemoryLeaseStore();

	private final RecordingPublisher recorded = new RecordingPublisher();

	private final LeadershipEventPublisher events = new LeadershipEventPublisher(this.recorded);

	private LeaseLeaderElector elector = new LeaseLeaderElector("orders", "node-1", "host", this.store, LONG_LEASES,
			this.events, this.clock);

	@AfterEach
	void stop() {
		this.store.releaseAcquires();
		this.elector.stop();
		this.events.close();
	}

	@Test
	void aSuspendedMachineLosesTheGrantByTheWallClock() {
		this.elector.start();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		// Suspended for an hour: CLOCK_MONOTONIC stood still, the wall clock did not.
		this.clock.advanceWall(Duration.ofMinutes(61));
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(this.elector.leadership()).isEmpty();
		assertThat(this.elector.remainingLease()).isEmpty();
		// The store double never expires a lease, so the next claim may grant it again: the revocation comes first.
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.recorded.events()).hasSizeGreaterThan(1)
			.element(1)
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.LEASE_EXPIRED)));
	}

	@Test
	void aSuspendedMachineRevokesByTheWallClockWithoutAnyoneAsking() {
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.recorded.events().size() == 1);
		// No renewal is due and nobody calls isLeader(): only the deadline timer can notice, and it runs on the
		// monotonic clock, which stood still.
		this.clock.advanceWall(Duration.ofMinutes(61));
		// The store double never expires a lease, so the next claim may grant it again: the revocation comes first.
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(this.recorded.events()).hasSizeGreaterThan(1)
			.element(1)
			.isInstanceOfSatisfying(OnRevokedEvent.class,
					(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.LEASE_EXPIRED)));
	}

	@Test
	void aWallClockStepBackDoesNotExtendTheGrant() {
		this.elector.start();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		this.clock.advanceWall(Duration.ofHours(-5));
		assertThat(this.elector.isLeader()).isTrue();
		this.clock.advanceMonotonic(Duration.ofMinutes(61));
		assertThat(this.elector.isLeader()).isFalse();
	}

	@Test
	void theGrantHoldsWhileBothClocksAgreeItIsValid() {
		this.elector.start();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		this.clock.advanceBoth(Duration.ofMinutes(58));
		assertThat(this.elector.isLeader()).isTrue();
		assertThat(this.elector.remainingLease()).hasValueSatisfying((remaining) -> assertThat(remaining)
			.isLessThanOrEqualTo(Duration.ofMinutes(2)));
		this.clock.advanceWall(Duration.ofMinutes(2));
		assertThat(this.elector.isLeader()).isFalse();
	}

	@Test
	void aClaimThatReturnsIntoARestartedElectorIsDropped() {
		CountDownLatch gate = this.store.holdAcquires();
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() == 1);
		// The claim hangs; the elector stops after waiting a short while for it, and starts again.
		this.elector.stop();
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() == 2);
		gate.countDown();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(this.elector::isLeader);
		List<LeadershipEvent> events = this.recorded.events();
		assertThat(events).hasSize(1).first().isInstanceOf(OnGrantedEvent.class);
	}

	@Test
	void aSecondStopIsCalledBackOnlyOnceTheFirstHasReleased() {
		this.elector.start();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		List<Boolean> releasedAtCallback = new CopyOnWriteArrayList<>();
		Runnable callback = () -> releasedAtCallback.add(this.store.holder() == null);
		// Spring stops the default role's elector, a bean, in its phase; LeaderElectors stops it again in its own.
		this.elector.stop(callback);
		this.elector.stop(callback);
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT).until(releasedAtCallback::isEmpty);
		work.close();
		await().atMost(TIMEOUT).until(() -> releasedAtCallback.size() == 2);
		assertThat(releasedAtCallback).containsExactly(true, true);
	}

	@Test
	void aStartWhileAStopStillDrainsRunsTheElectionAgainAfterIt() {
		this.elector.start();
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		List<Boolean> stopped = new CopyOnWriteArrayList<>();
		// A context stopped and started again (a pause and resume) before the drain has ended.
		this.elector.stop(() -> stopped.add(true));
		this.elector.start();
		work.close();
		await().atMost(TIMEOUT).until(() -> !stopped.isEmpty());
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		assertThat(this.elector.isRunning()).isTrue();
	}

	@Test
	void workThatAsksForANewRoleWhileAllRolesStopDoesNotHoldTheStopBack() throws Exception {
		LeaderElectors electors = new LeaderElectors("orders", (role) -> new LeaseLeaderElector(role, "node-1", "host",
				new InMemoryLeaseStore(), LONG_LEASES, this.events, this.clock), Duration.ofSeconds(35));
		electors.start();
		// Threads of their own: on two cores the common pool may have one thread, which the stop would hold.
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			LeaderElector orders = electors.forRole("orders");
			await().atMost(TIMEOUT).until(orders::isLeader);
			LeaderWork work = orders.admit("ReportJob.run()").orElseThrow();
			CompletableFuture<Void> stopped = CompletableFuture.runAsync(electors::stop, threads);
			await().atMost(TIMEOUT).until(() -> !orders.isLeader());
			// The running job calls a @LeaderOnly method of a role that nothing used before, then ends.
			CompletableFuture<Void> job = CompletableFuture.runAsync(() -> {
				electors.forRole("exports");
				work.close();
			}, threads);
			job.get(5, TimeUnit.SECONDS);
			stopped.get(5, TimeUnit.SECONDS);
		}
		finally {
			electors.stop();
			threads.shutdownNow();
		}
	}

	@Test
	void aDuplicateInstanceIdIsWarnedOnceAndFollows(CapturedOutput output) {
		this.store.refuseWith(Acquisition.duplicate(Duration.ofMillis(50)));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 4);
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(occurrences(output.toString(), "Another process with instance id 'node-1' holds the lease of "
				+ "'orders', so this one follows: instance ids must be unique.")).isOne();
	}

	@Test
	void aQuarantineIsExplainedOnceWithAReadableDuration(CapturedOutput output) {
		this.store.refuseWith(Acquisition.quarantined(Duration.ofMillis(60), "Redis at localhost:1 started 2.9 s ago"));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 4);
		assertThat(occurrences(output.toString(), "No leader of 'orders' for 60 ms: Redis at localhost:1 started"))
			.isOne();
		assertThat(LeaseLeaderElector.human(Duration.ofMillis(7107))).isEqualTo("7.1 s");
	}

	@Test
	void aMisconfiguredStoreIsAnErrorOnceAndGrantsNothing(CapturedOutput output) {
		this.store.refuseWith(Acquisition.misconfigured(Duration.ofMillis(50), "maxmemory-policy allkeys-lru"));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 4);
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(occurrences(output.toString(), "ERROR")).isOne();
		assertThat(output).contains("Cannot elect a leader of 'orders': maxmemory-policy allkeys-lru");
		this.store.refuseWith(null);
		await().atMost(TIMEOUT).until(this.elector::isLeader);
	}

	@Test
	void aFollowerNamesTheLeaderOnceAndAgainWhenTheLeaderChanges(CapturedOutput output) {
		this.store.refuseWith(Acquisition.held(Duration.ofMillis(20), "node-2"));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 4);
		assertThat(occurrences(output.toString(), "Following 'node-2', the leader of 'orders'")).isOne();
		this.store.refuseWith(Acquisition.held(Duration.ofMillis(20), "node-3"));
		int before = this.store.acquires();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= before + 4);
		assertThat(occurrences(output.toString(), "Following 'node-3', the new leader of 'orders' (was 'node-2')"))
			.isOne();
		assertThat(occurrences(output.toString(), "Following '")).isEqualTo(2);
	}

	@Test
	void aFollowerOfAStoreThatDoesNotNameTheHolderSaysSoOnce(CapturedOutput output) {
		this.store.refuseWith(Acquisition.held(Duration.ofMillis(20)));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 4);
		assertThat(occurrences(output.toString(), "Following: another instance leads 'orders'")).isOne();
	}

	@Test
	void aFormerLeaderNamesTheLeaderItFollowsAgain(CapturedOutput output) {
		this.store.refuseWith(Acquisition.held(Duration.ofMillis(20), "node-2"));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 2);
		this.store.refuseWith(null);
		await().atMost(TIMEOUT).until(this.elector::isLeader);
		this.elector.stop();
		this.store.refuseWith(Acquisition.held(Duration.ofMillis(20), "node-2"));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> occurrences(output.toString(), "Following 'node-2', the leader") == 2);
	}

	@Test
	void aFollowerAdmitsNoWork() {
		this.store.refuseWith(Acquisition.held(Duration.ofMinutes(1)));
		this.elector.start();
		await().atMost(TIMEOUT).until(() -> this.store.acquires() >= 1);
		assertThat(this.elector.admit("ReportJob.run()")).isEmpty();
	}

	@Test
	void claimsAfterAReleaseWaitAFewMillisecondsAtMost() {
		assertThat(LONG_LEASES.releaseJitter()).isZero();
		assertThat(Contenders.SHORT_LEASES.releaseJitter()).isEqualTo(Duration.ofMillis(5));
		assertThat(new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(1),
				Duration.ofMillis(2), true)
			.releaseJitter()).isEqualTo(Duration.ofMillis(2));
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

}
