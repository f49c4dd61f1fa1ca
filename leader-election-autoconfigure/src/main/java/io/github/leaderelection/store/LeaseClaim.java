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


package io.github.leaderelection.store;

import java.time.Duration;
import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A request for the lease of a role.
 *
 * @param role the role
 * @param holder the instance that asks, with its nonce
 * @param hostname the host the instance runs on, shown to operators
 * @param startedAt when the instance's elector started, shown to operators
 * @param leaseDuration how long the lease lives unless renewed
 * @since 0.1.0
 */
public record LeaseClaim(String role, LeaseHolder holder, String hostname, Instant startedAt, Duration leaseDuration) {

	public LeaseClaim {
		Assert.hasText(role, "'role' must not be empty");
		Assert.notNull(holder, "'holder' must not be null");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(startedAt, "'startedAt' must not be null");
		Assert.isTrue(leaseDuration != null && !leaseDuration.isNegative() && !leaseDuration.isZero(),
				"'leaseDuration' must be positive");
	}

	/**
	 * The instance id of the holder.
	 */
	public String instanceId() {
		return this.holder.instanceId();
	}

}
