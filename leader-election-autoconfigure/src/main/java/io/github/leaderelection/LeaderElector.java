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


package io.github.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Takes part in the election of one role and tells whether this instance leads it.
 * Thread-safe; {@link #isLeader()} does no I/O, so a scheduled job may call it on every run.
 *
 * @since 0.1.0
 */
public interface LeaderElector {

	/**
	 * Name of the role this elector competes for, for example {@code orders}.
	 */
	String role();

	/**
	 * Identity of this instance in the election, unique among the instances that compete.
	 */
	String instanceId();

	/**
	 * Whether this instance leads now and may start leader-only work; {@code false} once the local deadline has
	 * passed, even when no reply from the store ever said so, and from the moment a graceful handover begins (the
	 * lease is then kept only for work already running).
	 */
	boolean isLeader();

	/**
	 * This instance's current grant, with its fencing token; empty while it follows, and from the moment a graceful
	 * handover begins.
	 */
	Optional<Leadership> leadership();

	/**
	 * Admits one run of leader-only work if this instance leads now; {@code @LeaderOnly} calls go through here. A
	 * graceful handover ({@link #yieldLeadership()}, or the application stopping) stops admitting at once, then keeps
	 * the lease, renewing it, until every admitted run of the term has been closed and every {@code OnRevokedEvent}
	 * listener has returned, for at most {@code leader.election.drain-timeout}; only then is the lease released.
	 * Does no I/O.
	 * @param description what runs, named in the warning logged when a handover stops waiting for it
	 * @return the admitted run, to close when the work ends; empty when this instance does not lead
	 */
	default Optional<LeaderWork> admit(String description) {
		if (!isLeader()) {
			return Optional.empty();
		}
		// An elector with nothing to hand over, such as a test double: nothing waits for the run.
		Leadership leadership = leadership().orElseGet(() -> new Leadership(role(), instanceId(), 0, Instant.now()));
		return Optional.of(LeaderWork.untracked(leadership));
	}

	/**
	 * Reads the store for the instance that leads the role now, whichever instance asks.
	 * @return the current leader, or empty when no instance holds the lease
	 * @throws RuntimeException when the store cannot be read
	 */
	Optional<LeaderInfo> currentLeader();

	/**
	 * Gives up leadership, if held, and sits out at least one election round so that another instance takes over.
	 * {@link #isLeader()} is {@code false} when this method returns; the lease is released in the background once the
	 * work already admitted has finished (see {@link #admit(String)}).
	 */
	void yieldLeadership();

	/**
	 * Blocks until this instance leads the role or the timeout passes.
	 * @param timeout how long to wait at most
	 * @return whether this instance leads when the method returns
	 * @throws InterruptedException when the calling thread is interrupted while waiting
	 */
	boolean awaitLeadership(Duration timeout) throws InterruptedException;

}
