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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.store.LeaseStore.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;

/**
 * One pattern subscription to the release channels of every role under a key prefix, kept up on the
 * {@code leader-election-subscriber} thread. With Lettuce the subscription is asynchronous and Lettuce restores it
 * after a reconnect; with Jedis the thread blocks in it and subscribes again when it ends.
 * <p>
 * Releases published while no subscription stood are lost, so every listener is also called each time the
 * subscription is (re)established: a follower then claims at once instead of waiting out a lease that may be gone.
 */
final class ReleaseSubscriber implements MessageListener, SubscriptionListener {

	/**
	 * How long the first {@link #add} waits for the subscription, so that an elector that has started does not miss
	 * a release that follows at once, as in a rolling deployment. A refused connection ends the wait early.
	 */
	private static final long FIRST_SUBSCRIPTION_TIMEOUT_MILLIS = 2000;

	private static final LogAccessor logger = new LogAccessor(ReleaseSubscriber.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channelPrefix;

	private final byte[] pattern;

	private final Duration resubscribeInterval;

	private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	private @Nullable Thread thread;

	private @Nullable CountDownLatch stopped;

	private volatile CountDownLatch firstAttempt = new CountDownLatch(1);

	private volatile @Nullable RedisConnection connection;

	ReleaseSubscriber(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval) {
		this.connectionFactory = connectionFactory;
		this.channelPrefix = "{" + keyPrefix + ":";
		this.pattern = ("{" + escapeGlob(keyPrefix) + ":*}:released").getBytes(StandardCharsets.UTF_8);
		this.resubscribeInterval = resubscribeInterval;
	}

	Subscription add(String role, Runnable listener) {
		this.listeners.computeIfAbsent(role, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		start();
		try {
			this.firstAttempt.await(FIRST_SUBSCRIPTION_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return () -> {
			List<Runnable> list = this.listeners.get(role);
			if (list != null) {
				list.remove(listener);
			}
		};
	}

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		String channel = new String(message.getChannel(), StandardCharsets.UTF_8);
		String suffix = "}:released";
		if (channel.startsWith(this.channelPrefix) && channel.endsWith(suffix)) {
			String role = channel.substring(this.channelPrefix.length(), channel.length() - suffix.length());
			List<Runnable> list = this.listeners.get(role);
			if (list != null) {
				list.forEach((listener) -> notify(role, listener));
			}
		}
	}

	@Override
	public void onPatternSubscribed(byte[] pattern, long count) {
		logger.debug(() -> "Subscribed to " + new String(pattern, StandardCharsets.UTF_8));
		this.firstAttempt.countDown();
		this.listeners.forEach((role, list) -> list.forEach((listener) -> notify(role, listener)));
	}

	private void notify(String role, Runnable listener) {
		try {
			listener.run();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Release listener of role '%s' failed".formatted(role));
		}
	}

	private void start() {
		synchronized (this.monitor) {
			if (this.thread != null) {
				return;
			}
			CountDownLatch stopped = new CountDownLatch(1);
			this.firstAttempt = new CountDownLatch(1);
			Thread thread = new Thread(() -> run(stopped), "leader-election-subscriber");
			thread.setDaemon(true);
			this.stopped = stopped;
			this.thread = thread;
			thread.start();
		}
	}

	void stop() {
		Thread thread;
		synchronized (this.monitor) {
			thread = this.thread;
			if (thread == null) {
				return;
			}
			this.thread = null;
			if (this.stopped != null) {
				this.stopped.countDown();
			}
		}
		closeConnection();
		try {
			thread.join(TimeUnit.SECONDS.toMillis(2));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run(CountDownLatch stopped) {
		while (stopped.getCount() > 0) {
			try {
				RedisConnection connection = this.connectionFactory.getConnection();
				this.connection = connection;
				// Lettuce returns at once and keeps the subscription alive itself; Jedis blocks here until the
				// connection breaks or is closed.
				connection.pSubscribe(this, this.pattern);
				if (connection.isSubscribed()) {
					stopped.await();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				this.firstAttempt.countDown();
				logger.debug(() -> "Release subscription failed, retrying in %s: %s"
					.formatted(this.resubscribeInterval, ex.getMessage()));
			}
			finally {
				if (stopped.getCount() > 0) {
					closeConnection();
				}
			}
			try {
				stopped.await(this.resubscribeInterval.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void closeConnection() {
		RedisConnection connection = this.connection;
		this.connection = null;
		if (connection == null) {
			return;
		}
		try {
			if (connection.getSubscription() != null) {
				connection.getSubscription().close();
			}
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Closing the release subscription failed: " + ex.getMessage());
		}
		try {
			connection.close();
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Closing the release connection failed: " + ex.getMessage());
		}
	}

	private static String escapeGlob(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			if ("*?[]\\".indexOf(c) >= 0) {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
