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


package io.github.leaderelection.store;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseStore.Subscription;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The behaviour every {@link LeaseStore} owes the elector. A subclass creates store instances, each standing for one
 * process, and makes the store lose its data. Each test uses a role of its own. Test methods are public so that
 * subclasses in other packages run them.
 */
public abstract class LeaseStoreContractTests {

	/**
	 * The lease most tests use.
	 */
	protected static final Duration LEASE = Duration.ofSeconds(1);

	/**
	 * The longest lease any test of the contract claims; a store that refuses new roles for a while after it started
	 * must be past that time when a test begins.
	 */
	protected static final Duration LONGEST_LEASE = Duration.ofSeconds(2);

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Instant STARTED_AT = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final String role = "contract-" + UUID.randomUUID();

	/**
	 * Creates a store instance as a new process would have it: sharing the data, not the memory, of the others.
	 * @return a new store
	 */
	protected abstract LeaseStore createStore();

	/**
	 * Makes the store lose every lease and token, as a restart without persistence does, and returns once the store
	 * answers again.
	 */
	protected abstract void loseAllData();

	@Test
	public void acquireGrantsTheFirstClaimantAPositiveToken() {
		Acquisition acquisition = createStore().acquire(claim("first", LEASE));
		assertThat(acquisition.outcome()).isEqualTo(Outcome.GRANTED);
		assertThat(acquisition.isGranted()).isTrue();
		assertThat(acquisition.fencingToken()).isPositive();
		assertThat(acquisition.retryAfter()).isZero();
	}

	@Test
	public void acquireByAnotherInstanceIsHeldForTheRemainingLease() {
		Duration lease = LONGEST_LEASE;
		assertThat(createStore().acquire(claim("first", lease)).isGranted()).isTrue();
		Acquisition refused = createStore().acquire(claim("second", lease));
		assertThat(refused.outcome()).isEqualTo(Outcome.HELD);
		assertThat(refused.isGranted()).isFalse();
		assertThat(refused.fencingToken()).isZero();
		assertThat(refused.retryAfter()).isPositive()
			.isLessThanOrEqualTo(lease)
			.isGreaterThan(lease.minus(Duration.ofSeconds(1)));
		// Optional in the SPI; a store that knows the holder names it, and names it right.
		if (tellsTheHolder()) {
			assertThat(refused.holderInstanceId()).isEqualTo("first");
		}
		else {
			assertThat(refused.holderInstanceId()).isIn(null, "first");
		}
	}

	@Test
	public void refusalsNameTheHolderOnlyWhenAnotherInstanceHoldsTheLease() {
		Duration lease = LONGEST_LEASE;
		LeaseStore first = createStore();
		assertThat(first.acquire(claim("first", lease)).holderInstanceId()).isNull();
		assertThat(first.acquire(claim("first", lease)).holderInstanceId()).isNull();
		Acquisition duplicate = createStore().acquire(claim(new LeaseHolder("first", "another-nonce"), lease));
		assertThat(duplicate.outcome()).isEqualTo(Outcome.DUPLICATE);
		assertThat(duplicate.holderInstanceId()).isNull();
	}

	@Test
	public void holderClaimingAgainIsGrantedALargerToken() {
		LeaseStore store = createStore();
		Acquisition first = store.acquire(claim("holder", LEASE));
		Acquisition again = store.acquire(claim("holder", LEASE));
		assertThat(again.isGranted()).isTrue();
		assertThat(again.fencingToken()).isGreaterThan(first.fencingToken());
		assertThat(createStore().acquire(claim("holder", LEASE)).fencingToken())
			.isGreaterThan(again.fencingToken());
	}

