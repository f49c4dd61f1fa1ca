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

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Thrown by {@link LeaseStore#renewAll(List)} when the store answered some of the renewals and could not be reached
 * for the others, for example when one node of a cluster is down. A caller may apply the answers it got and retry
 * only the rest; one that treats this like any other failure and retries all of them is still correct.
 *
 * @since 0.2.0
 */
public final class PartialRenewalException extends RuntimeException {

	private final List<@Nullable Boolean> outcomes;

	/**
	 * Creates an exception for the given outcomes.
	 * @param outcomes per renewal, in the order given, whether it was extended, or {@code null} where the store could
	 * not be reached; at least one is not {@code null}
	 * @param cause why the store could not be reached for the others
	 */
	public PartialRenewalException(List<@Nullable Boolean> outcomes, RuntimeException cause) {
		super("%d of %d renewals did not reach the store: %s".formatted(
				outcomes.stream().filter(Objects::isNull).count(), outcomes.size(), cause.getMessage()), cause);
		Assert.isTrue(outcomes.stream().anyMatch(Objects::nonNull), "At least one outcome must be known");
		Assert.isTrue(outcomes.stream().anyMatch(Objects::isNull), "At least one outcome must be unknown");
		this.outcomes = Collections.unmodifiableList(new ArrayList<>(outcomes));
	}

	/**
	 * Per renewal, in the order given, whether it was extended, or {@code null} where the store could not be reached
	 * and the renewal is to be retried.
	 */
	public List<@Nullable Boolean> outcomes() {
		return this.outcomes;
	}

}
