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

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.actuate.LeaderLookup.Reading;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.util.Assert;

/**
 * Adds {@code leaderElection} to the info endpoint: the roles this instance takes part in and who leads each, read
 * from the store within the {@link LeaderLookup}'s time bound.
 *
 * @since 0.2.0
 */
public final class LeaderElectionInfoContributor implements InfoContributor {

	private final LeaderElectors electors;

	private final LeaderLookup lookup;

	/**
	 * Creates an info contributor.
	 * @param electors the application's electors
	 * @param lookup reads the current leaders
	 */
	public LeaderElectionInfoContributor(LeaderElectors electors, LeaderLookup lookup) {
		Assert.notNull(electors, "'electors' must not be null");
		Assert.notNull(lookup, "'lookup' must not be null");
		this.electors = electors;
		this.lookup = lookup;
	}

	@Override
	public void contribute(Info.Builder builder) {
		List<LeaderElector> electors = this.electors.electors()
			.stream()
			.sorted(Comparator.comparing(LeaderElector::role))
			.toList();
		Map<String, Object> roles = new LinkedHashMap<>();
		this.lookup.read(electors).forEach((role, reading) -> roles.put(role, describe(reading)));
		builder.withDetail("leaderElection", Map.of("roles", roles));
	}

	private static Map<String, @Nullable Object> describe(Reading reading) {
		Map<String, @Nullable Object> role = new LinkedHashMap<>();
		LeaderInfo leader = reading.leader();
		String error = reading.error();
		if (leader != null) {
			role.put("leader", leader.instanceId());
			role.put("hostname", leader.hostname());
			role.put("since", leader.acquiredAt().toString());
			role.put("fencingToken", leader.fencingToken());
		}
		else if (error != null) {
			role.put("error", error);
		}
		else {
			// Nobody holds the lease.
			role.put("leader", null);
		}
		return role;
	}

}
