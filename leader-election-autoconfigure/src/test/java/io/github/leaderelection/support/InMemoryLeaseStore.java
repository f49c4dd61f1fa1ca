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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import org.jspecify.annotations.Nullable;

/**
 * A store double for the engine's own tests, never for anything else: a lease per role, no expiry, with answers a
 * test can script, an acquire a test can hold back or run code in, and a record of renewals. Redis behaviour is
 * tested against real Redis only.
 */
final class InMemoryLeaseStore implements LeaseStore {

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final AtomicInteger acquires = new AtomicInteger();

	private final Map<String, LeaseHolder> holders = new HashMap<>();

	private long token;

	private final List<Integer> renewalCalls = new CopyOnWriteArrayList<>();

	private volatile @Nullable Runnable duringAcquire;

	private volatile @Nullable Runnable duringRenewal;

	private volatile @Nullable RuntimeException renewalFailure;

	private volatile boolean refuseRenewals;

	private volatile @Nullable Acquisition refusal;

	private volatile @Nullable CountDownLatch acquireGate;

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		this.acquires.incrementAndGet();
		CountDownLatch gate = this.acquireGate;
		if (gate != null) {
			awaitUninterruptibly(gate);
		}
		Runnable during = this.duringAcquire;
		if (during != null) {
			this.duringAcquire = null;
			during.run();
		}
		Acquisition refusal = this.refusal;
		if (refusal != null) {
			return refusal;
		}
		synchronized (this) {
			LeaseHolder holder = this.holders.get(claim.role());
			if (holder != null && !holder.equals(claim.holder())) {
				return Acquisition.held(claim.leaseDuration(), holder.instanceId());
			}
			this.holders.put(claim.role(), claim.holder());
			return Acquisition.granted(++this.token);
		}
	}

	@Override
	public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		this.renewalCalls.add(1);
		return renewOne(role, holder);
	}

	@Override
	public List<Boolean> renewAll(List<LeaseRenewal> renewals) {
		this.renewalCalls.add(renewals.size());
		return renewals.stream().map((renewal) -> renewOne(renewal.role(), renewal.holder())).toList();
	}

	private boolean renewOne(String role, LeaseHolder holder) {
		Runnable during = this.duringRenewal;
		if (during != null) {
			this.duringRenewal = null;
			during.run();
		}
		synchronized (this) {
			return renewHeld(role, holder);
		}
	}

	private boolean renewHeld(String role, LeaseHolder holder) {
		RuntimeException failure = this.renewalFailure;
		if (failure != null) {
			throw failure;
		}
		return !this.refuseRenewals && holder.equals(this.holders.get(role));
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		synchronized (this) {
			if (!holder.equals(this.holders.get(role))) {
				return false;
			}
			this.holders.remove(role);
		}
		this.listeners.forEach(Runnable::run);
		return true;
	}

	@Override
	public Optional<LeaderInfo> currentLeader(String role) {
		return Optional.empty();
	}

	@Override
	public Subscription onRelease(String role, Runnable listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Answers every claim with the given refusal from now on; {@code null} to grant again.
	 */
	void refuseWith(@Nullable Acquisition refusal) {
		this.refusal = refusal;
	}

	/**
	 * Makes claims wait until the returned latch is counted down.
	 */
	CountDownLatch holdAcquires() {
		CountDownLatch gate = new CountDownLatch(1);
		this.acquireGate = gate;
		return gate;
	}

	void releaseAcquires() {
		CountDownLatch gate = this.acquireGate;
		this.acquireGate = null;
		if (gate != null) {
			gate.countDown();
		}
	}

	int acquires() {
		return this.acquires.get();
	}

	/**
	 * The holder of the only role held, or {@code null} when none is.
	 */
	synchronized @Nullable LeaseHolder holder() {
		return this.holders.values().stream().findFirst().orElse(null);
	}

	synchronized @Nullable LeaseHolder holder(String role) {
		return this.holders.get(role);
	}

	/**
	 * Runs {@code action} inside the next acquire, as if it happened while the claim was on its way.
	 */
	void duringNextAcquire(Runnable action) {
		this.duringAcquire = action;
	}

	/**
	 * Runs {@code action} inside the next renewal, as if it happened while the renewal was on its way.
	 */
	void duringNextRenewal(Runnable action) {
		this.duringRenewal = action;
	}

	/**
	 * Makes renewals throw {@code failure}, as an unreachable store does; {@code null} to answer again.
	 */
	void failRenewals(@Nullable RuntimeException failure) {
		this.renewalFailure = failure;
	}

	/**
	 * Answers renewals with "not held", as after a loss in the store.
	 */
	void refuseRenewals(boolean refuse) {
		this.refuseRenewals = refuse;
	}

	/**
	 * The number of renewals in each renew or renewAll call so far.
	 */
	List<Integer> renewalCalls() {
		return List.copyOf(this.renewalCalls);
	}

	private static void awaitUninterruptibly(CountDownLatch gate) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					if (gate.await(30, TimeUnit.SECONDS)) {
						return;
					}
					throw new IllegalStateException("Acquire held back for 30 s");
				}
				catch (InterruptedException ex) {
					// Like a blocking socket read, a store call does not end when its thread is interrupted.
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
