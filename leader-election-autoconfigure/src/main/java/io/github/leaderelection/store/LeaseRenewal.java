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

import org.springframework.util.Assert;

/**
 * A request to extend a lease that the caller believes it holds, one of those that
 * {@link LeaseStore#renewAll(java.util.List)} sends together.
 *
 * @param role the role
 * @param holder the instance that believes it holds the lease
 * @param leaseDuration the new time to live
 * @since 0.2.0
 */
public record LeaseRenewal(String role, LeaseHolder holder, Duration leaseDuration) {

	public LeaseRenewal {
		Assert.hasText(role, "'role' must not be empty");
		Assert.notNull(holder, "'holder' must not be null");
		Assert.isTrue(leaseDuration != null && !leaseDuration.isNegative() && !leaseDuration.isZero(),
				"'leaseDuration' must be positive");
	}

}
