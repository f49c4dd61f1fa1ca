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


package io.github.leaderelection.support;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.event.LeadershipEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * Publishes leadership events in the order they are given, one at a time, on the {@code leader-election-events}
 * thread: never on a thread that talks to the store, so a slow or throwing listener delays no renewal.
 *
 * @since 0.1.0
 */
public final class LeadershipEventPublisher implements AutoCloseable {

	private static final LogAccessor logger = new LogAccessor(LeadershipEventPublisher.class);

	private static final long CLOSE_TIMEOUT_MILLIS = 5000;

	private final ApplicationEventPublisher publisher;

	private final Object monitor = new Object();

	private @Nullable ExecutorService executor;

	// Delivers instead of the event thread, for tests that drive the engine on their own thread.
	private final @Nullable Executor delivery;

	public LeadershipEventPublisher(ApplicationEventPublisher publisher) {
		this(publisher, null);
	}

	LeadershipEventPublisher(ApplicationEventPublisher publisher, @Nullable Executor delivery) {
		Assert.notNull(publisher, "'publisher' must not be null");
		this.publisher = publisher;
		this.delivery = delivery;
	}

	/**
	 * Queues an event; returns at once.
	 * @param event the event
	 * @return completes once every listener has returned (or thrown), or when the event is dropped at close
	 */
	public CompletableFuture<Void> publish(LeadershipEvent event) {
		CompletableFuture<Void> delivered = new CompletableFuture<>();
		if (this.delivery != null) {
			this.delivery.execute(new Delivery(event, delivered));
			return delivered;
		}
		synchronized (this.monitor) {
			if (this.executor == null) {
				this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
						(task) -> {
							Thread thread = new Thread(task, "leader-election-events");
							thread.setDaemon(true);
							return thread;
						});
			}
			try {
				this.executor.execute(new Delivery(event, delivered));
			}
			catch (RejectedExecutionException ex) {
				delivered.complete(null);
			}
		}
		return delivered;
	}

	private void deliver(LeadershipEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (Throwable ex) {
			logger.warn(ex, () -> "A listener of %s threw; the elector goes on".formatted(event));
		}
	}

	/**
	 * Delivers the events already queued, waiting a few seconds at most, and stops the thread.
	 */
	@Override
	public void close() {
		ExecutorService executor;
		synchronized (this.monitor) {
			executor = this.executor;
			this.executor = null;
		}
		if (executor == null) {
			return;
		}
		executor.shutdown();
		try {
			if (!executor.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
				logger.warn(() -> "Leadership event listeners did not finish within %d ms; dropping the rest"
					.formatted(CLOSE_TIMEOUT_MILLIS));
				drop(executor.shutdownNow());
			}
		}
		catch (InterruptedException ex) {
			drop(executor.shutdownNow());
			Thread.currentThread().interrupt();
		}
	}

	// A dropped event is as good as delivered to whoever waits for its listeners, such as a drain.
	private static void drop(List<Runnable> dropped) {
		dropped.forEach((task) -> {
			if (task instanceof Delivery delivery) {
				delivery.delivered.complete(null);
			}
		});
	}

	/**
	 * One event on its way, and the future that completes once its listeners have returned.
	 */
	private final class Delivery implements Runnable {

		private final LeadershipEvent event;

		private final CompletableFuture<Void> delivered;

		Delivery(LeadershipEvent event, CompletableFuture<Void> delivered) {
			this.event = event;
			this.delivered = delivered;
		}

		@Override
		public void run() {
			try {
				deliver(this.event);
			}
			finally {
				this.delivered.complete(null);
			}
		}

	}

}
