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


package io.github.leaderelection.event;

import io.github.leaderelection.LeaderElector;

import org.springframework.context.ApplicationEvent;

/**
 * A change of leadership of one role on this instance. Published in order on the {@code leader-election-events}
 * thread: a listener never sees two grants of a role without a revoke between them.
 *
 * @since 0.1.0
 */
public abstract sealed class LeadershipEvent extends ApplicationEvent permits OnGrantedEvent, OnRevokedEvent {

	private final String role;

	private final String instanceId;

	private final long fencingToken;

	LeadershipEvent(LeaderElector source, long fencingToken) {
		super(source);
		this.role = source.role();
		this.instanceId = source.instanceId();
		this.fencingToken = fencingToken;
	}

	/**
	 * Role whose leadership changed.
	 */
	public String role() {
		return this.role;
	}

	/**
	 * This instance's id.
	 */
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Fencing token of the grant that began or ended.
	 */
	public long fencingToken() {
		return this.fencingToken;
	}

	/**
	 * Elector of the role, to ask it {@link LeaderElector#isLeader()} later on.
	 */
	public LeaderElector elector() {
		return (LeaderElector) getSource();
	}

}
