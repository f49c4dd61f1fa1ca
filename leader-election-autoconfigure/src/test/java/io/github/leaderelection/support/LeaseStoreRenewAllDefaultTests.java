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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.PartialRenewalException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the default {@link LeaseStore#renewAll(List)}, which calls {@link LeaseStore#renew} for each renewal in
 * turn. Run on the in-memory double of the engine tests: what a real store owes is in the contract tests.
 */
class LeaseStoreRenewAllDefaultTests {

	private static final Duration LEASE = Duration.ofSeconds(1);

	private static final LeaseHolder HOLDER = new LeaseHolder("one", "nonce-1");

	private static final LeaseHolder OTHER = new LeaseHolder("two", "nonce-2");

	private final InMemoryLeaseStore memory = new InMemoryLeaseStore();

	private final FailingStore store = new FailingStore(this.memory);

	@Test
	void answersEachRenewalInTheOrderGiven() {
		assertThat(this.memory.acquire(new LeaseClaim("orders", HOLDER, "host", Instant.EPOCH, LEASE)).isGranted())
			.isTrue();
		assertThat(this.store.renewAll(List.of(renewal("orders", HOLDER), renewal("orders", OTHER),
				renewal("orders", HOLDER), renewal("orders", new LeaseHolder("one", "nonce-9")))))
			.containsExactly(true, false, true, false);
		assertThat(this.store.renewed).containsExactly("orders one", "orders two", "orders one", "orders one");
	}

	@Test
	void answersAnEmptyBatchWithoutCallingTheStore() {
		assertThat(this.store.renewAll(List.of())).isEmpty();
		assertThat(this.store.renewed).isEmpty();
	}

	@Test
	void throwsTheFailureOfTheFirstRenewalAsIsAndTriesNoOther() {
		IllegalStateException unreachable = new IllegalStateException("unreachable");
		this.store.failFor("orders", unreachable);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.store.renewAll(List.of(renewal("orders", HOLDER), renewal("cleanup", HOLDER))))
			.isSameAs(unreachable);
		assertThat(this.store.renewed).containsExactly("orders one");
	}

	@Test
	void stopsAtALaterFailureAndTellsTheAnswersItGot() {
		assertThat(this.memory.acquire(new LeaseClaim("orders", HOLDER, "host", Instant.EPOCH, LEASE)).isGranted())
			.isTrue();
		IllegalStateException unreachable = new IllegalStateException("unreachable");
		this.store.failFor("cleanup", unreachable);
		List<LeaseRenewal> renewals = List.of(renewal("orders", HOLDER), renewal("orders", OTHER),
				renewal("cleanup", HOLDER), renewal("orders", HOLDER));
		assertThatExceptionOfType(PartialRenewalException.class).isThrownBy(() -> this.store.renewAll(renewals))
			.withCause(unreachable)
			.withMessage("2 of 4 renewals did not reach the store: unreachable")
			.satisfies((ex) -> assertThat(ex.outcomes()).containsExactly(true, false, null, null));
		assertThat(this.store.renewed).containsExactly("orders one", "orders two", "cleanup one");
	}

	@Test
	void rejectsAMissingBatchOrRenewal() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.store.renewAll(null))
			.withMessage("'renewals' must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.store.renewAll(Arrays.asList(renewal("orders", HOLDER), null)))
			.withMessage("'renewals' must not contain null elements");
	}

	@Test
	void renewalsAreValidatedLikeClaims() {
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaseRenewal(" ", HOLDER, LEASE))
			.withMessage("'role' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaseRenewal("orders", null, LEASE))
			.withMessage("'holder' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaseRenewal("orders", HOLDER, Duration.ZERO))
			.withMessage("'leaseDuration' must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> new LeaseRenewal("orders", HOLDER, null))
			.withMessage("'leaseDuration' must be positive");
	}

	private static LeaseRenewal renewal(String role, LeaseHolder holder) {
		return new LeaseRenewal(role, holder, LEASE);
	}

	/**
	 * The in-memory double with only the default {@code renewAll}, noting each renewal and failing those of one role.
	 */
	private static final class FailingStore implements LeaseStore {

		private final LeaseStore delegate;

		private final List<String> renewed = new ArrayList<>();

		private String failingRole = "";

		private RuntimeException failure = new IllegalStateException();

		FailingStore(LeaseStore delegate) {
			this.delegate = delegate;
		}

		void failFor(String role, RuntimeException failure) {
			this.failingRole = role;
			this.failure = failure;
		}

		@Override
		public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
			this.renewed.add(role + " " + holder.instanceId());
			if (role.equals(this.failingRole)) {
				throw this.failure;
			}
			return this.delegate.renew(role, holder, leaseDuration);
		}

		@Override
		public Acquisition acquire(LeaseClaim claim) {
			return this.delegate.acquire(claim);
		}

		@Override
		public boolean release(String role, LeaseHolder holder) {
			return this.delegate.release(role, holder);
		}

		@Override
		public Optional<LeaderInfo> currentLeader(String role) {
			return this.delegate.currentLeader(role);
		}

		@Override
		public Subscription onRelease(String role, Runnable listener) {
			return this.delegate.onRelease(role, listener);
		}

	}

}
