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


package io.github.leaderelection.autoconfigure;

import io.github.leaderelection.redis.UnsafeEvictionPolicyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a Redis whose eviction policy could delete leases silently.
 */
class UnsafeEvictionPolicyFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeEvictionPolicyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsafeEvictionPolicyException cause) {
		return new FailureAnalysis(cause.getMessage(), ("Set maxmemory-policy noeviction (or a volatile-* policy, "
				+ "which evicts only keys with a TTL) on %s, with CONFIG SET maxmemory-policy noeviction and in its "
				+ "configuration file; or keep leases on a Redis of their own by declaring a RedisLeaseStore bean on "
				+ "another RedisConnectionFactory.")
			.formatted(cause.target()), cause);
	}

}
