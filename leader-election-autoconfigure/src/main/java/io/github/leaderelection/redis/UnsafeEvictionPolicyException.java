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
 * Redis may evict any key when it is full: its {@code maxmemory-policy} is an {@code allkeys-*} one and
 * {@code maxmemory} is set. It could then evict the fencing-token counter and the state of a role, which have no TTL,
 * and with them every trace of a lease, so the store grants no lease there.
 *
 * @since 0.1.0
 */
public final class UnsafeEvictionPolicyException extends IllegalStateException {

	private final String target;

	private final String policy;

	private final long maxmemory;

	UnsafeEvictionPolicyException(String target, String policy, long maxmemory) {
		super(message(target, policy, maxmemory));
		this.target = target;
		this.policy = policy;
		this.maxmemory = maxmemory;
	}

	/**
	 * The Redis set-up, as in {@code Redis at localhost:6379}.
	 */
	public String target() {
		return this.target;
	}

	/**
	 * The eviction policy, for example {@code allkeys-lru}.
	 */
	public String policy() {
		return this.policy;
	}

	/**
	 * The memory limit in bytes.
	 */
	public long maxmemory() {
		return this.maxmemory;
	}

	// Also what the store reports for a refused claim, without creating the exception.
	static String message(String target, String policy, long maxmemory) {
		return ("%s may evict any key when it is full (maxmemory-policy %s with maxmemory %s), also the fencing-token "
				+ "counter and state of a role, which would lose leases silently; no instance is granted a lease there "
				+ "until it is fixed: set maxmemory-policy noeviction or a volatile-* policy, or keep leases on a Redis "
				+ "of their own")
			.formatted(target, policy, bytes(maxmemory));
	}

	// As redis.conf writes sizes.
	private static String bytes(long bytes) {
		if (bytes % (1L << 30) == 0) {
			return (bytes >> 30) + "gb";
		}
		if (bytes % (1L << 20) == 0) {
			return (bytes >> 20) + "mb";
		}
		if (bytes % (1L << 10) == 0) {
			return (bytes >> 10) + "kb";
		}
		return Long.toString(bytes);
	}

}