	@Test
	public void renewByTheHolderExtendsTheLease() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		assertThat(holder.acquire(claim("holder", LEASE)).isGranted()).isTrue();
		long grantedAt = System.nanoTime();
		awaitUntil(grantedAt + Duration.ofMillis(500).toNanos());
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isTrue();
		// Without the renewal at most half the lease would be left.
		assertThat(other.acquire(claim("other", LEASE)).retryAfter()).isGreaterThan(Duration.ofMillis(700));
		// The original lease ended before this; the renewed one only half a second later.
		awaitUntil(grantedAt + LEASE.plusMillis(100).toNanos());
		assertThat(other.acquire(claim("other", LEASE)).outcome()).isEqualTo(Outcome.HELD);
		assertThat(other.currentLeader(this.role)).map(LeaderInfo::instanceId).contains("holder");
	}

	@Test
	public void aHolderWithTheInstanceIdOfTheLeaderButAnotherNonceIsADuplicateAndCannotTouchTheLease() {
		Duration lease = LONGEST_LEASE;
		LeaseStore first = createStore();
		LeaseStore second = createStore();
		LeaseHolder original = new LeaseHolder("web-1", "nonce-a");
		LeaseHolder copy = new LeaseHolder("web-1", "nonce-b");
		Acquisition granted = first.acquire(claim(original, lease));
		assertThat(granted.isGranted()).isTrue();
		Acquisition refused = second.acquire(claim(copy, lease));
		assertThat(refused.outcome()).isEqualTo(Outcome.DUPLICATE);
		assertThat(refused.isGranted()).isFalse();
		assertThat(refused.fencingToken()).isZero();
		assertThat(refused.retryAfter()).isPositive()
			.isLessThanOrEqualTo(lease)
			.isGreaterThan(lease.minus(Duration.ofSeconds(1)));
		assertThat(second.renew(this.role, copy, lease)).isFalse();
		assertThat(first.renew(this.role, copy, lease)).isFalse();
		assertThat(second.release(this.role, copy)).isFalse();
		assertThat(first.release(this.role, copy)).isFalse();
		assertThat(second.currentLeader(this.role)).map(LeaderInfo::fencingToken).contains(granted.fencingToken());
		assertThat(first.renew(this.role, original, lease)).isTrue();
		assertThat(first.acquire(claim(original, lease)).fencingToken()).isGreaterThan(granted.fencingToken());
		// Once the original lets go, the other process is just another instance.
		assertThat(first.release(this.role, original)).isTrue();
		Acquisition next = second.acquire(claim(copy, lease));
		assertThat(next.isGranted()).isTrue();
		assertThat(next.fencingToken()).isGreaterThan(granted.fencingToken());
		assertThat(first.acquire(claim(original, lease)).outcome()).isEqualTo(Outcome.DUPLICATE);
	}

	@Test
	public void renewByAnotherInstanceIsRefused() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		Acquisition granted = holder.acquire(claim("holder", LEASE));
		assertThat(other.renew(this.role, holder("other"), LEASE)).isFalse();
		assertThat(holder.renew(this.role, holder("other"), LEASE)).isFalse();
		assertThat(other.currentLeader(this.role)).map(LeaderInfo::fencingToken).contains(granted.fencingToken());
		assertThat(other.acquire(claim("other", LEASE)).outcome()).isEqualTo(Outcome.HELD);
	}

	@Test
	public void renewAfterTheLeaseExpiredIsRefusedAndDoesNotRecreateIt() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		assertThat(holder.acquire(claim("holder", Duration.ofMillis(300))).isGranted()).isTrue();
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> other.currentLeader(this.role).isEmpty());
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isFalse();
		assertThat(other.currentLeader(this.role)).isEmpty();
		assertThat(other.acquire(claim("other", LEASE)).isGranted()).isTrue();
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isFalse();
	}

	@Test
	public void renewAllAnswersEachRenewalInOrderAsRenewWould() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		String held = this.role + "-held";
		String othersRole = this.role + "-others";
		String expired = this.role + "-expired";
		String released = this.role + "-released";
		assertThat(holder.acquire(claim(held, holder("holder"), LEASE)).isGranted()).isTrue();
		assertThat(other.acquire(claim(othersRole, holder("other"), LEASE)).isGranted()).isTrue();
		assertThat(holder.acquire(claim(expired, holder("holder"), Duration.ofMillis(300))).isGranted()).isTrue();
		assertThat(holder.acquire(claim(released, holder("holder"), LEASE)).isGranted()).isTrue();
		assertThat(holder.release(released, holder("holder"))).isTrue();
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> other.currentLeader(expired).isEmpty());
		long renewedAt = System.nanoTime();
		assertThat(holder.renewAll(List.of(renewal(held, "holder"), renewal(othersRole, "holder"),
				renewal(expired, "holder"), renewal(released, "holder"), new LeaseRenewal(held,
						new LeaseHolder("holder", "another-nonce"), LEASE), renewal(held, "holder"))))
			.containsExactly(true, false, false, false, false, true);
		// Refused renewals change nothing, and never re-create a lease.
		assertThat(other.currentLeader(othersRole)).map(LeaderInfo::instanceId).contains("other");
		assertThat(other.currentLeader(expired)).isEmpty();
		assertThat(other.currentLeader(released)).isEmpty();
		// The renewed lease lasts a lease from the renewal.
		awaitUntil(renewedAt + LEASE.minusMillis(300).toNanos());
		assertThat(other.acquire(claim(held, holder("other"), LEASE)).outcome()).isEqualTo(Outcome.HELD);
		assertThat(holder.renewAll(List.of(renewal(held, "holder")))).containsExactly(true);
	}

	@Test
	public void renewAllExtendsEveryLeaseByItsOwnDuration() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		String shorter = this.role + "-shorter";
		String longer = this.role + "-longer";
		assertThat(holder.acquire(claim(shorter, holder("holder"), LEASE)).isGranted()).isTrue();
		assertThat(holder.acquire(claim(longer, holder("holder"), LEASE)).isGranted()).isTrue();
		assertThat(holder.renewAll(List.of(new LeaseRenewal(shorter, holder("holder"), Duration.ofMillis(300)),
				new LeaseRenewal(longer, holder("holder"), LONGEST_LEASE))))
			.containsExactly(true, true);
		assertThat(other.acquire(claim(longer, holder("other"), LEASE)).retryAfter())
			.isGreaterThan(LONGEST_LEASE.minus(Duration.ofMillis(700)));
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> other.currentLeader(shorter).isEmpty());
		assertThat(other.currentLeader(longer)).map(LeaderInfo::instanceId).contains("holder");
	}

	@Test
	public void renewAllOfNoRenewalsAnswersNothing() {
		assertThat(createStore().renewAll(List.of())).isEmpty();
	}

	@Test
	public void afterADataLossRenewAllRefusesEveryFormerLeaseAndNobodyIsGrantedForOneLease() {
		Duration lease = LONGEST_LEASE;
		LeaseStore holder = createStore();
		LeaseStore follower = createStore();
		String first = this.role + "-first";
		String second = this.role + "-second";
		long before = holder.acquire(claim(first, holder("holder"), lease)).fencingToken();
		assertThat(holder.acquire(claim(second, holder("holder"), lease)).isGranted()).isTrue();
		loseAllData();
		assertThat(holder.renewAll(List.of(new LeaseRenewal(first, holder("holder"), lease),
				new LeaseRenewal(second, holder("holder"), lease))))
			.containsExactly(false, false);
		assertThat(follower.acquire(claim(first, holder("follower"), lease)).outcome())
			.isEqualTo(Outcome.QUARANTINED);
		assertThat(follower.acquire(claim(second, holder("follower"), lease)).outcome())
			.isEqualTo(Outcome.QUARANTINED);
		AtomicReference<Acquisition> granted = new AtomicReference<>();
		await().atMost(lease.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			granted.set(follower.acquire(claim(first, holder("follower"), lease)));
			return granted.get().outcome() != Outcome.QUARANTINED;
		});
		assertThat(granted.get().isGranted()).isTrue();
		assertThat(granted.get().fencingToken()).isGreaterThan(before);
	}

	@Test
	public void releaseByANonHolderIsRefusedAndKeepsTheLease() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		assertThat(holder.acquire(claim("holder", LEASE)).isGranted()).isTrue();
		assertThat(other.release(this.role, holder("other"))).isFalse();
		assertThat(holder.release(this.role, holder("other"))).isFalse();
		assertThat(other.currentLeader(this.role)).map(LeaderInfo::instanceId).contains("holder");
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isTrue();
	}

	@Test
	public void releaseByTheHolderEndsTheLeaseAtOnce() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		assertThat(holder.acquire(claim("holder", LEASE)).isGranted()).isTrue();
		assertThat(holder.release(this.role, holder("holder"))).isTrue();
		assertThat(other.currentLeader(this.role)).isEmpty();
		assertThat(holder.release(this.role, holder("holder"))).isFalse();
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isFalse();
		assertThat(other.acquire(claim("other", LEASE)).isGranted()).isTrue();
	}

	@Test
	public void releaseCallsTheListenersOfTheRoleInOtherInstances() {
		LeaseStore holder = createStore();
		LeaseStore follower = createStore();
		String otherRole = this.role + "-other";
		String markerRole = this.role + "-marker";
		AtomicInteger released = new AtomicInteger();
		AtomicInteger otherReleased = new AtomicInteger();
		AtomicInteger closedReleased = new AtomicInteger();
		AtomicInteger markerReleased = new AtomicInteger();
		follower.onRelease(otherRole, otherReleased::incrementAndGet);
		Subscription closed = follower.onRelease(this.role, closedReleased::incrementAndGet);
		follower.onRelease(this.role, released::incrementAndGet);
		follower.onRelease(markerRole, markerReleased::incrementAndGet);
		closed.close();
		if (!announcesReleases()) {
			// Followers take over at their next claim: no listener is ever called.
			assertThat(holder.acquire(claim(this.role, holder("holder"), LEASE)).isGranted()).isTrue();
			assertThat(holder.release(this.role, holder("holder"))).isTrue();
			assertThat(follower.acquire(claim(this.role, holder("follower"), LEASE)).isGranted()).isTrue();
			assertThat(List.of(released, otherReleased, closedReleased, markerReleased))
				.allMatch((count) -> count.get() == 0);
			return;
		}
		// Listeners may also be called when the subscription is established, in case releases were missed before:
		// once a release is heard, those calls are over.
		releaseUntilHeard(holder, markerRole, markerReleased);
		List.of(released, otherReleased, closedReleased, markerReleased).forEach((count) -> count.set(0));
		releaseUntilHeard(holder, this.role, released);
		// Any call owed to the other listeners was due before the marker's.
		releaseUntilHeard(holder, markerRole, markerReleased);
		assertThat(otherReleased).hasValue(0);
		assertThat(closedReleased).hasValue(0);
	}

	@Test
	public void currentLeaderIsEmptyWhenNobodyHoldsTheLease() {
		LeaseStore store = createStore();
		assertThat(store.currentLeader(this.role)).isEmpty();
		assertThat(store.acquire(claim("holder", LEASE)).isGranted()).isTrue();
		assertThat(store.release(this.role, holder("holder"))).isTrue();
		assertThat(store.currentLeader(this.role)).isEmpty();
	}

	@Test
	public void currentLeaderShowsTheHolderToOtherInstances() {
		LeaseStore holder = createStore();
		LeaseStore other = createStore();
		Acquisition granted = holder.acquire(claim("holder", LEASE));
		awaitUntil(System.nanoTime() + Duration.ofMillis(100).toNanos());
		assertThat(holder.renew(this.role, holder("holder"), LEASE)).isTrue();
		LeaderInfo leader = other.currentLeader(this.role).orElseThrow();
		assertThat(leader.role()).isEqualTo(this.role);
		assertThat(leader.instanceId()).isEqualTo("holder");
		assertThat(leader.hostname()).isEqualTo("host-holder");
		assertThat(leader.startedAt()).isEqualTo(STARTED_AT);
		assertThat(leader.fencingToken()).isEqualTo(granted.fencingToken());
		assertThat(leader.acquiredAt()).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
		assertThat(leader.lastRenewedAt()).isAfter(leader.acquiredAt());
	}

	@Test
	public void fencingTokensStrictlyIncreaseAcrossInstances() {
		List<LeaseStore> stores = List.of(createStore(), createStore());
		long previous = 0;
		for (int i = 0; i < 50; i++) {
			LeaseStore store = stores.get(i % 2);
			String instanceId = "instance-" + (i % 2);
			Acquisition granted = store.acquire(claim(instanceId, LEASE));
			assertThat(granted.isGranted()).as("grant %d", i).isTrue();
			assertThat(granted.fencingToken()).as("token of grant %d", i).isGreaterThan(previous);
			previous = granted.fencingToken();
			assertThat(store.release(this.role, holder(instanceId))).isTrue();
		}
	}

	@Test
	public void afterADataLossNoInstanceIsGrantedForOneLeaseAndTokensStayAbove() {
		Duration lease = LONGEST_LEASE;
		LeaseStore first = createStore();
		LeaseStore second = createStore();
		long before = first.acquire(claim("first", lease)).fencingToken();
		assertThat(first.release(this.role, holder("first"))).isTrue();
		Acquisition held = second.acquire(claim("second", lease));
		assertThat(held.fencingToken()).isGreaterThan(before);
		loseAllData();
		long lossNoticed = System.nanoTime();
		Acquisition quarantined = first.acquire(claim("first", lease));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.isGranted()).isFalse();
		assertThat(quarantined.fencingToken()).isZero();
		assertThat(quarantined.reason()).isNotBlank();
		assertThat(quarantined.retryAfter()).isGreaterThan(lease.minusSeconds(1)).isLessThanOrEqualTo(lease);
		assertThat(second.acquire(claim("second", lease)).outcome()).isEqualTo(Outcome.QUARANTINED);
		LeaseStore newcomer = createStore();
		assertThat(newcomer.acquire(claim("newcomer", lease)).outcome()).isEqualTo(Outcome.QUARANTINED);
		List<LeaseStore> stores = List.of(first, second, newcomer);
		List<String> instanceIds = List.of("first", "second", "newcomer");
		AtomicInteger attempts = new AtomicInteger();
		AtomicReference<Acquisition> granted = new AtomicReference<>();
		await().atMost(lease.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			int i = attempts.getAndIncrement() % stores.size();
			Acquisition acquisition = stores.get(i).acquire(claim(instanceIds.get(i), lease));
			granted.set(acquisition);
			return acquisition.outcome() != Outcome.QUARANTINED;
		});
		long grantedAfter = System.nanoTime() - lossNoticed;
		assertThat(granted.get().isGranted()).isTrue();
		assertThat(Duration.ofNanos(grantedAfter)).isGreaterThanOrEqualTo(quarantined.retryAfter());
		assertThat(granted.get().fencingToken()).isGreaterThan(held.fencingToken());
	}

	@Test
	public void afterADataLossTheFormerHolderCannotRenewAndNobodyIsGrantedForOneLease() {
		Duration lease = LONGEST_LEASE;
		LeaseStore holder = createStore();
		LeaseStore follower = createStore();
		long before = holder.acquire(claim("holder", lease)).fencingToken();
		assertThat(follower.acquire(claim("follower", lease)).outcome()).isEqualTo(Outcome.HELD);
		loseAllData();
		long lossNoticed = System.nanoTime();
		assertThat(holder.renew(this.role, holder("holder"), lease)).isFalse();
		Acquisition quarantined = follower.acquire(claim("follower", lease));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.retryAfter()).isGreaterThan(lease.minusSeconds(1)).isLessThanOrEqualTo(lease);
		assertThat(holder.acquire(claim("holder", lease)).outcome()).isEqualTo(Outcome.QUARANTINED);
		AtomicReference<Acquisition> granted = new AtomicReference<>();
		await().atMost(lease.plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			granted.set(follower.acquire(claim("follower", lease)));
			return granted.get().outcome() != Outcome.QUARANTINED;
		});
		assertThat(Duration.ofNanos(System.nanoTime() - lossNoticed)).isGreaterThanOrEqualTo(lease.minusMillis(100));
		assertThat(granted.get().isGranted()).isTrue();
		assertThat(granted.get().fencingToken()).isGreaterThan(before);
	}

	/**
	 * Whether the store calls release listeners ({@link LeaseStore#onRelease}), which the SPI makes best effort; a
	 * store that does not must never call them.
	 */
	protected boolean announcesReleases() {
		return true;
	}

	/**
	 * Whether the store names the holder in a refusal ({@link Acquisition#holderInstanceId()}), which the SPI leaves
	 * optional; the suite then checks that it names the right one.
	 */
	protected boolean tellsTheHolder() {
		return true;
	}

	/**
	 * The holder of the given instance id, with a nonce that stays the same across calls, as one elector's would.
	 */
	protected static LeaseHolder holder(String instanceId) {
		return new LeaseHolder(instanceId, "nonce-" + instanceId);
	}

	private LeaseClaim claim(String instanceId, Duration lease) {
		return claim(holder(instanceId), lease);
	}

	private LeaseClaim claim(LeaseHolder holder, Duration lease) {
		return claim(this.role, holder, lease);
	}

	private static LeaseClaim claim(String role, LeaseHolder holder, Duration lease) {
		return new LeaseClaim(role, holder, "host-" + holder.instanceId(), STARTED_AT, lease);
	}

	private static LeaseRenewal renewal(String role, String instanceId) {
		return new LeaseRenewal(role, holder(instanceId), LEASE);
	}

	// Release delivery is best effort and may begin a moment after onRelease returns: release until one arrives.
	private void releaseUntilHeard(LeaseStore holder, String role, AtomicInteger heard) {
		LeaseClaim claim = new LeaseClaim(role, holder("holder"), "host-holder", STARTED_AT, LEASE);
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
			assertThat(holder.acquire(claim).isGranted()).isTrue();
			assertThat(holder.release(role, holder("holder"))).isTrue();
			return heard.get() > 0;
		});
	}

	private static void awaitUntil(long deadlineNanos) {
		await().atMost(TIMEOUT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> System.nanoTime() - deadlineNanos >= 0);
	}

}
