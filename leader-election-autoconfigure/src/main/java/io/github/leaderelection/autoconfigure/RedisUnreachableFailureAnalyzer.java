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

import io.github.leaderelection.redis.RedisUnreachableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because Redis could not be reached and {@code leader.election.redis.fail-fast} is on.
 */
class RedisUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<RedisUnreachableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RedisUnreachableException cause) {
		Throwable reason = (cause.getCause() != null) ? cause.getCause() : cause;
		return new FailureAnalysis(
				"Leader election could not reach %s as the application started, and leader.election.redis.fail-fast is true: %s"
					.formatted(cause.target(), reason.getMessage()),
				("Start %s, or point spring.data.redis (host and port, url, sentinel or cluster) at your Redis; or "
						+ "set leader.election.redis.fail-fast=false to start anyway, with every instance following "
						+ "until Redis can be reached.")
					.formatted(cause.target()),
				cause);
	}

}
