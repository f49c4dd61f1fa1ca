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

import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStoreContractTests;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLeaseStore} with Jedis against a real Redis server: the {@link LeaseStoreContractTests
 * contract} and what depends on the client.
 */
@ExtendWith(OutputCaptureExtension.class)
class JedisRedisLeaseStoreTests extends LeaseStoreContractTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final RedisLeaseStores stores = new RedisLeaseStores(redis, redis::jedisConnectionFactory,
			LONGEST_LEASE);

	@AfterEach
	void stopStores() {
		this.stores.stopAll();
	}

	@Override
	protected LeaseStore createStore() {
		return this.stores.create();
	}

	@Override
	protected void loseAllData() {
		redis.server().restart();
	}

	@Test
	void toStringNamesHostAndPort() {
		assertThat(this.stores.create()).hasToString(this.stores.target());
	}

	@Test
	void unreachableRedisFailsEveryCallAndIsLoggedOncePerOutage(CapturedOutput output) throws InterruptedException {
		RedisLeaseStoreTests.assertUnreachableRedisFailsEveryCallAndIsLoggedOncePerOutage(this.stores, output);
	}

	@Test
	void releaseSubscriptionSurvivesARestart() {
		RedisLeaseStoreTests.assertReleaseSubscriptionSurvivesARestart(this.stores);
	}

}
