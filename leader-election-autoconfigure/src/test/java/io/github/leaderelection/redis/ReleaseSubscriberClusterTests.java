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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.leaderelection.test.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReleaseSubscriber} on a real three-master Redis Cluster, with Lettuce and Jedis: the one pattern
 * subscription, on whichever node, hears a release published on any master, and a stop leaves no subscriber on any
 * node.
 */
class ReleaseSubscriberClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int MASTERS = 3;

	private static RedisCluster cluster;

	private RedisConnectionFactory factory;

	@BeforeAll
	static void startCluster() {
		Assumptions.assumeTrue(RedisCluster.isAvailable(),
				"A Redis Cluster needs a local redis-server binary; test servers run in containers here");
		cluster = RedisCluster.start(MASTERS);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void destroyFactory() throws Exception {
		if (this.factory != null) {
			((DisposableBean) this.factory).destroy();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void oneSubscriptionHearsReleasesPublishedOnEveryMaster(String client) {
		this.factory = factory(client);
		ReleaseSubscriber subscriber = new ReleaseSubscriber(this.factory, RedisLeaseStores.KEY_PREFIX,
				Duration.ofMillis(100), TIMEOUT);
		AtomicInteger orders = new AtomicInteger();
		try {
			subscriber.add("orders", orders::incrementAndGet);
			await().atMost(TIMEOUT).until(() -> orders.get() == 1);
			assertThat(patternSubscribers()).isOne();
			for (int node = 0; node < MASTERS; node++) {
				int before = orders.get();
				cluster.command(node, "PUBLISH", "{" + RedisLeaseStores.KEY_PREFIX + ":orders}:released", "holder");
				await().atMost(TIMEOUT).until(() -> orders.get() == before + 1);
			}
		}
		finally {
			subscriber.stop();
		}
		await().atMost(TIMEOUT).until(() -> patternSubscribers() == 0);
	}

	// Pattern subscribers on all nodes together.
	private static int patternSubscribers() {
		return IntStream.range(0, MASTERS)
			.map((node) -> ReleaseSubscriberTests.patternSubscribers(cluster.command(node, "CLIENT", "LIST")))
			.sum();
	}

	private static RedisConnectionFactory factory(String client) {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(List.of(cluster.nodes().split(",")));
		if (client.equals("jedis")) {
			JedisConnectionFactory factory = new JedisConnectionFactory(configuration, JedisClientConfiguration
				.builder()
				.connectTimeout(Duration.ofSeconds(1))
				.readTimeout(Duration.ofSeconds(2))
				.build());
			factory.afterPropertiesSet();
			factory.start();
			return factory;
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder()
					.commandTimeout(Duration.ofSeconds(2))
					.shutdownTimeout(Duration.ZERO)
					.build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
