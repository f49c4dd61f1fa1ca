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


package io.github.leaderelection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * The electors of an application, one per role, created on first use. A {@link SmartLifecycle}: it starts every
 * elector with the application context and stops them, releasing what they lead, before the store's connection
 * closes.
 *
 * @since 0.1.0
 */
public final class LeaderElectors implements SmartLifecycle {

	/**
	 * Phase of the electors' lifecycle: they start late and stop early, after the scheduler and web server have
	 * stopped and well before the Redis connection factory (phase 0).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(33);

	private static final LogAccessor logger = new LogAccessor(LeaderElectors.class);

	private final String defaultRole;

	private final Function<String, LeaderElector> factory;

	private final Duration stopTimeout;

	private final Map<String, LeaderElector> electors = new ConcurrentHashMap<>();

	private final List<Runnable> onStop = new ArrayList<>();

	private final List<Consumer<LeaderElector>> onCreated = new ArrayList<>();

	private final Object monitor = new Object();

	// Serialises start and stop. A stop waits under this one only, so that work still draining may create the
	// elector of another role meanwhile.
	private final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	/**
	 * Creates a registry.
	 * @param defaultRole the role of {@code @LeaderOnly} methods that name none
	 * @param factory creates the elector of a role; electors that implement {@link Lifecycle} are started and
	 * stopped with the registry
	 */
	public LeaderElectors(String defaultRole, Function<String, LeaderElector> factory) {
		this(defaultRole, factory, DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * Creates a registry.
	 * @param defaultRole the role of {@code @LeaderOnly} methods that name none
	 * @param factory creates the elector of a role; electors that implement {@link Lifecycle} are started and
	 * stopped with the registry, those that implement {@link SmartLifecycle} all at once
	 * @param stopTimeout how long {@link #stop()} waits for all electors together
	 */
	public LeaderElectors(String defaultRole, Function<String, LeaderElector> factory, Duration stopTimeout) {
		Assert.hasText(defaultRole, "'defaultRole' must not be empty");
		Assert.notNull(factory, "'factory' must not be null");
		Assert.isTrue(stopTimeout != null && !stopTimeout.isNegative(), "'stopTimeout' must not be negative");
		this.defaultRole = defaultRole;
		this.factory = factory;
		this.stopTimeout = stopTimeout;
	}

	/**
	 * The elector of a role, created (and started, if the registry runs) on first use.
	 * @param role the role
	 * @return the role's elector
	 */
	public LeaderElector forRole(String role) {
		LeaderElector elector = this.electors.get(role);
		if (elector != null) {
			return elector;
		}
		Assert.hasText(role, "'role' must not be empty");
		synchronized (this.monitor) {
			elector = this.electors.get(role);
			if (elector == null) {
				elector = this.factory.apply(role);
				this.electors.put(role, elector);
				created(elector);
			}
			if (this.running && elector instanceof Lifecycle lifecycle) {
				lifecycle.start();
			}
			return elector;
		}
	}

	/**
	 * Calls {@code listener} with every elector created so far, at once, and with every elector created later, as
	 * it is created and before it starts, on the thread that asked for its role; for meters that follow each role.
	 * Calls for one elector are never repeated, none is missed, and none runs at the same time as another.
	 * @param listener what to call; it must return quickly, and a failure is logged, never thrown to the caller of
	 * {@link #forRole(String)}
	 * @since 0.2.0
	 */
	public void onCreated(Consumer<LeaderElector> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		synchronized (this.monitor) {
			this.onCreated.add(listener);
			this.electors.values().forEach((elector) -> notify(listener, elector));
		}
	}

	// Under the monitor: a listener added meanwhile has seen this elector already or sees it now, not twice.
	private void created(LeaderElector elector) {
		for (Consumer<LeaderElector> listener : this.onCreated) {
			notify(listener, elector);
		}
	}

	private static void notify(Consumer<LeaderElector> listener, LeaderElector elector) {
		try {
			listener.accept(elector);
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "A listener of new electors failed for role '%s'".formatted(elector.role()));
		}
	}

	/**
	 * The role of {@code @LeaderOnly} methods that name none.
	 */
	public String defaultRole() {
		return this.defaultRole;
	}

	/**
	 * The elector of the {@link #defaultRole() default role}.
	 */
	public LeaderElector defaultElector() {
		return forRole(this.defaultRole);
	}

	/**
	 * The electors created so far.
	 */
	public List<LeaderElector> electors() {
		return List.copyOf(this.electors.values());
	}

	/**
	 * Registers a task to run after every elector has stopped, such as flushing the event queue.
	 * @param task the task
	 */
	public void onStop(Runnable task) {
		synchronized (this.monitor) {
			this.onStop.add(task);
		}
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			synchronized (this.monitor) {
				if (this.running) {
					return;
				}
				this.running = true;
				this.electors.values().forEach((elector) -> {
					if (elector instanceof Lifecycle lifecycle) {
						lifecycle.start();
					}
				});
			}
		}
	}

	/**
	 * Stops every elector at once, each handing over as it stops, and returns when all have stopped or the stop
	 * timeout has passed, whatever the number of roles.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			List<LeaderElector> electors;
			List<Runnable> onStop;
			synchronized (this.monitor) {
				if (!this.running) {
					return;
				}
				this.running = false;
				electors = List.copyOf(this.electors.values());
				onStop = List.copyOf(this.onStop);
			}
			CountDownLatch stopped = new CountDownLatch(electors.size());
			for (LeaderElector elector : electors) {
				if (elector instanceof SmartLifecycle lifecycle) {
					lifecycle.stop(stopped::countDown);
				}
				else {
					if (elector instanceof Lifecycle lifecycle) {
						lifecycle.stop();
					}
					stopped.countDown();
				}
			}
			awaitStopped(stopped);
			onStop.forEach(Runnable::run);
		}
	}

	private void awaitStopped(CountDownLatch stopped) {
		try {
			if (!stopped.await(this.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn(() -> "%d of %d electors did not stop within %s".formatted(stopped.getCount(),
						this.electors.size(), this.stopTimeout.toMillis() + " ms"));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
