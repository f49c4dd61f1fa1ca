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


package io.github.leaderelection.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisServerExtension}: each test leaves the server in a state the next one must not see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServerExtensionTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static @Nullable RedisServer outerServer;

	@Test
	@Order(1)
	void lettuceConnectionFactoryReachesTheServer() {
		StringRedisTemplate template = new StringRedisTemplate(redis.connectionFactory());
		template.opsForValue().set("left-over", "lettuce");
		assertThat(redis.server().command("GET", "left-over")).isEqualTo("$7\nlettuce");
		assertThat(redis.port()).isEqualTo(redis.server().port());
		outerServer = redis.server();
	}

	@Test
	@Order(2)
	void eachTestStartsWithNoKeys() {
		assertThat(redis.server().command("DBSIZE")).isEqualTo(":0");
		redis.server().pause();
	}

	@Test
	@Order(3)
	void aPausedServerIsResumed() {
		assertThat(redis.server().command("PING")).isEqualTo("+PONG");
		redis.server().kill();
	}

	@Test
	@Order(4)
	void aKilledServerIsRestartedOnTheSamePort() {
		assertThat(redis.server().isRunning()).isTrue();
		StringRedisTemplate template = new StringRedisTemplate(redis.jedisConnectionFactory());
		template.opsForValue().set("key", "jedis");
		assertThat(template.opsForValue().get("key")).isEqualTo("jedis");
		redis.server().restart();
	}

	@Test
	@Order(5)
	void connectionFactoriesSurviveARestart() {
		StringRedisTemplate jedis = new StringRedisTemplate(redis.jedisConnectionFactory());
		assertThat(jedis.opsForValue().get("key")).isNull();
		StringRedisTemplate lettuce = new StringRedisTemplate(redis.connectionFactory());
		assertThat(lettuce.opsForValue().get("key")).isNull();
	}

	@Test
	@Order(6)
	void aDestroyedConnectionFactoryIsReplaced() {
		redis.connectionFactory().destroy();
		StringRedisTemplate template = new StringRedisTemplate(redis.connectionFactory());
		template.opsForValue().set("key", "again");
		assertThat(template.opsForValue().get("key")).isEqualTo("again");
	}

	@Nested
	class NestedTests {

		@Test
		void shareTheServerOfTheOuterClass() {
			assertThat(redis.server()).isSameAs(outerServer);
			assertThat(redis.server().command("DBSIZE")).isEqualTo(":0");
		}

	}

}
