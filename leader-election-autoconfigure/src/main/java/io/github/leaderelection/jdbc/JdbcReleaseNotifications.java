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

package io.github.leaderelection.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.leaderelection.store.LeaseStore.Subscription;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.ClassUtils;

/**
 * The release listeners of a {@link JdbcLeaseStore}. On PostgreSQL with its driver, one thread holds a connection
 * that {@code LISTEN}s on the table's channel and calls the listeners of each released role, and all of them after
 * it listens again, since releases may have been missed meanwhile; every 10 seconds it probes the connection, which a
 * silent partition would otherwise leave listening to nothing. Elsewhere nothing calls them.
 */
final class JdbcReleaseNotifications {

	private static final LogAccessor logger = new LogAccessor(JdbcReleaseNotifications.class);

	private static final boolean PGJDBC_PRESENT = ClassUtils.isPresent("org.postgresql.PGConnection",
			JdbcReleaseNotifications.class.getClassLoader());

	// How long a subscription waits for the listener to listen, as the Redis store's does.
	private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(1);

	private static final int POLL_MILLIS = 500;

	private static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

	// Longer than any wait of a poll or a probe.
	private static final Duration STUCK = PROBE_TIMEOUT.plusSeconds(5);

	private final DataSource dataSource;

	private final String channel;

	private final Duration retryInterval;

	private final Map<String, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	private @Nullable Thread thread;

	private @Nullable Connection connection;

	private CountDownLatch listening = new CountDownLatch(1);

	private CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean running;

	private @Nullable ScheduledExecutorService watchdog;

	// When the listener began to wait for the connection, on System.nanoTime(); 0 while it does not.
	private volatile long waitingSince;

	JdbcReleaseNotifications(DataSource dataSource, String channel, Duration retryInterval) {
		this.dataSource = dataSource;
		this.channel = channel;
		this.retryInterval = retryInterval;
	}

	Subscription add(String role, Runnable listener) {
		this.listeners.computeIfAbsent(role, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		CountDownLatch listening;
		synchronized (this.monitor) {
			listening = this.listening;
		}
		if (this.running) {
			try {
				listening.await(SUBSCRIBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return () -> {
			List<Runnable> ofRole = this.listeners.get(role);
			if (ofRole != null) {
				ofRole.remove(listener);
			}
		};
	}

	void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.listening = new CountDownLatch(1);
			this.stopped = new CountDownLatch(1);
			Thread thread = new Thread(this::listen, "leader-election-jdbc-listener");
			thread.setDaemon(true);
			this.thread = thread;
			thread.start();
			ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread watching = new Thread(task, "leader-election-jdbc-listener-watchdog");
				watching.setDaemon(true);
				return watching;
			});
			watchdog.scheduleWithFixedDelay(this::abortIfStuck, 1, 1, TimeUnit.SECONDS);
			this.watchdog = watchdog;
		}
	}

	void stop() {
		Thread thread;
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			this.stopped.countDown();
			thread = this.thread;
			this.thread = null;
			abort(this.connection);
			ScheduledExecutorService watchdog = this.watchdog;
			this.watchdog = null;
			if (watchdog != null) {
				watchdog.shutdownNow();
			}
		}
		if (thread != null) {
			try {
				thread.join(TimeUnit.SECONDS.toMillis(2));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void listen() {
		boolean missed = false;
		boolean warned = false;
		while (this.running) {
			try (Connection connection = this.dataSource.getConnection()) {
				String product = connection.getMetaData().getDatabaseProductName();
				if (JdbcDialect.of(product) != JdbcDialect.POSTGRESQL || !PGJDBC_PRESENT) {
					logger.debug(() -> "No release notifications on %s: followers take over at their next claim"
						.formatted(product));
					listened();
					return;
				}
				synchronized (this.monitor) {
					if (!this.running) {
						return;
					}
					this.connection = connection;
				}
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + this.channel);
				}
				listened();
				if (missed) {
					logger.info(() -> "Listening for releases on channel %s again".formatted(this.channel));
					this.listeners.values().forEach((ofRole) -> ofRole.forEach(this::call));
				}
				missed = true;
				warned = false;
				// A connection cut off in silence would never say so to a listener that only waits: probe it.
				connection.setNetworkTimeout(Runnable::run, (int) PROBE_TIMEOUT.toMillis());
				long probed = System.nanoTime();
				while (this.running) {
					this.waitingSince = System.nanoTime();
					if (this.waitingSince - probed > PROBE_INTERVAL.toNanos()) {
						try (Statement probe = connection.createStatement()) {
							probe.execute("SELECT 1");
						}
						probed = System.nanoTime();
					}
					List<String> released = Postgres.poll(connection, POLL_MILLIS);
					this.waitingSince = 0;
					for (String role : released) {
						List<Runnable> ofRole = this.listeners.get(role);
						if (ofRole != null) {
							ofRole.forEach(this::call);
						}
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running) {
					return;
				}
				missed = true;
				if (!warned) {
					warned = true;
					logger.warn(() -> "Lost the connection that listens for releases on channel %s; listening again "
						.formatted(this.channel) + "every %s: %s".formatted(this.retryInterval, ex.getMessage()));
				}
				awaitRetry();
			}
			finally {
				this.waitingSince = 0;
				synchronized (this.monitor) {
					this.connection = null;
				}
			}
		}
	}

	private void listened() {
		synchronized (this.monitor) {
			this.listening.countDown();
		}
	}

	// Waits before listening again, or until stopped.
	private void awaitRetry() {
		CountDownLatch stopped;
		synchronized (this.monitor) {
			stopped = this.stopped;
		}
		try {
			stopped.await(this.retryInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	private void call(Runnable listener) {
		try {
			listener.run();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "A release listener on channel %s threw".formatted(this.channel));
		}
	}

	// The driver may wait for the rest of a message without a timeout, holding the connection's lock, so that a
	// close would wait as long: abort closes the socket under the wait instead, and the listener starts over.
	private void abortIfStuck() {
		long started = this.waitingSince;
		if (started != 0 && System.nanoTime() - started > STUCK.toNanos()) {
			Connection connection;
			synchronized (this.monitor) {
				connection = this.connection;
			}
			logger.warn(() -> "The connection listening for releases on channel %s gave no answer for %s; opening "
				.formatted(this.channel, STUCK) + "another");
			this.waitingSince = 0;
			abort(connection);
		}
	}

	private static void abort(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.abort(Runnable::run);
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug(() -> "Could not abort the listening connection: " + ex.getMessage());
			}
		}
	}

	/**
	 * What needs the PostgreSQL driver, loaded only when it is there.
	 */
	private static final class Postgres {

		// The roles whose release notifications arrived within the timeout.
		static List<String> poll(Connection connection, int timeoutMillis) throws SQLException {
			PGNotification[] received = connection.unwrap(PGConnection.class).getNotifications(timeoutMillis);
			if (received == null) {
				return List.of();
			}
			return java.util.Arrays.stream(received).map(PGNotification::getParameter).toList();
		}

	}

}
