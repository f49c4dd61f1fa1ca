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

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Makes each term of leadership on this instance a Micrometer {@link Observation} named {@value #NAME}: started at
 * the grant, stopped at the revocation with the low-cardinality key {@code reason} (the
 * {@link io.github.leaderelection.event.RevokeReason} in lower case). The role is a low-cardinality key unless
 * turned off; the fencing token and the instance id are high-cardinality keys. With Micrometer's meter handler a
 * term is also a timer of the same name, and terms in progress a long task timer ({@value #NAME}{@code .active}).
 * Listens on the {@code leader-election-events} thread, which delivers the grant and revocation of a term in order.
 *
 * @since 0.2.0
 */
public final class LeadershipTermObservations implements ApplicationListener<LeadershipEvent> {

	/**
	 * Name of the observations.
	 */
	public static final String NAME = "leader.election.term";

	private final ObservationRegistry observations;

	private final boolean roleTag;

	private final Map<LeaderElector, Observation> terms = new ConcurrentHashMap<>();

	/**
	 * Creates the observations of terms.
	 * @param observations where the observations go
	 * @param roleTag whether the role is a low-cardinality key (otherwise a high-cardinality one)
	 */
	public LeadershipTermObservations(ObservationRegistry observations, boolean roleTag) {
		Assert.notNull(observations, "'observations' must not be null");
		this.observations = observations;
		this.roleTag = roleTag;
	}

	@Override
	public void onApplicationEvent(LeadershipEvent event) {
		if (event instanceof OnGrantedEvent) {
			granted(event);
		}
		else if (event instanceof OnRevokedEvent revoked) {
			Observation term = this.terms.remove(revoked.elector());
			if (term != null) {
				term.lowCardinalityKeyValue("reason", revoked.reason().name().toLowerCase(Locale.ROOT));
				term.stop();
			}
		}
	}

	private void granted(LeadershipEvent event) {
		Observation term = Observation.createNotStarted(NAME, this.observations);
		if (term.isNoop()) {
			return;
		}
		if (this.roleTag) {
			term.lowCardinalityKeyValue(LeadershipGauges.ROLE, event.role());
		}
		else {
			term.highCardinalityKeyValue(LeadershipGauges.ROLE, event.role());
		}
		term.highCardinalityKeyValue("fencing.token", Long.toString(event.fencingToken()))
			.highCardinalityKeyValue("instance.id", event.instanceId())
			.start();
		Observation previous = this.terms.put(event.elector(), term);
		if (previous != null) {
			// Events of a role arrive in order, so this is a grant whose revocation this listener never saw.
			previous.lowCardinalityKeyValue("reason", "unknown");
			previous.stop();
		}
	}

}
