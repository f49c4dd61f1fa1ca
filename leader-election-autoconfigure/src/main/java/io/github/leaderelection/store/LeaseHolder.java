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

import java.security.SecureRandom;
import java.util.HexFormat;

import org.springframework.util.Assert;

/**
 * Who holds a lease: the configured instance id, paired with a nonce that only this elector knows. A store treats a
 * lease as the caller's own only when both match, so a second process started with the same instance id by mistake
 * can never take over (or renew, or release) a lease it did not acquire.
 *
 * @param instanceId the instance id, shown to operators
 * @param nonce random characters chosen when the elector is created, without whitespace
 * @since 0.1.0
 */
public record LeaseHolder(String instanceId, String nonce) {

	private static final SecureRandom random = new SecureRandom();

	public LeaseHolder {
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.hasText(nonce, "'nonce' must not be empty");
		Assert.isTrue(nonce.chars().noneMatch(Character::isWhitespace), "'nonce' must not contain whitespace");
	}

	/**
	 * A holder with the given instance id and a new random nonce.
	 * @param instanceId the instance id
	 * @return the holder
	 */
	public static LeaseHolder withRandomNonce(String instanceId) {
		byte[] nonce = new byte[8];
		random.nextBytes(nonce);
		return new LeaseHolder(instanceId, HexFormat.of().formatHex(nonce));
	}

	@Override
	public String toString() {
		return this.instanceId;
	}

}
