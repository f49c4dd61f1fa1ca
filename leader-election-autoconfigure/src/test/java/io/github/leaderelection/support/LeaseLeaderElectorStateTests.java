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
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.support.LeaseLeaderElector.State;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every transition of the state machine, and the races between store calls, stops and deadlines, on a fake clock,
 * a scheduler the test drives and an in-memory store double: deterministic, and done in milliseconds.
 */
class LeaseLeaderElectorStateTests {

	private static final LeaseSettings SETTINGS = new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(3),
			Duration.ofSeconds(1), Duration.ZERO, true, Duration.ofSeconds(30));

	private final FakeClock clock = new FakeClock();

	private final ManualScheduler scheduler = new ManualScheduler(this.clock);

	private final InMemoryLeaseStore store = new InMemoryLeaseStore();

	private final RenewalBatcher renewals = new RenewalBatcher(this.store, this.scheduler, this.clock);

	private final List<LeadershipEvent> events = new ArrayList<>();

	private final ImmediatePublisher publisher = new ImmediatePublisher();

	private final LeaseLeaderElector elector = elector("orders", SETTINGS);

	@Test
	void startsFollowingAndLeadsOnceTheClaimIsGranted() {
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		this.scheduler.holdIo();
		this.elector.start();
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(this.elector.isRunning()).isTrue();
		this.scheduler.releaseIo();
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(this.elector.isLeader()).isTrue();
		assertThat(this.events).singleElement().isInstanceOf(OnGrantedEvent.class);
	}

	@Test
	void aRefusedClaimFollowsAndClaimsAgainWhenTheHoldersLeaseEnds() {
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(7)));
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(this.store.acquires()).isOne();
		this.scheduler.advance(Duration.ofMillis(6999));
		assertThat(this.store.acquires()).isOne();
		this.store.refuseWith(null);
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.store.acquires()).isEqualTo(2);
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
	}

	@Test
	void aReleaseMessageMakesAFollowerClaimAtOnce() {
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(7)));
		this.elector.start();
		this.scheduler.settle();
		this.store.refuseWith(null);
		LeaseLeaderElector other = elector("orders", SETTINGS);
		// The holder releases: the store tells every listener of the role.
		other.start();
		this.scheduler.settle();
		assertThat(other.state()).isEqualTo(State.LEADING);
		other.stop(() -> {
		});
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(this.store.acquires()).isEqualTo(3);
	}

	@Test
	void aLeaderRenewsEveryRenewInterval() {
		leading();
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(this.store.renewalCalls()).hasSize(3);
		assertThat(this.elector.isLeader()).isTrue();
	}

	@Test
	void aRefusedRenewalRevokesAtOnceAsLost() {
		leading();
		// The store lost the lease, and another instance took it.
		this.store.refuseRenewals(true);
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(10)));
		this.scheduler.advance(Duration.ofSeconds(3));
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(this.store.acquires()).isEqualTo(2);
		assertThat(revocations()).containsExactly(RevokeReason.LEASE_LOST);
	}

	@Test
	void aRefusedRenewalStopsAdmittingWorkBeforeTheRevocationGetsTheMonitor() throws InterruptedException {
		leading();
		Object monitor = ReflectionTestUtils.getField(this.elector, "monitor");
		assertThat(monitor).isNotNull();
		CountDownLatch held = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		// Another thread holds the monitor while the refusal comes back: the timer, say, on a busy machine.
		Thread holder = new Thread(() -> {
			synchronized (monitor) {
				held.countDown();
				awaitUninterruptibly(letGo);
			}
		});
		this.store.refuseRenewals(true);
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(10)));
		this.store.duringNextRenewal(() -> {
			holder.start();
			awaitUninterruptibly(held);
		});
		Thread renewing = new Thread(() -> this.scheduler.advance(Duration.ofSeconds(3)));
		renewing.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> renewing.getState() == Thread.State.BLOCKED);
			assertThat(this.elector.isLeader()).isFalse();
			assertThat(this.elector.admit("job")).isEmpty();
			assertThat(this.elector.state()).isEqualTo(State.LEADING);
		}
		finally {
			letGo.countDown();
			renewing.join();
			holder.join();
		}
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(revocations()).containsExactly(RevokeReason.LEASE_LOST);
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void failedRenewalsRetryAndRevokeAtTheDeadline() {
		leading();
		this.store.failRenewals(new QueryTimeoutException("Redis command timed out"));
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(this.elector.isLeader()).isTrue();
		assertThat(this.store.renewalCalls()).hasSizeGreaterThanOrEqualTo(6);
		// The deadline: the lease less a margin of a hundredth, counted from the claim's sending.
		this.scheduler.advance(Duration.ofMillis(900));
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(revocations()).containsExactly(RevokeReason.LEASE_EXPIRED);
	}

	@Test
	void aHungStoreCallDoesNotDelayTheRevocationAtTheDeadline() {
		leading();
		// Store calls hang from now on: the renewals queue up on the I/O threads, the timer still runs.
		this.scheduler.holdIo();
		this.scheduler.advance(Duration.ofMillis(9899));
		assertThat(this.elector.isLeader()).isTrue();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(revocations()).containsExactly(RevokeReason.LEASE_EXPIRED);
		// The renewal returns at last, extended in the store: it must not make this instance lead again.
		this.scheduler.runIo();
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(grants()).isOne();
	}

	@Test
	void aRenewalThatReturnsAfterItsOwnDeadlineRevokes() {
		leading();
		// The renewal sent at 3 s comes back 11 s later, before the deadline timer had a chance to run (a paused
		// process): the lease it extended has expired in the store by then.
		this.store.duringNextRenewal(() -> this.clock.advanceBoth(Duration.ofSeconds(11)));
		this.scheduler.advance(Duration.ofSeconds(3));
		assertThat(revocations()).first().isEqualTo(RevokeReason.LEASE_EXPIRED);
	}

	@Test
	void aGrantThatArrivesAfterItsDeadlineIsNotTrustedAndClaimedAgain() {
		// The claim takes longer than a lease to come back (a first connection, a pause).
		this.store.duringNextAcquire(() -> this.clock.advanceBoth(Duration.ofSeconds(11)));
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.store.acquires()).isEqualTo(2);
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(grants()).isOne();
	}

	@Test
	void aYieldDrainsThenSitsOutThenFollows() {
		leading();
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		this.elector.yieldLeadership();
		assertThat(this.elector.state()).isEqualTo(State.DRAINING);
		assertThat(this.elector.isLeader()).isFalse();
		assertThat(this.elector.admit("ReportJob.run()")).isEmpty();
		assertThat(revocations()).containsExactly(RevokeReason.YIELDED);
		// While the work runs, the lease is kept and renewed.
		this.scheduler.advance(Duration.ofSeconds(20));
		assertThat(this.store.holder("orders")).isNotNull();
		assertThat(this.store.renewalCalls()).hasSizeGreaterThanOrEqualTo(6);
		work.close();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.SITTING_OUT);
		assertThat(this.store.holder("orders")).isNull();
		// Out of the election for a lease, so that another instance takes over; then back.
		this.scheduler.advance(Duration.ofSeconds(10).minusNanos(1));
		assertThat(this.elector.state()).isEqualTo(State.SITTING_OUT);
		this.scheduler.advance(Duration.ofNanos(1));
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(grants()).isEqualTo(2);
	}

	@Test
	void aStopDrainsThenReleasesThenStops() {
		leading();
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		AtomicInteger stopped = new AtomicInteger();
		this.elector.stop(stopped::incrementAndGet);
		assertThat(this.elector.state()).isEqualTo(State.DRAINING);
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(stopped).hasValue(0);
		assertThat(this.store.holder("orders")).isNotNull();
		work.close();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		assertThat(this.store.holder("orders")).isNull();
		assertThat(stopped).hasValue(1);
		assertThat(revocations()).containsExactly(RevokeReason.SHUTDOWN);
	}

	@Test
	void aDrainPastItsTimeoutReleasesAnyway() {
		leading();
		this.elector.admit("ReportJob.run()").orElseThrow();
		this.elector.stop(() -> {
		});
		this.scheduler.advance(Duration.ofSeconds(30).minusNanos(1));
		assertThat(this.elector.state()).isEqualTo(State.DRAINING);
		this.scheduler.advance(Duration.ofNanos(1));
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		assertThat(this.store.holder("orders")).isNull();
	}

	@Test
	void aLeaseLostWhileDrainingEndsTheDrainWithoutASecondRevocation() {
		leading();
		this.elector.admit("ReportJob.run()").orElseThrow();
		this.elector.yieldLeadership();
		this.store.refuseRenewals(true);
		this.scheduler.advance(Duration.ofSeconds(3));
		assertThat(this.elector.state()).isEqualTo(State.SITTING_OUT);
		assertThat(revocations()).containsExactly(RevokeReason.YIELDED);
	}

	@Test
	void aStopWhileYieldingStopsOnceDrained() {
		leading();
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		this.elector.yieldLeadership();
		AtomicInteger stopped = new AtomicInteger();
		this.elector.stop(stopped::incrementAndGet);
		work.close();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		assertThat(stopped).hasValue(1);
		assertThat(this.store.holder("orders")).isNull();
	}

	@Test
	void aStopWhileSittingOutStops() {
		leading();
		this.elector.yieldLeadership();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.SITTING_OUT);
		this.elector.stop(() -> {
		});
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(this.store.acquires()).isOne();
	}

	@Test
	void aGrantThatArrivesWhileStoppingIsGivenBackAndNeverAnnounced() {
		this.store.duringNextAcquire(() -> this.elector.stop(() -> {
		}));
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.STOPPED);
		assertThat(this.store.holder("orders")).isNull();
		assertThat(this.events).isEmpty();
	}

	@Test
	void aClaimThatOutlivesAStopAndReturnsIntoARestartedElectorMakesOneGrant() {
		this.store.duringNextAcquire(() -> {
			// The claim hangs past the release timeout: the stop gives up waiting, and the elector starts again.
			this.elector.stop(() -> {
			});
			this.scheduler.advance(LeaseSettings.RELEASE_TIMEOUT);
			assertThat(this.elector.state()).isEqualTo(State.STOPPED);
			this.elector.start();
		});
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(this.events).singleElement().isInstanceOf(OnGrantedEvent.class);
		this.scheduler.advance(Duration.ofSeconds(30));
		assertThat(this.events).hasSize(1);
	}

	@Test
	void aStartWhileAStopDrainsRunsTheElectionAgainOnceStopped() {
		leading();
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		this.elector.stop(() -> {
		});
		this.elector.start();
		assertThat(this.elector.state()).isEqualTo(State.DRAINING);
		work.close();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
		assertThat(grants()).isEqualTo(2);
	}

	@Test
	void aSecondStopIsCalledBackOnceTheFirstHasEnded() {
		leading();
		LeaderWork work = this.elector.admit("ReportJob.run()").orElseThrow();
		List<Boolean> releasedAtCallback = new ArrayList<>();
		Runnable callback = () -> releasedAtCallback.add(this.store.holder("orders") == null);
		this.elector.stop(callback);
		this.elector.stop(callback);
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(releasedAtCallback).isEmpty();
		work.close();
		this.scheduler.settle();
		assertThat(releasedAtCallback).containsExactly(true, true);
	}

	@Test
	void renewalsThatFallDueTogetherGoOutInOneCall() {
		List<LeaseLeaderElector> electors = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			LeaseLeaderElector role = elector("role-" + i, SETTINGS);
			role.start();
			this.scheduler.advance(Duration.ofMillis(20));
			electors.add(role);
		}
		assertThat(electors).allMatch(LeaseLeaderElector::isLeader);
		// Granted over a second: the first renewals may go out in two calls, then all in one per interval.
		this.scheduler.advance(Duration.ofSeconds(3));
		List<Integer> first = this.store.renewalCalls();
		assertThat(first.stream().mapToInt(Integer::intValue).sum()).isEqualTo(50);
		assertThat(first).hasSizeLessThanOrEqualTo(2);
		this.scheduler.advance(Duration.ofSeconds(30));
		List<Integer> later = this.store.renewalCalls().subList(first.size(), this.store.renewalCalls().size());
		assertThat(later).hasSize(10).containsOnly(50);
		assertThat(electors).allMatch(LeaseLeaderElector::isLeader);
	}

	@Test
	void rolesWithOtherRenewIntervalsShareBatchesOnlyWhenTheyFallDueTogether() {
		LeaseSettings fast = new LeaseSettings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(200),
				Duration.ZERO, true, Duration.ofSeconds(30));
		LeaseLeaderElector reports = elector("reports", fast);
		reports.start();
		leading();
		this.scheduler.advance(Duration.ofSeconds(6));
		assertThat(reports.isLeader()).isTrue();
		assertThat(this.elector.isLeader()).isTrue();
		// 12 renewals of the fast role, 2 of the slow one, which rides along with a fast renewal.
		assertThat(this.store.renewalCalls().stream().mapToInt(Integer::intValue).sum()).isBetween(14, 16);
		assertThat(this.store.renewalCalls()).hasSizeLessThanOrEqualTo(12);
	}

	@Test
	void aRenewalStillInItsBatchIsWithdrawnWhenTheTermEnds() {
		leading();
		this.elector.yieldLeadership();
		this.scheduler.settle();
		this.scheduler.advance(Duration.ofSeconds(9));
		assertThat(this.store.renewalCalls()).isEmpty();
	}

	@Test
	void everyTransitionIsChecked() {
		assertThat(State.STOPPED.next()).containsExactly(State.FOLLOWING);
		assertThat(State.FOLLOWING.next()).containsExactlyInAnyOrder(State.LEADING, State.STOPPING);
		assertThat(State.LEADING.next()).containsExactlyInAnyOrder(State.FOLLOWING, State.DRAINING);
		assertThat(State.DRAINING.next()).containsExactlyInAnyOrder(State.SITTING_OUT, State.STOPPING);
		assertThat(State.SITTING_OUT.next()).containsExactlyInAnyOrder(State.FOLLOWING, State.STOPPING);
		assertThat(State.STOPPING.next()).containsExactly(State.STOPPED);
		// Only FOLLOWING leads to LEADING: a grant can never arrive into a stopped or draining elector.
		assertThat(EnumSet.allOf(State.class)).filteredOn((state) -> state.next().contains(State.LEADING))
			.containsExactly(State.FOLLOWING);
	}

	@Test
	void aYieldOfAFollowerDoesNothing() {
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(7)));
		this.elector.start();
		this.scheduler.settle();
		this.elector.yieldLeadership();
		assertThat(this.elector.state()).isEqualTo(State.FOLLOWING);
		assertThat(this.events).isEmpty();
	}

	private void leading() {
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.state()).isEqualTo(State.LEADING);
	}

	private LeaseLeaderElector elector(String role, LeaseSettings settings) {
		return new LeaseLeaderElector(role, "node-1", "host", this.store, settings,
				new LeadershipEventPublisher(this.publisher, Runnable::run), this.scheduler, this.renewals, this.clock);
	}

	private List<RevokeReason> revocations() {
		return this.events.stream()
			.filter(OnRevokedEvent.class::isInstance)
			.map((event) -> ((OnRevokedEvent) event).reason())
			.toList();
	}

	private long grants() {
		return this.events.stream().filter(OnGrantedEvent.class::isInstance).count();
	}

	/**
	 * Records the events of the elector under test, delivered on the event thread.
	 */
	private final class ImmediatePublisher implements ApplicationEventPublisher {

		@Override
		public void publishEvent(ApplicationEvent event) {
			publishEvent((Object) event);
		}

		@Override
		public void publishEvent(Object event) {
			if (event instanceof LeadershipEvent leadership
					&& leadership.getSource() == LeaseLeaderElectorStateTests.this.elector) {
				synchronized (LeaseLeaderElectorStateTests.this.events) {
					LeaseLeaderElectorStateTests.this.events.add(leadership);
				}
			}
		}

	}

}
