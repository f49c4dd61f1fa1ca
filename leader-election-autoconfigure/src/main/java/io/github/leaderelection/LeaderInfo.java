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


package io.github.leaderelection;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * What the store knows of the instance that leads a role: what an operator wants to see.
 *
 * @param role the role that is led
 * @param instanceId the leader's instance id
 * @param hostname the host the leader runs on
 * @param startedAt when the leader's elector started
 * @param acquiredAt when the leader was granted the lease, by the store's clock
 * @param lastRenewedAt when the leader last renewed the lease, by the store's clock
 * @param fencingToken the fencing token of the leader's grant
 * @since 0.1.0
 */
public record LeaderInfo(String role, String instanceId, String hostname, Instant startedAt, Instant acquiredAt,
		Instant lastRenewedAt, long fencingToken) {

	public LeaderInfo {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(startedAt, "'startedAt' must not be null");
		Assert.notNull(acquiredAt, "'acquiredAt' must not be null");
		Assert.notNull(lastRenewedAt, "'lastRenewedAt' must not be null");
	}

}
