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

import org.springframework.util.Assert;

/**
 * This instance stopped leading a role. By the time listeners see it,
 * {@link LeaderElector#isLeader()} already answers {@code false}.
 *
 * @since 0.1.0
 */
public final class OnRevokedEvent extends LeadershipEvent {

	private final RevokeReason reason;

	public OnRevokedEvent(LeaderElector source, long fencingToken, RevokeReason reason) {
		super(source, fencingToken);
		Assert.notNull(reason, "'reason' must not be null");
		this.reason = reason;
	}

	/**
	 * Why leadership ended.
	 */
	public RevokeReason reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "OnRevokedEvent[role=%s, instanceId=%s, fencingToken=%d, reason=%s]".formatted(role(), instanceId(),
				fencingToken(), this.reason);
	}

}
