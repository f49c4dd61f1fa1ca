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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;

import org.springframework.util.Assert;

/**
 * A {@link LeaderElector} of an instance that takes no part in the election ({@code leader.election.enabled=false}):
 * it never leads, so {@code @LeaderOnly} methods are skipped and no event fires. It asks no store, so it cannot tell
 * who leads elsewhere.
 *
 * @since 0.2.0
 */
public final class DisabledLeaderElector implements LeaderElector {

	// Never counted down: leadership never comes.
	private static final CountDownLatch NEVER = new CountDownLatch(1);

	private final String role;

	private final String instanceId;

	public DisabledLeaderElector(String role, String instanceId) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		this.role = role;
		this.instanceId = instanceId;
	}

	@Override
	public String role() {
		return this.role;
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	/**
	 * Always {@code false}: this instance takes no part in the election.
	 */
	@Override
	public boolean isLeader() {
		return false;
	}

	/**
	 * Always empty.
	 */
	@Override
	public Optional<Leadership> leadership() {
		return Optional.empty();
	}

	/**
	 * Always empty: with the election disabled, this instance does not know the leader of other instances.
	 */
	@Override
	public Optional<LeaderInfo> currentLeader() {
		return Optional.empty();
	}

	/**
	 * Does nothing: there is nothing to give up.
	 */
	@Override
	public void yieldLeadership() {
	}

	/**
	 * Waits out the timeout, since leadership never comes, and returns {@code false}.
	 */
	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		return NEVER.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	@Override
	public String toString() {
		return "DisabledLeaderElector[role=%s, instanceId=%s]".formatted(this.role, this.instanceId);
	}

}
