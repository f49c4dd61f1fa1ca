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
 * One pattern subscription to the release channels of every role under a key prefix, on one connection and the
 * {@code leader-election-subscriber} thread, whatever the number of roles. With Lettuce the subscription is
 * asynchronous and Lettuce restores it after a reconnect; with Jedis the thread blocks in it and subscribes again
 * when it ends.
 * <p>
 * Releases published while no subscription stood are lost, so every listener is also called each time the
 * subscription is (re)established: a follower then claims at once instead of waiting out a lease that may be gone.
 * <p>
 * Each start runs on a thread of its own that alone closes the connection it obtained, also one it obtained while
 * stopping; {@link #stop()} only ends a subscription that stands, so that a blocking client returns.
 * <p>
 * Not Spring Data Redis's {@code RedisMessageListenerContainer}: it gives up for good when Redis is unreachable as
 * the first subscription is made (by design, and with Lettuce at once), so a follower started during an outage
 * would never hear a release; and it logs every recovery attempt at ERROR with a stack trace.
 */
final class ReleaseSubscriber {

	/**
	 * How long the first {@link #add} waits for the subscription by default, so that an elector that has started
	 * does not miss a release that follows at once, as in a rolling deployment. A refused connection ends the wait
	 * early.
	 */
	static final Duration FIRST_SUBSCRIPTION_TIMEOUT = Duration.ofSeconds(2);

	/**
	 * How long {@link #stop()} waits for the subscriber thread to end. A thread still blocked in a call to Redis
	 * after that closes its connection when the call returns.
	 */
	private static final long STOP_TIMEOUT_MILLIS = 2000;

	private static final String SUFFIX = "}:released";

	private static final LogAccessor logger = new LogAccessor(ReleaseSubscriber.class);

	private final RedisConnectionFactory connectionFactory;

	private final String channelPrefix;

	private final byte[] pattern;

	private final Duration resubscribeInterval;

	private final Duration firstSubscriptionTimeout;

	private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	// Guarded by monitor.
	private @Nullable Run run;

	ReleaseSubscriber(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval) {
		this(connectionFactory, keyPrefix, resubscribeInterval, FIRST_SUBSCRIPTION_TIMEOUT);
	}

	ReleaseSubscriber(RedisConnectionFactory connectionFactory, String keyPrefix, Duration resubscribeInterval,
			Duration firstSubscriptionTimeout) {
		this.connectionFactory = connectionFactory;
		this.channelPrefix = "{" + keyPrefix + ":";
		this.pattern = ("{" + escapeGlob(keyPrefix) + ":*" + SUFFIX).getBytes(StandardCharsets.UTF_8);
		this.resubscribeInterval = resubscribeInterval;
		this.firstSubscriptionTimeout = firstSubscriptionTimeout;
	}

	Subscription add(String role, Runnable listener) {
		// Added inside compute so that a concurrent close of the role's last listener cannot drop the list under it.
		this.listeners.compute(role, (key, list) -> {
			List<Runnable> added = (list != null) ? list : new CopyOnWriteArrayList<>();
			added.add(listener);
			return added;
		});
		start().awaitFirstAttempt();
		return () -> this.listeners.computeIfPresent(role, (key, list) -> {
			list.remove(listener);
			return list.isEmpty() ? null : list;
		});
	}

	/**
	 * Number of roles with at least one listener.
	 */
	int roles() {
		return this.listeners.size();
	}

	private Run start() {
		synchronized (this.monitor) {
			Run run = this.run;
			if (run == null) {
				run = new Run();
				this.run = run;
				run.thread.start();
			}
			return run;
		}
	}

	void stop() {
		Run run;
		synchronized (this.monitor) {
			run = this.run;
			this.run = null;
		}
		if (run != null) {
			run.stop();
		}
	}

	private void dispatch(Message message) {
		String channel = new String(message.getChannel(), StandardCharsets.UTF_8);
		if (channel.startsWith(this.channelPrefix) && channel.endsWith(SUFFIX)) {
			String role = channel.substring(this.channelPrefix.length(), channel.length() - SUFFIX.length());
			List<Runnable> list = this.listeners.get(role);
			if (list != null) {
				list.forEach((listener) -> notify(role, listener));
			}
		}
	}

	private void notifyEveryRole(byte[] pattern) {
		logger.debug(() -> "Subscribed to " + new String(pattern, StandardCharsets.UTF_8));
		this.listeners.forEach((role, list) -> list.forEach((listener) -> notify(role, listener)));
	}

	private static void notify(String role, Runnable listener) {
		try {
			listener.run();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "Release listener of role '%s' failed".formatted(role));
		}
	}

	private static void closeSubscription(RedisConnection connection) {
		try {
			org.springframework.data.redis.connection.Subscription subscription = connection.getSubscription();
			if (subscription != null) {
				subscription.close();
			}
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Closing the release subscription failed: " + ex.getMessage());
		}
	}

	private static void close(RedisConnection connection) {
		// Closing the subscription first: a Lettuce connection closed before its subscription would keep the
		// subscription's own connection open.
		closeSubscription(connection);
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

	/**
	 * One start of the subscriber, on its own thread, until {@link #stop()}. The thread obtains each connection and
	 * always closes it itself; the listener it subscribes is this run, so that a callback of a stopped run can tell.
	 */
	private final class Run implements MessageListener, SubscriptionListener {

		private final Thread thread;

		private final CountDownLatch firstAttempt = new CountDownLatch(1);

		// Counted down by stop(); also what the thread waits on between attempts.
		private final CountDownLatch stopped = new CountDownLatch(1);

		// Guarded by this: the connection the thread works with now, whether its subscription stands, whether
		// stop() was called.
		private @Nullable RedisConnection connection;

		private boolean subscribed;

		private boolean stopping;

		Run() {
			this.thread = new Thread(this::subscribe, "leader-election-subscriber");
			this.thread.setDaemon(true);
		}

		void awaitFirstAttempt() {
			try {
				this.firstAttempt.await(ReleaseSubscriber.this.firstSubscriptionTimeout.toMillis(),
						TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private void subscribe() {
			while (this.stopped.getCount() > 0) {
				RedisConnection connection = null;
				try {
					connection = ReleaseSubscriber.this.connectionFactory.getConnection();
					if (!own(connection)) {
						// Stopped while connecting: the finally block closes what was obtained.
						return;
					}
					// Lettuce returns at once and keeps the subscription alive itself; Jedis blocks here until the
					// connection breaks or stop() ends the subscription.
					connection.pSubscribe(this, ReleaseSubscriber.this.pattern);
					if (connection.isSubscribed()) {
						this.stopped.await();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				catch (RuntimeException ex) {
					this.firstAttempt.countDown();
					logger.debug(() -> "Release subscription failed, retrying in %s: %s"
						.formatted(ReleaseSubscriber.this.resubscribeInterval, ex.getMessage()));
				}
				finally {
					if (connection != null) {
						disown(connection);
						close(connection);
					}
				}
				try {
					this.stopped.await(ReleaseSubscriber.this.resubscribeInterval.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		private synchronized boolean own(RedisConnection connection) {
			if (this.stopping) {
				return false;
			}
			this.connection = connection;
			this.subscribed = false;
			return true;
		}

		private synchronized void disown(RedisConnection connection) {
			if (this.connection == connection) {
				this.connection = null;
				this.subscribed = false;
			}
		}

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			dispatch(message);
		}

		@Override
		public void onPatternSubscribed(byte[] pattern, long count) {
			RedisConnection connection;
			boolean stopping;
			synchronized (this) {
				connection = this.connection;
				stopping = this.stopping;
				this.subscribed = !stopping;
			}
			if (stopping) {
				// A blocking client calls back on this run's thread, inside pSubscribe, which stop() could not end
				// before the subscription stood: end it here so that pSubscribe returns. An asynchronous client
				// calls back elsewhere, and the thread closes its connection once pSubscribe returned.
				if (connection != null && Thread.currentThread() == this.thread) {
					closeSubscription(connection);
				}
				return;
			}
			// Before the listeners run: a caller of add() may hold a lock that its own listener takes.
			this.firstAttempt.countDown();
			notifyEveryRole(pattern);
		}

		void stop() {
			RedisConnection subscribedConnection;
			synchronized (this) {
				this.stopping = true;
				subscribedConnection = this.subscribed ? this.connection : null;
			}
			this.stopped.countDown();
			// An add() still waiting for this run's subscription need not wait any longer.
			this.firstAttempt.countDown();
			if (subscribedConnection != null) {
				// Makes a blocking pSubscribe return; the thread then closes the connection.
				closeSubscription(subscribedConnection);
			}
			try {
				this.thread.join(STOP_TIMEOUT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (this.thread.isAlive()) {
				logger.debug("Release subscriber still waits for Redis; it closes its connection once Redis answers");
			}
		}

	}

}
