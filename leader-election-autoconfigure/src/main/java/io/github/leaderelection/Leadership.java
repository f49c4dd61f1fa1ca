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
 * One grant of leadership to this instance.
 *
 * @param role the role that was granted
 * @param instanceId the instance that holds it
 * @param fencingToken a number that is larger for every grant of the role than for any grant before it, also
 * across restarts of the store; pass it to resources that can reject a stale leader's writes
 * @param acquiredAt when the grant was made, by this instance's wall clock (for display only)
 * @since 0.1.0
 */
public record Leadership(String role, String instanceId, long fencingToken, Instant acquiredAt) {

	public Leadership {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(acquiredAt, "'acquiredAt' must not be null");
	}

}
