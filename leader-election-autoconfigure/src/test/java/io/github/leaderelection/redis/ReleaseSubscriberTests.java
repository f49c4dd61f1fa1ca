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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.leaderelection.store.LeaseStore.Subscription;
import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.RedisServerExtension;
import io.github.leaderelection.test.TcpProxy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.JedisPoolConfig;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ReleaseSubscriber}, the release channel of {@link RedisLeaseStore}, with Lettuce and Jedis against
 * a real Redis server: messages flow once {@code add} returned, listeners hear of every resubscription, every
 * connection the subscriber obtains is closed after a stop (counted in {@code CLIENT LIST} on the server), and one
 * subscription serves every role.
 */
class ReleaseSubscriberTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Duration RESUBSCRIBE_INTERVAL = Duration.ofMillis(100);

	private static final Pattern PATTERN_SUBSCRIPTIONS = Pattern.compile("\\bpsub=(\\d+)");

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<ReleaseSubscriber> subscribers = new ArrayList<>();

	private final List<DisposableBean> factories = new ArrayList<>();

	private final List<TcpProxy> proxies = new ArrayList<>();

	// Subscriber threads of other test classes in this JVM, which the counts leave out.
	private final Set<Thread> otherSubscriberThreads = subscriberThreadsNow();

	@AfterEach
	void stopAll() throws Exception {
		this.subscribers.forEach(ReleaseSubscriber::stop);
		for (DisposableBean factory : this.factories) {
			factory.destroy();
		}
		this.proxies.forEach(TcpProxy::close);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void releasesArriveOnceAddReturned(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		AtomicInteger orders = new AtomicInteger();
		subscriber.add("orders", orders::incrementAndGet);
		// One call as the subscription stood, in case releases were missed before it; one for the single release
		// published right after add returned, which is lost unless the subscription stood by then.
		publishRelease("orders");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(orders).hasValue(2));
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void releasesReachOnlyTheListenersOfTheirRole(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		AtomicInteger marker = new AtomicInteger();
		AtomicInteger orders = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		AtomicInteger billing = new AtomicInteger();
		subscriber.add("marker", marker::incrementAndGet);
		subscriber.add("orders", orders::incrementAndGet);
		Subscription subscription = subscriber.add("orders", closed::incrementAndGet);
		subscriber.add("billing", billing::incrementAndGet);
		// Messages arrive in order, after the calls made as the subscription stood: once the marker's release
		// is heard (its second call, after the one as the subscription stood), those calls are over.
		publishRelease("marker");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(marker).hasValue(2));
		int ordersBefore = orders.get();
		int billingBefore = billing.get();
		int closedBefore = closed.get();
		subscription.close();
		publishRelease("orders");
		publishRelease("billing");
		publishRelease("marker");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(marker).hasValue(3));
		assertThat(orders).hasValue(ordersBefore + 1);
		assertThat(billing).hasValue(billingBefore + 1);
		assertThat(closed).hasValue(closedBefore);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void listenersAreCalledAgainWhenRedisRestartedAndReleasesFlowAgain(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		AtomicInteger orders = new AtomicInteger();
		subscriber.add("orders", orders::incrementAndGet);
		await().atMost(TIMEOUT).until(() -> orders.get() == 1);
		redis.server().kill();
		redis.server().restart();
		// Releases published while the subscription was down are lost: the listener hears that it may have missed
		// some, without any release.
		await().atMost(TIMEOUT).until(() -> orders.get() == 2);
		assertThat(patternSubscribers(redis.server())).isOne();
		publishRelease("orders");
		await().atMost(TIMEOUT).until(() -> orders.get() == 3);
	}

	/**
	 * What Spring Data Redis's {@code RedisMessageListenerContainer} does not do: it gives up for good when Redis is
	 * unreachable as it first subscribes.
	 */
	@ParameterizedTest
	@EnumSource(Client.class)
	void addWhileRedisIsDownReturnsAndSubscribesOnceRedisIsBack(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		AtomicInteger orders = new AtomicInteger();
		redis.server().stop();
		subscriber.add("orders", orders::incrementAndGet);
		assertThat(orders).hasValue(0);
		redis.server().restart();
		await().atMost(TIMEOUT).until(() -> orders.get() == 1);
		assertThat(patternSubscribers(redis.server())).isOne();
		publishRelease("orders");
		await().atMost(TIMEOUT).until(() -> orders.get() == 2);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void listenersAreCalledAgainWhenTheConnectionIsCut(Client client) {
		TcpProxy proxy = proxy();
		ReleaseSubscriber subscriber = subscriber(client, proxy.host(), proxy.port());
		AtomicInteger orders = new AtomicInteger();
		subscriber.add("orders", orders::incrementAndGet);
		await().atMost(TIMEOUT).until(() -> orders.get() == 1);
		proxy.drop();
		await().atMost(TIMEOUT).until(() -> patternSubscribers(redis.server()) == 0);
		proxy.pass();
		await().atMost(TIMEOUT).until(() -> orders.get() == 2);
		publishRelease("orders");
		await().atMost(TIMEOUT).until(() -> orders.get() == 3);
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void stopClosesTheSubscriptionAndAddSubscribesAgain(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		AtomicInteger orders = new AtomicInteger();
		subscriber.add("orders", orders::incrementAndGet);
		assertThat(patternSubscribers(redis.server())).isOne();
		subscriber.stop();
		await().atMost(TIMEOUT).until(() -> patternSubscribers(redis.server()) == 0);
		assertThat(subscriberThreads()).isZero();
		subscriber.add("billing", () -> {
		});
		assertThat(patternSubscribers(redis.server())).isOne();
		publishRelease("orders");
		await().atMost(TIMEOUT).until(() -> orders.get() == 3);
	}

	/**
	 * Each cycle starts the subscription and stops it while the subscriber connects or subscribes, slowed down by
	 * a proxy that delays every byte, so that the connection is obtained or the subscription confirmed after stop()
	 * was called: every such connection must still be closed.
	 */
	@ParameterizedTest
	@EnumSource(Client.class)
	void stopWhileSubscribingLeavesNoConnection(Client client) {
		TcpProxy proxy = proxy();
		ReleaseSubscriber subscriber = subscriber(client, proxy.host(), proxy.port());
		proxy.latency(Duration.ofMillis(300));
		List<CompletableFuture<Subscription>> adds = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			adds.add(CompletableFuture.supplyAsync(() -> subscriber.add("orders", () -> {
			})));
			await().atMost(TIMEOUT).until(() -> proxy.connections() > 0);
			subscriber.stop();
		}
		adds.forEach(CompletableFuture::join);
		subscriber.stop();
		await().atMost(TIMEOUT).until(() -> subscriberThreads() == 0);
		// The proxy delays the closes too.
		await().atMost(TIMEOUT).until(() -> patternSubscribers(redis.server()) == 0);
		await().atMost(TIMEOUT).until(() -> proxy.connections() <= idleConnections(client));
	}

	@ParameterizedTest
	@EnumSource(Client.class)
	void manyStartsAndStopsLeaveNoConnection(Client client) {
		ReleaseSubscriber subscriber = subscriber(client, redis.host(), redis.port());
		for (int i = 0; i < 50; i++) {
			CompletableFuture<Subscription> add = CompletableFuture.supplyAsync(() -> subscriber.add("orders", () -> {
			}));
			subscriber.stop();
			add.join();
		}
		subscriber.stop();
		await().atMost(TIMEOUT).until(() -> subscriberThreads() == 0);
		assertThat(patternSubscribers(redis.server())).isZero();
	}

	@Test
	void oneConnectionAndOneThreadServeEveryRole() {
		ReleaseSubscriber subscriber = subscriber(Client.LETTUCE, redis.host(), redis.port());
		List<AtomicInteger> heard = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			AtomicInteger count = new AtomicInteger();
			heard.add(count);
			subscriber.add("role-" + i, count::incrementAndGet);
		}
		assertThat(subscriberThreads()).isOne();
		assertThat(patternSubscribers(redis.server())).isOne();
		assertThat(RedisLeaseStores.subscribedPatterns(redis.server())).isOne();
		// The first role was called once as the subscription stood; once its release is heard, such calls are over.
		publishRelease("role-0");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(heard.get(0)).hasValue(2));
		List<Integer> before = heard.stream().map(AtomicInteger::get).toList();
		awaitRelease(heard.get(499), "role-499");
		for (int i = 0; i < 499; i++) {
			assertThat(heard.get(i)).as("calls for role-" + i).hasValue(before.get(i));
		}
	}

	@Test
	void closingTheLastListenerOfARoleForgetsTheRole() {
		ReleaseSubscriber subscriber = subscriber(Client.LETTUCE, redis.host(), redis.port());
		Subscription first = subscriber.add("orders", () -> {
		});
		Subscription second = subscriber.add("orders", () -> {
		});
		first.close();
		assertThat(subscriber.roles()).isOne();
		second.close();
		second.close();
		assertThat(subscriber.roles()).isZero();
	}

	private ReleaseSubscriber subscriber(Client client, String host, int port) {
		RedisConnectionFactory factory = client.create(host, port);
		this.factories.add((DisposableBean) factory);
		// A wait for the first subscription long enough for a cold JVM on a busy machine, so that add() returns once
		// the subscription stands, or once Redis refused it.
		ReleaseSubscriber subscriber = new ReleaseSubscriber(factory, RedisLeaseStores.KEY_PREFIX,
				RESUBSCRIBE_INTERVAL, TIMEOUT);
		this.subscribers.add(subscriber);
		return subscriber;
	}

	private TcpProxy proxy() {
		TcpProxy proxy = TcpProxy.start(redis.host(), redis.port());
		this.proxies.add(proxy);
		return proxy;
	}

	// Publishes one release of the role and waits until its listener heard it; only once the calls made as the
	// subscription stood are over.
	private static void awaitRelease(AtomicInteger heard, String role) {
		int before = heard.get();
		publishRelease(role);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(heard).hasValueGreaterThan(before));
	}

	private static void publishRelease(String role) {
		redis.server().command("PUBLISH", "{" + RedisLeaseStores.KEY_PREFIX + ":" + role + "}:released", "holder");
	}

	/**
	 * Number of clients of the server with at least one pattern subscription, read from {@code CLIENT LIST}.
	 */
	static int patternSubscribers(RedisServer server) {
		return patternSubscribers(server.command("CLIENT", "LIST"));
	}

	/**
	 * Number of clients with at least one pattern subscription in a reply to {@code CLIENT LIST}.
	 */
	static int patternSubscribers(String clientList) {
		int count = 0;
		for (String line : clientList.split("\n")) {
			Matcher matcher = PATTERN_SUBSCRIPTIONS.matcher(line);
			if (matcher.find() && Integer.parseInt(matcher.group(1)) > 0) {
				count++;
			}
		}
		return count;
	}

	private long subscriberThreads() {
		return subscriberThreadsNow().stream()
			.filter((thread) -> !this.otherSubscriberThreads.contains(thread))
			.count();
	}

	private static Set<Thread> subscriberThreadsNow() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().equals("leader-election-subscriber"))
			.collect(Collectors.toSet());
	}

	// Connections that the factory keeps open for others: a Jedis pool keeps up to 8 that were returned to it,
	// Lettuce its shared connection, which it opens when the first connection is asked for.
	private static int idleConnections(Client client) {
		return (client == Client.JEDIS) ? 8 : 1;
	}

	enum Client {

		LETTUCE {

			@Override
			RedisConnectionFactory create(String host, int port) {
				LettuceClientConfiguration client = LettuceClientConfiguration.builder()
					.commandTimeout(Duration.ofSeconds(2))
					.shutdownTimeout(Duration.ZERO)
					.clientOptions(ClientOptions.builder()
						.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
						.build())
					.build();
				LettuceConnectionFactory factory = new LettuceConnectionFactory(
						new RedisStandaloneConfiguration(host, port), client);
				factory.afterPropertiesSet();
				factory.start();
				return factory;
			}

		},

		JEDIS {

			@Override
			RedisConnectionFactory create(String host, int port) {
				JedisPoolConfig pool = new JedisPoolConfig();
				pool.setTestOnBorrow(true);
				JedisClientConfiguration client = JedisClientConfiguration.builder()
					.connectTimeout(Duration.ofSeconds(1))
					.readTimeout(Duration.ofSeconds(2))
					.usePooling()
					.poolConfig(pool)
					.build();
				JedisConnectionFactory factory = new JedisConnectionFactory(
						new RedisStandaloneConfiguration(host, port), client);
				factory.afterPropertiesSet();
				factory.start();
				return factory;
			}

		};

		abstract RedisConnectionFactory create(String host, int port);

	}

}
