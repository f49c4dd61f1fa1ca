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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.JedisPoolConfig;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * Runs one {@link RedisServer} per test class, from before the first test until after the last, failed or not. Before
 * each test it continues the server if paused, restarts it if stopped or killed, deletes all keys and resets the
 * statistics (so that the flush does not show in {@code INFO commandstats}).
 * <pre class="code">
 * &#64;RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 * </pre>
 * The field must be static; {@code @Nested} classes share their outer class's server. Connection factories have short
 * timeouts (connect 1 s, command 2 s) so tests of failures do not hang.
 *
 * @since 0.1.0
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private @Nullable RedisServer server;

	private @Nullable Class<?> owner;

	private @Nullable LettuceConnectionFactory lettuce;

	private @Nullable JedisConnectionFactory jedis;

	private final List<DisposableBean> factories = new ArrayList<>();

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		if (this.server == null) {
			this.server = RedisServer.start();
			this.owner = context.getRequiredTestClass();
		}
	}

	@Override
	public synchronized void beforeEach(ExtensionContext context) {
		RedisServer server = server();
		server.resume();
		if (!server.isRunning()) {
			server.restart();
		}
		server.flushAll();
		// The lease store takes a FLUSHALL counted in INFO commandstats for a loss of live leases; the flush
		// between tests is not one.
		String reply = server.command("CONFIG", "RESETSTAT");
		Assert.state("+OK".equals(reply), () -> "CONFIG RESETSTAT on " + server + " replied " + reply);
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) throws Exception {
		if (this.owner != context.getRequiredTestClass()) {
			return;
		}
		RedisServer server = this.server;
		List<DisposableBean> factories = new ArrayList<>(this.factories);
		this.factories.clear();
		this.lettuce = null;
		this.jedis = null;
		this.server = null;
		this.owner = null;
		Exception failure = null;
		for (DisposableBean factory : factories) {
			try {
				factory.destroy();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (server != null) {
			server.close();
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * The server of the current test class.
	 */
	public synchronized RedisServer server() {
		RedisServer server = this.server;
		Assert.state(server != null, "No Redis server: register RedisServerExtension on a static field");
		return server;
	}

	/**
	 * Host of the server of the current test class.
	 */
	public String host() {
		return server().host();
	}

	/**
	 * Port of the server of the current test class; it stays the same across restarts.
	 */
	public int port() {
		return server().port();
	}

	/**
	 * A started Lettuce connection factory for this server, shared by the tests of the class and destroyed after them;
	 * a new one once it was stopped or destroyed (for example as a bean of a closed context).
	 */
	public synchronized LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = this.lettuce;
		if (factory == null || !factory.isRunning()) {
			LettuceClientConfiguration client = LettuceClientConfiguration.builder()
				.commandTimeout(COMMAND_TIMEOUT)
				.shutdownTimeout(Duration.ZERO)
				.clientOptions(ClientOptions.builder()
					.socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
					.build())
				.build();
			factory = new LettuceConnectionFactory(standalone(), client);
			factory.afterPropertiesSet();
			factory.start();
			this.factories.add(factory);
			this.lettuce = factory;
		}
		return factory;
	}

	/**
	 * A started Jedis connection factory for this server, like {@link #connectionFactory()}. Its pool tests each
	 * connection on borrow, so connections broken by a stop or restart are dropped (Jedis logs a warning for each).
	 */
	public synchronized JedisConnectionFactory jedisConnectionFactory() {
		JedisConnectionFactory factory = this.jedis;
		if (factory == null || !factory.isRunning()) {
			JedisPoolConfig pool = new JedisPoolConfig();
			pool.setTestOnBorrow(true);
			JedisClientConfiguration client = JedisClientConfiguration.builder()
				.connectTimeout(CONNECT_TIMEOUT)
				.readTimeout(COMMAND_TIMEOUT)
				.usePooling()
				.poolConfig(pool)
				.build();
			factory = new JedisConnectionFactory(standalone(), client);
			factory.afterPropertiesSet();
			factory.start();
			this.factories.add(factory);
			this.jedis = factory;
		}
		return factory;
	}

	private RedisStandaloneConfiguration standalone() {
		return new RedisStandaloneConfiguration(host(), port());
	}

}
