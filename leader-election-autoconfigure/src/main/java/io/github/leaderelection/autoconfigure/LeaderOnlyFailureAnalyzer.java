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

import io.github.leaderelection.annotation.InvalidLeaderOnlyMethodException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @LeaderOnly} method that a follower cannot skip.
 */
class LeaderOnlyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidLeaderOnlyMethodException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidLeaderOnlyMethodException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"On a follower a @LeaderOnly call is skipped and returns null or Optional.empty(), which a primitive cannot hold. Change the return type of %s.%s, or move @LeaderOnly to a method that returns void."
					.formatted(cause.method().getDeclaringClass().getSimpleName(), cause.method().getName()),
				cause);
	}

}
