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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import io.github.leaderelection.LeaderInfo;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where leases live: the SPI between the elector and a store such as Redis. Each operation on one role is atomic
 * in the store. Implementations are thread-safe; a failure to reach the store is thrown as a
 * {@link RuntimeException}, never answered as "not granted".
 *
 * @since 0.1.0
 */
public interface LeaseStore {

	/**
	 * Grants the lease of {@code claim.role()} to {@code claim.holder()} if nobody else holds it, with a fencing
	 * token larger than any the role was granted before. A lease held under the same instance id with another nonce
	 * is somebody else's ({@link Acquisition.Outcome#DUPLICATE}). After any sign that the store lost or rolled back
	 * the role's data, nobody is granted the lease until every former holder's deadline has surely passed
	 * ({@link Acquisition.Outcome#QUARANTINED}), and tokens go on above every token granted before.
	 * @param claim who asks, and for how long
	 * @return the grant, or when to ask again
	 */
	Acquisition acquire(LeaseClaim claim);

	/**
	 * Extends the lease by {@code leaseDuration} from now, only while {@code holder} still holds it and the store
	 * shows no sign of having lost or rolled back the role's data; never re-creates a lease that is gone.
	 * @param role the role
	 * @param holder the instance that believes it holds the lease
	 * @param leaseDuration the new time to live
	 * @return {@code true} when extended, {@code false} when the lease is gone, held by another holder, or may have
	 * been lost
	 */
	boolean renew(String role, LeaseHolder holder, Duration leaseDuration);

	/**
	 * Renews several leases, as {@link #renew} would one by one, in as few round trips as the store allows. Each
	 * renewal is atomic on its own, not the batch: one may be extended while another is refused. A store overrides
	 * this to send renewals together where it can; the default calls {@link #renew} for each in turn and stops at the
	 * first that fails.
	 * @param renewals the leases to renew, of distinct roles or not
	 * @return per renewal, in the order given, whether it was extended
	 * @throws PartialRenewalException when the store answered some renewals and could not be reached for the others;
	 * its {@link PartialRenewalException#outcomes() outcomes} tell which
	 * @throws RuntimeException when the store could not be reached for any of them (the caller retries all)
	 * @since 0.2.0
	 */
	default List<Boolean> renewAll(List<LeaseRenewal> renewals) {
		Assert.notNull(renewals, "'renewals' must not be null");
		Assert.noNullElements(renewals, "'renewals' must not contain null elements");
		List<@Nullable Boolean> outcomes = new ArrayList<@Nullable Boolean>(Collections.nCopies(renewals.size(), null));
		for (int i = 0; i < renewals.size(); i++) {
			LeaseRenewal renewal = renewals.get(i);
			try {
				outcomes.set(i, renew(renewal.role(), renewal.holder(), renewal.leaseDuration()));
			}
			catch (RuntimeException ex) {
				// The next call would most likely wait as long for the same store: leave the rest to a retry.
				if (i == 0) {
					throw ex;
				}
				throw new PartialRenewalException(outcomes, ex);
			}
		}
		List<Boolean> renewed = new ArrayList<>(renewals.size());
		outcomes.forEach((outcome) -> renewed.add(Boolean.TRUE.equals(outcome)));
		return renewed;
	}

	/**
	 * Deletes the lease only if {@code holder} holds it, and tells the role's release listeners.
	 * @param role the role
	 * @param holder the instance that holds the lease
	 * @return whether a lease of {@code holder} was deleted
	 */
	boolean release(String role, LeaseHolder holder);

	/**
	 * Reads who holds the lease of a role now.
	 * @param role the role
	 * @return the current leader, or empty when no instance holds the lease
	 */
	Optional<LeaderInfo> currentLeader(String role);

	/**
	 * Calls {@code listener} whenever a lease of {@code role} is released, on a thread of the store's choosing, and
	 * whenever releases may have been missed (for example when the subscription is established again). Delivery is
	 * best effort: a follower must not rely on it and still retries when the lease would expire. Implementations
	 * should return once notifications flow, or after a short wait when the store is slow to answer.
	 * @param role the role
	 * @param listener what to call; it must return quickly
	 * @return a handle that stops the calls
	 */
	Subscription onRelease(String role, Runnable listener);

	/**
	 * A registration made with {@link #onRelease(String, Runnable)}.
	 */
	@FunctionalInterface
	interface Subscription extends AutoCloseable {

		/**
		 * Stops the calls to the listener.
		 */
		@Override
		void close();

	}

}
