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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import org.jspecify.annotations.Nullable;

/**
 * A store double for the engine's own tests, never for anything else: one lease per store, no expiry, with answers
 * a test can script and an acquire a test can hold back. Redis behaviour is tested against real Redis only.
 */
final class InMemoryLeaseStore implements LeaseStore {

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final AtomicInteger acquires = new AtomicInteger();

	private @Nullable LeaseHolder holder;

	private long token;

	private volatile @Nullable Acquisition refusal;

	private volatile @Nullable CountDownLatch acquireGate;

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		this.acquires.incrementAndGet();
		CountDownLatch gate = this.acquireGate;
		if (gate != null) {
			awaitUninterruptibly(gate);
		}
		Acquisition refusal = this.refusal;
		if (refusal != null) {
			return refusal;
		}
		synchronized (this) {
			if (this.holder != null && !this.holder.equals(claim.holder())) {
				return Acquisition.held(claim.leaseDuration());
			}
			this.holder = claim.holder();
			return Acquisition.granted(++this.token);
		}
	}

	@Override
	public synchronized boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		return holder.equals(this.holder);
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		synchronized (this) {
			if (!holder.equals(this.holder)) {
				return false;
			}
			this.holder = null;
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

	synchronized @Nullable LeaseHolder holder() {
		return this.holder;
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
