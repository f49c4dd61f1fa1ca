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
package io.github.leaderelection.redis;

/**
 * Redis could not be reached as the store started, and {@link RedisLeaseStore.Options#failFast()} asks the start to
 * fail rather than to elect once Redis can be reached.
 *
 * @since 0.2.0
 */
public final class RedisUnreachableException extends IllegalStateException {

	private final String target;

	RedisUnreachableException(String target, Throwable cause) {
		super("%s is unreachable: %s".formatted(target, cause.getMessage()), cause);
		this.target = target;
	}

	/**
	 * The Redis set-up, as in {@code Redis at localhost:6379}.
	 */
	public String target() {
		return this.target;
	}

}
