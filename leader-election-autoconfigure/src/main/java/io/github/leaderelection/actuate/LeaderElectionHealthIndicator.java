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

package io.github.leaderelection.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseLeaderElector.State;
import io.github.leaderelection.support.LeaseSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * The {@code leaderElection} health contributor, with details per role. Following is healthy: an instance that
 * follows is ready to take over, and reporting it down would only make an orchestrator restart it. Reports
 * {@code DOWN} only when an elector has stopped working, that is:
 * <ul>
 * <li>its store calls have not returned for a lease longer than the longest wait between two calls of an elector
 * that is well (a follower claims once per lease, a yielding leader sits out a lease and the election jitter): for
 * twice the lease plus the jitter, counted from its start if no call has returned since;</li>
 * <li>it has stopped while the application still runs.</li>
 * </ul>
 * Does no I/O: it reads what the electors remember of their last store calls.
 *
 * @since 0.2.0
 */
public final class LeaderElectionHealthIndicator extends AbstractHealthIndicator {

	private final LeaderElectors electors;

	private final Clock clock;

	/**
	 * Creates a health indicator.
	 * @param electors the application's electors
	 */
	public LeaderElectionHealthIndicator(LeaderElectors electors) {
		this(electors, Clock.systemUTC());
	}

	LeaderElectionHealthIndicator(LeaderElectors electors, Clock clock) {
		super("Leader election health check failed");
		Assert.notNull(electors, "'electors' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.electors = electors;
		this.clock = clock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<LeaderElector> electors = this.electors.electors()
			.stream()
			.sorted(Comparator.comparing(LeaderElector::role))
			.toList();
		boolean running = this.electors.isRunning();
		Instant now = this.clock.instant();
		boolean up = true;
		Map<String, Object> roles = new LinkedHashMap<>();
		for (LeaderElector elector : electors) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("state", LeaderElectionEndpoint.stateOf(elector));
			elector.leadership().ifPresent((leadership) -> details.put("fencingToken", leadership.fencingToken()));
			String problem = null;
			if (elector instanceof LeaseLeaderElector lease) {
				lease.lastStoreContact().ifPresent((contact) -> details.put("lastStoreContact", contact));
				problem = problem(lease, running, now);
			}
			if (problem != null) {
				details.put("problem", problem);
				up = false;
			}
			roles.put(elector.role(), details);
		}
		builder.status(up ? Status.UP : Status.DOWN);
		builder.withDetail("roles", roles);
	}

	private static @Nullable String problem(LeaseLeaderElector elector, boolean running, Instant now) {
		State state = elector.state();
		if (state == State.STOPPED || state == State.STOPPING) {
			return (running && state == State.STOPPED)
					? "Stopped while the application runs: this instance no longer takes part in the election" : null;
		}
		Instant since = elector.lastStoreContact()
			.filter((contact) -> contact.isAfter(elector.startedAt()))
			.orElse(elector.startedAt());
		Duration silence = Duration.between(since, now);
		Duration limit = silenceLimit(elector.settings());
		if (silence.compareTo(limit) <= 0) {
			return null;
		}
		boolean never = elector.lastStoreContact().filter((contact) -> contact.isAfter(elector.startedAt())).isEmpty();
		return "%s for %s, longer than %s (twice the lease plus the election jitter)".formatted(
				never ? "No store call has returned since the start" : "No store call has returned",
				LeaderLookup.human(silence.withNanos(0)), LeaderLookup.human(limit));
	}

	/**
	 * Time without a returned store call after which an elector that is not stopped is reported down: a lease more
	 * than the longest wait between two calls when all is well, which is {@link LeaseSettings#sitOut()}.
	 * @param settings the elector's settings
	 * @return the limit
	 */
	static Duration silenceLimit(LeaseSettings settings) {
		return settings.sitOut().plus(settings.leaseDuration());
	}

}
