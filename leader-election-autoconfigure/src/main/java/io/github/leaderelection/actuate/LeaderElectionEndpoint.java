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

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.actuate.LeaderLookup.Reading;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseLeaderElector.State;
import io.github.leaderelection.support.StandaloneLeaderElector;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.util.Assert;

/**
 * The {@code leaderelection} endpoint: the store, this instance's id and, per role, where this instance stands in
 * the election and who leads. Reads of the store are bounded by a {@link LeaderLookup}; everything else does no
 * I/O. Reads only the roles whose electors exist, and never creates one. Its one write, a yield, is off unless
 * {@code management.endpoint.leaderelection.access} is {@code unrestricted}.
 *
 * @since 0.2.0
 */
@Endpoint(id = "leaderelection", defaultAccess = Access.READ_ONLY)
public final class LeaderElectionEndpoint {

	private final LeaderElectors electors;

	private final String mode;

	private final String store;

	private final LeaderLookup lookup;

	/**
	 * Creates an endpoint.
	 * @param electors the application's electors
	 * @param mode how leases are held, such as {@code redis} or {@code standalone}
	 * @param store a description of the store, such as its address
	 * @param lookup reads the current leaders
	 */
	public LeaderElectionEndpoint(LeaderElectors electors, String mode, String store, LeaderLookup lookup) {
		Assert.notNull(electors, "'electors' must not be null");
		Assert.hasText(mode, "'mode' must not be empty");
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(lookup, "'lookup' must not be null");
		this.electors = electors;
		this.mode = mode;
		this.store = store;
		this.lookup = lookup;
	}

	/**
	 * Every role this instance takes part in.
	 */
	@ReadOperation
	public ElectionDescriptor election() {
		List<LeaderElector> electors = this.electors.electors()
			.stream()
			.sorted(Comparator.comparing(LeaderElector::role))
			.toList();
		Map<String, Reading> readings = this.lookup.read(electors);
		Map<String, RoleDescriptor> roles = new LinkedHashMap<>();
		for (LeaderElector elector : electors) {
			roles.put(elector.role(), describe(elector, readings.get(elector.role())));
		}
		String instanceId = electors.isEmpty() ? null : electors.get(0).instanceId();
		return new ElectionDescriptor(this.mode, this.store, instanceId, this.electors.defaultRole(), roles);
	}

	/**
	 * One role.
	 * @param role the role
	 * @return the role, or {@code null} (404 over HTTP) when this instance has no elector for it
	 */
	@ReadOperation
	public @Nullable RoleDescriptor role(@Selector String role) {
		LeaderElector elector = find(role);
		return (elector != null) ? describe(elector, this.lookup.read(elector)) : null;
	}

	/**
	 * Gives up this instance's leadership of a role, if held, so that another instance takes over: the lease is
	 * released once the leader-only work already running has finished. Off unless access to the endpoint is
	 * unrestricted.
	 * @param role the role
	 * @return the role after the yield
	 */
	@WriteOperation
	public RoleDescriptor yieldLeadership(@Selector String role) {
		LeaderElector elector = find(role);
		if (elector == null) {
			throw new InvalidEndpointRequestException("No elector for role '%s' on this instance".formatted(role),
					"No elector for role '%s' on this instance: see /actuator/leaderelection for its roles"
						.formatted(role));
		}
		elector.yieldLeadership();
		return describe(elector, this.lookup.read(elector));
	}

	private @Nullable LeaderElector find(String role) {
		for (LeaderElector elector : this.electors.electors()) {
			if (elector.role().equals(role)) {
				return elector;
			}
		}
		return null;
	}

	private static RoleDescriptor describe(LeaderElector elector, @Nullable Reading reading) {
		Optional<Leadership> leadership = elector.leadership();
		Long token = leadership.map(Leadership::fencingToken).orElse(null);
		Duration remaining = null;
		Instant contact = null;
		if (elector instanceof LeaseLeaderElector lease) {
			remaining = lease.remainingLease().orElse(null);
			contact = lease.lastStoreContact().orElse(null);
		}
		LeaderInfo leader = (reading != null) ? reading.leader() : null;
		String error = (reading != null) ? reading.error() : null;
		return new RoleDescriptor(stateOf(elector), token, remaining, contact, leader, error);
	}

	/**
	 * Where an elector stands: its state when it is a {@link LeaseLeaderElector}; a {@link StandaloneLeaderElector}
	 * leads while it runs; any other elector leads or follows.
	 * @param elector the elector
	 * @return its state
	 */
	static State stateOf(LeaderElector elector) {
		if (elector instanceof LeaseLeaderElector lease) {
			return lease.state();
		}
		if (elector instanceof StandaloneLeaderElector standalone) {
			return standalone.isRunning() ? State.LEADING : State.STOPPED;
		}
		return elector.isLeader() ? State.LEADING : State.FOLLOWING;
	}

	/**
	 * What the endpoint shows of the whole election.
	 *
	 * @param mode how leases are held, such as {@code redis} or {@code standalone}
	 * @param store the store, such as its address
	 * @param instanceId this instance's id, or {@code null} before any elector exists
	 * @param defaultRole the role of {@code @LeaderOnly} methods that name none
	 * @param roles per role, by name
	 * @since 0.2.0
	 */
	public record ElectionDescriptor(String mode, String store, @Nullable String instanceId, String defaultRole,
			Map<String, RoleDescriptor> roles) implements OperationResponseBody {

	}

	/**
	 * What the endpoint shows of one role.
	 *
	 * @param state where this instance stands in the election of the role
	 * @param fencingToken the token of this instance's grant while it leads, else {@code null}
	 * @param remainingLease time the grant has left until its local deadline unless a renewal extends it, while
	 * this instance leads, else {@code null}
	 * @param lastStoreContact when a store call of this instance for the role last returned, or {@code null}
	 * @param leader the current leader as the store sees it, or {@code null} when none or when the read failed
	 * @param error why the store could not be read, or {@code null}
	 * @since 0.2.0
	 */
	public record RoleDescriptor(State state, @Nullable Long fencingToken, @Nullable Duration remainingLease,
			@Nullable Instant lastStoreContact, @Nullable LeaderInfo leader,
			@Nullable String error) implements OperationResponseBody {

	}

}
