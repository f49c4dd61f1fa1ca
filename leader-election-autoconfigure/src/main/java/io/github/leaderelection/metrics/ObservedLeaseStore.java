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


package io.github.leaderelection.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.PartialRenewalException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link LeaseStore} that makes each call of another store a Micrometer {@link Observation} named {@value #NAME},
 * with the low-cardinality keys {@code operation} ({@code acquire}, {@code renew}, {@code renew-all},
 * {@code release} or {@code current-leader}), {@code outcome} and, unless turned off, {@code role} ({@code *} for a
 * {@code renew-all} call, which renews several roles). With Micrometer's meter handler each observation is also a
 * timer of the same name; a trace shows each call as a span.
 * <p>
 * Outcomes: {@code granted}, {@code held}, {@code duplicate}, {@code quarantined} or {@code misconfigured} for an
 * acquisition; {@code renewed} or {@code refused} for a renewal ({@code refused} for {@code renew-all} when any of
 * its renewals was refused, {@code partial} when the store answered some of them and could not be reached for the
 * others); {@code released} or {@code not-held} for a release; {@code found} or {@code none} for a read of the
 * current leader; {@code error} when the store could not be reached. When the registry has no handler
 * an observation costs one check and allocates nothing.
 *
 * @since 0.2.0
 */
public final class ObservedLeaseStore implements LeaseStore {

	/**
	 * Name of the observations, and of the timer made from them.
	 */
	public static final String NAME = "leader.election.store";

	/**
	 * Name of the distribution of the number of renewals per {@code renew-all} call.
	 */
	public static final String RENEWALS = "leader.election.store.renewals";

	static final String BATCH_ROLE = "*";

	private final LeaseStore delegate;

	private final ObservationRegistry observations;

	private final @Nullable DistributionSummary renewalsPerCall;

	private final boolean roleTag;

	/**
	 * Creates a store that observes the calls of another.
	 * @param delegate the store that does the work
	 * @param observations where the observations go
	 * @param renewalsPerCall records the number of renewals of each {@code renew-all} call; {@code null} for none
	 * @param roleTag whether the role is a low-cardinality key (otherwise a high-cardinality one, shown in traces
	 * only)
	 */
	public ObservedLeaseStore(LeaseStore delegate, ObservationRegistry observations,
			@Nullable DistributionSummary renewalsPerCall, boolean roleTag) {
		Assert.notNull(delegate, "'delegate' must not be null");
		Assert.notNull(observations, "'observations' must not be null");
		this.delegate = delegate;
		this.observations = observations;
		this.renewalsPerCall = renewalsPerCall;
		this.roleTag = roleTag;
	}

	/**
	 * The store whose calls are observed.
	 */
	public LeaseStore delegate() {
		return this.delegate;
	}

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		Observation observation = start("acquire", claim.role());
		try {
			Acquisition acquisition = this.delegate.acquire(claim);
			observation.lowCardinalityKeyValue("outcome", outcome(acquisition));
			return acquisition;
		}
		catch (RuntimeException ex) {
			throw failed(observation, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		Observation observation = start("renew", role);
		try {
			boolean renewed = this.delegate.renew(role, holder, leaseDuration);
			observation.lowCardinalityKeyValue("outcome", renewed ? "renewed" : "refused");
			return renewed;
		}
		catch (RuntimeException ex) {
			throw failed(observation, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public List<Boolean> renewAll(List<LeaseRenewal> renewals) {
		DistributionSummary renewalsPerCall = this.renewalsPerCall;
		if (renewalsPerCall != null) {
			renewalsPerCall.record(renewals.size());
		}
		Observation observation = start("renew-all", BATCH_ROLE);
		if (!observation.isNoop()) {
			observation.highCardinalityKeyValue("renewals", Integer.toString(renewals.size()));
		}
		try {
			List<Boolean> renewed = this.delegate.renewAll(renewals);
			boolean refused = renewed.contains(Boolean.FALSE) || renewed.size() != renewals.size();
			observation.lowCardinalityKeyValue("outcome", refused ? "refused" : "renewed");
			return renewed;
		}
		catch (PartialRenewalException ex) {
			observation.lowCardinalityKeyValue("outcome", "partial");
			observation.error(ex);
			throw ex;
		}
		catch (RuntimeException ex) {
			throw failed(observation, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		Observation observation = start("release", role);
		try {
			boolean released = this.delegate.release(role, holder);
			observation.lowCardinalityKeyValue("outcome", released ? "released" : "not-held");
			return released;
		}
		catch (RuntimeException ex) {
			throw failed(observation, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public Optional<LeaderInfo> currentLeader(String role) {
		Observation observation = start("current-leader", role);
		try {
			Optional<LeaderInfo> leader = this.delegate.currentLeader(role);
			observation.lowCardinalityKeyValue("outcome", leader.isPresent() ? "found" : "none");
			return leader;
		}
		catch (RuntimeException ex) {
			throw failed(observation, ex);
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public Subscription onRelease(String role, Runnable listener) {
		return this.delegate.onRelease(role, listener);
	}

	private Observation start(String operation, String role) {
		Observation observation = Observation.createNotStarted(NAME, this.observations);
		if (observation.isNoop()) {
			return observation;
		}
		observation.lowCardinalityKeyValue("operation", operation);
		if (this.roleTag) {
			observation.lowCardinalityKeyValue(LeadershipGauges.ROLE, role);
		}
		else {
			observation.highCardinalityKeyValue(LeadershipGauges.ROLE, role);
		}
		return observation.start();
	}

	private static RuntimeException failed(Observation observation, RuntimeException ex) {
		observation.lowCardinalityKeyValue("outcome", "error");
		observation.error(ex);
		return ex;
	}

	private static String outcome(Acquisition acquisition) {
		return switch (acquisition.outcome()) {
			case GRANTED -> "granted";
			case HELD -> "held";
			case DUPLICATE -> "duplicate";
			case QUARANTINED -> "quarantined";
			case MISCONFIGURED -> "misconfigured";
		};
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
