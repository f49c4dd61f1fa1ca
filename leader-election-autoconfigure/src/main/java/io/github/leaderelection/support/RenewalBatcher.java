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

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.PartialRenewalException;
import io.github.leaderelection.support.ElectionScheduler.Cancellable;
import org.jspecify.annotations.Nullable;

/**
 * Sends the renewals of the leases one store holds for this application together, in one
 * {@link LeaseStore#renewAll(List)} call per batch. An elector asks for its renewal by a due time and accepts an
 * earlier one: it joins a batch that goes out between the two, or opens a new one at the due time. Renewing early
 * only extends a lease, and the members of a batch fall due together again one renew interval later, so the leases
 * of many roles soon renew in a few calls per interval, however many roles there are.
 */
final class RenewalBatcher {

	/**
	 * Most renewals in one store call. A store that renews one by one (the SPI's default) takes a while for many,
	 * and the renewals of a call are sent no earlier than the call: larger batches go out as several calls, which
	 * the I/O threads make side by side.
	 */
	static final int MAX_RENEWALS_PER_CALL = 500;

	private final LeaseStore store;

	private final ElectionScheduler scheduler;

	private final ElectionClock clock;

	private final Object monitor = new Object();

	// Batches not yet sent, by the monotonic time at which they go out.
	private final TreeMap<Long, Batch> pending = new TreeMap<>();

	RenewalBatcher(LeaseStore store, ElectionScheduler scheduler, ElectionClock clock) {
		this.store = store;
		this.scheduler = scheduler;
		this.clock = clock;
	}

	/**
	 * Places a renewal in the latest batch that goes out between {@code earliestNanos} and {@code dueNanos}, or in
	 * a new one at {@code dueNanos}.
	 * @param member the elector that renews
	 * @param earliestNanos the earliest monotonic time the renewal may be sent
	 * @param dueNanos the latest monotonic time the renewal may be sent
	 * @return a handle that takes the renewal out of its batch, unless the batch has gone out
	 */
	Cancellable submit(Member member, long earliestNanos, long dueNanos) {
		synchronized (this.monitor) {
			Map.Entry<Long, Batch> latest = this.pending.floorEntry(dueNanos);
			Batch batch;
			if (latest != null && latest.getKey() - earliestNanos >= 0) {
				batch = latest.getValue();
			}
			else {
				Batch created = new Batch(dueNanos);
				this.pending.put(dueNanos, created);
				created.timer = this.scheduler.schedule(() -> goOut(created), dueNanos - this.clock.nanoTime());
				batch = created;
			}
			batch.members.add(member);
			return () -> withdraw(batch, member);
		}
	}

	private void withdraw(Batch batch, Member member) {
		synchronized (this.monitor) {
			if (this.pending.get(batch.dueNanos) != batch) {
				return;
			}
			batch.members.remove(member);
			if (batch.members.isEmpty()) {
				this.pending.remove(batch.dueNanos);
				batch.timer.cancel();
			}
		}
	}

	// On the timer: the batch is closed to new members and goes to the store on the I/O executor.
	private void goOut(Batch batch) {
		List<Member> members;
		synchronized (this.monitor) {
			if (!this.pending.remove(batch.dueNanos, batch)) {
				return;
			}
			members = List.copyOf(batch.members);
		}
		for (int from = 0; from < members.size(); from += MAX_RENEWALS_PER_CALL) {
			List<Member> call = members.subList(from, Math.min(members.size(), from + MAX_RENEWALS_PER_CALL));
			this.scheduler.execute(() -> send(call));
		}
	}

	private void send(List<Member> members) {
		List<Member> sent = new ArrayList<>(members.size());
		List<LeaseRenewal> renewals = new ArrayList<>(members.size());
		for (Member member : members) {
			LeaseRenewal renewal = member.begin();
			if (renewal != null) {
				sent.add(member);
				renewals.add(renewal);
			}
		}
		if (renewals.isEmpty()) {
			return;
		}
		long sentNanos = this.clock.nanoTime();
		long sentMillis = this.clock.wallMillis();
		List<Boolean> renewed;
		try {
			renewed = (renewals.size() == 1) ? List.of(renew(renewals.get(0))) : this.store.renewAll(renewals);
		}
		catch (PartialRenewalException ex) {
			// Some answered (one node of a cluster down, say): apply those, retry the others.
			List<@Nullable Boolean> outcomes = ex.outcomes();
			for (int i = 0; i < sent.size(); i++) {
				Boolean outcome = (i < outcomes.size()) ? outcomes.get(i) : null;
				if (outcome != null) {
					sent.get(i).renewed(outcome, sentNanos, sentMillis);
				}
				else {
					sent.get(i).failed(ex);
				}
			}
			return;
		}
		catch (RuntimeException ex) {
			sent.forEach((member) -> member.failed(ex));
			return;
		}
		if (renewed.size() != sent.size()) {
			IllegalStateException wrong = new IllegalStateException(
					"%s answered %d of %d renewals".formatted(this.store, renewed.size(), sent.size()));
			sent.forEach((member) -> member.failed(wrong));
			return;
		}
		for (int i = 0; i < sent.size(); i++) {
			sent.get(i).renewed(Boolean.TRUE.equals(renewed.get(i)), sentNanos, sentMillis);
		}
	}

	private boolean renew(LeaseRenewal renewal) {
		return this.store.renew(renewal.role(), renewal.holder(), renewal.leaseDuration());
	}

	/**
	 * An elector with a renewal in a batch. Called on the I/O executor.
	 */
	interface Member {

		/**
		 * The batch goes out now.
		 * @return what to renew, or {@code null} when the elector no longer wants the renewal
		 */
		@Nullable LeaseRenewal begin();

		/**
		 * The store answered.
		 * @param renewed whether the lease was extended
		 * @param sentNanos monotonic time at which the renewal was sent
		 * @param sentMillis wall-clock time at which the renewal was sent
		 */
		void renewed(boolean renewed, long sentNanos, long sentMillis);

		/**
		 * The store could not be reached.
		 * @param failure why
		 */
		void failed(RuntimeException failure);

	}

	private static final class Batch {

		private final long dueNanos;

		private final LinkedHashSet<Member> members = new LinkedHashSet<>();

		private Cancellable timer = Cancellable.NONE;

		Batch(long dueNanos) {
			this.dueNanos = dueNanos;
		}

	}

}
