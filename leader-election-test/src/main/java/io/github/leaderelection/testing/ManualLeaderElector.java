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


package io.github.leaderelection.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import org.jspecify.annotations.Nullable;

import org.springframework.context.Lifecycle;

/**
 * The elector of one role in a test: it leads exactly when the test has granted the role, and publishes the events of
 * every change on the thread that made it, before the call that made it returns.
 */
final class ManualLeaderElector implements LeaderElector, Lifecycle {

	private final String role;

	private final String instanceId;

	private final LeaderElectionTester tester;

	private final boolean leadsAtStart;

	// Kept across resets: each grant of the role gets a higher token than any before it, as from a store.
	private final AtomicLong tokens = new AtomicLong();

	private final Object monitor = new Object();

	private volatile @Nullable Leadership leadership;

	private volatile @Nullable Instant startedAt;

	ManualLeaderElector(String role, String instanceId, LeaderElectionTester tester, boolean leadsAtStart) {
		this.role = role;
		this.instanceId = instanceId;
		this.tester = tester;
		this.leadsAtStart = leadsAtStart;
	}

	@Override
	public String role() {
		return this.role;
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	@Override
	public boolean isLeader() {
		return this.leadership != null;
	}

	@Override
	public Optional<Leadership> leadership() {
		return Optional.ofNullable(this.leadership);
	}

	@Override
	public Optional<LeaderWork> admit(String description) {
		Leadership leadership = this.leadership;
		this.tester.record(new LeaderOnlyCall(this.role, description, leadership != null,
				(leadership != null) ? leadership.fencingToken() : 0));
		return Optional.ofNullable(leadership).map(LeaderWork::untracked);
	}

	@Override
	public Optional<LeaderInfo> currentLeader() {
		Leadership leadership = this.leadership;
		Instant startedAt = this.startedAt;
		if (leadership == null) {
			return Optional.empty();
		}
		return Optional.of(new LeaderInfo(this.role, this.instanceId, "localhost",
				(startedAt != null) ? startedAt : leadership.acquiredAt(), leadership.acquiredAt(), Instant.now(),
				leadership.fencingToken()));
	}

	/**
	 * Revokes with {@link RevokeReason#YIELDED}; the role then stays with no leader until the test grants it again,
	 * since no other instance takes over in a test.
	 */
	@Override
	public void yieldLeadership() {
		revoke(RevokeReason.YIELDED);
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.leadership == null) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
			return true;
		}
	}

	/**
	 * Makes this instance leader with the next fencing token, unless it leads already.
	 * @return the current grant
	 */
	Leadership grant() {
		synchronized (this.monitor) {
			Leadership current = this.leadership;
			if (current != null) {
				return current;
			}
			Leadership leadership = new Leadership(this.role, this.instanceId, this.tokens.incrementAndGet(),
					Instant.now());
			this.leadership = leadership;
			this.monitor.notifyAll();
			this.tester.publish(new OnGrantedEvent(this, leadership.fencingToken()));
			return leadership;
		}
	}

	/**
	 * Makes this instance a follower, if it leads.
	 * @return whether it led
	 */
	boolean revoke(RevokeReason reason) {
		synchronized (this.monitor) {
			Leadership leadership = this.leadership;
			if (leadership == null) {
				return false;
			}
			this.leadership = null;
			this.tester.publish(new OnRevokedEvent(this, leadership.fencingToken(), reason));
			return true;
		}
	}

	/**
	 * Back to the state at start: leading when the tester leads every role from the start, else following.
	 */
	void reset() {
		if (this.leadsAtStart) {
			grant();
		}
		else {
			revoke(RevokeReason.LEASE_LOST);
		}
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.startedAt == null) {
				this.startedAt = Instant.now();
				if (this.leadsAtStart) {
					grant();
				}
			}
		}
	}

	@Override
	public void stop() {
		synchronized (this.monitor) {
			revoke(RevokeReason.SHUTDOWN);
			this.startedAt = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.startedAt != null;
	}

}
