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

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStore.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.context.Lifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * A {@link LeaderElector} that holds a lease in a {@link LeaseStore}.
 * <p>
 * Followers make one claim per lease period: a refused claim says when the holder's lease ends, and the next claim
 * is made then, plus a little jitter, or at once when the store announces a release. A leader renews every
 * {@code renewInterval}; after a failed renewal it retries every {@code retryInterval} until its local deadline,
 * which is the monotonic time at which the last successful claim or renewal was <em>sent</em>, plus the lease
 * duration, less a safety margin. Past the deadline {@link #isLeader()} answers {@code false} without asking the
 * store, and the elector revokes itself.
 * <p>
 * Store calls run one at a time on the {@code leader-election-<role>} thread; the deadline timer runs on
 * {@code leader-election-<role>-deadline}, so a hung store call cannot hold back a revocation. Events go to a
 * {@link LeadershipEventPublisher}.
 *
 * @since 0.1.0
 */
public final class LeaseLeaderElector implements LeaderElector, Lifecycle {

	private static final LogAccessor logger = new LogAccessor(LeaseLeaderElector.class);

	private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(2);

	private final String role;

	private final String instanceId;

	private final LeaseHolder holder;

	private final String hostname;

	private final LeaseStore store;

	private final LeaseSettings settings;

	private final LeadershipEventPublisher events;

	private final Object monitor = new Object();

	private volatile @Nullable Grant grant;

	private volatile Instant startedAt = Instant.now();

	private boolean running;

	private @Nullable ScheduledThreadPoolExecutor io;

	private @Nullable ScheduledThreadPoolExecutor timer;

	private @Nullable ScheduledFuture<?> nextStep;

	private @Nullable ScheduledFuture<?> expiry;

	private @Nullable Subscription subscription;

	private boolean stepInFlight;

	private boolean wakeUp;

	private boolean releaseOwed;

	private long sitOutUntilNanos;

	public LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store,
			LeaseSettings settings, LeadershipEventPublisher events) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(events, "'events' must not be null");
		this.role = role;
		this.instanceId = instanceId;
		this.holder = LeaseHolder.withRandomNonce(instanceId);
		this.hostname = hostname;
		this.store = store;
		this.settings = settings;
		this.events = events;
	}

	@Override
	public String role() {
		return this.role;
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	@Override
	public boolean isLeader() {
		Grant grant = this.grant;
		return grant != null && grant.isValid(System.nanoTime());
	}

	@Override
	public Optional<Leadership> leadership() {
		Grant grant = this.grant;
		return (grant != null && grant.isValid(System.nanoTime())) ? Optional.of(grant.leadership())
				: Optional.empty();
	}

	/**
	 * Time the current grant has left until the local deadline, unless a renewal extends it; for diagnostics and
	 * for checks that must not outlast the lease. Does no I/O.
	 * @return the time left, or empty while this instance follows
	 */
	public Optional<Duration> remainingLease() {
		Grant grant = this.grant;
		long now = System.nanoTime();
		return (grant != null && grant.isValid(now)) ? Optional.of(Duration.ofNanos(grant.deadlineNanos() - now))
				: Optional.empty();
	}

	@Override
	public Optional<LeaderInfo> currentLeader() {
		return this.store.currentLeader(this.role);
	}

	@Override
	public void yieldLeadership() {
		synchronized (this.monitor) {
			Grant grant = this.grant;
			if (grant == null || !this.running) {
				return;
			}
			revoke(grant, RevokeReason.YIELDED);
			this.releaseOwed = true;
			this.sitOutUntilNanos = System.nanoTime() + this.settings.sitOut().toNanos();
			if (!this.stepInFlight) {
				scheduleStep(0);
			}
		}
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (!isLeader()) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
			return true;
		}
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			this.startedAt = Instant.now();
			this.io = executor("leader-election-" + this.role);
			this.timer = executor("leader-election-" + this.role + "-deadline");
			this.subscription = this.store.onRelease(this.role, this::onReleased);
			scheduleStep(jitter());
		}
		logger.info(() -> "Started election of '%s' as '%s' on %s".formatted(this.role, this.instanceId, this.store));
	}

	@Override
	public void stop() {
		ScheduledThreadPoolExecutor io;
		ScheduledThreadPoolExecutor timer;
		Subscription subscription;
		boolean release;
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			cancel(this.nextStep);
			cancel(this.expiry);
			Grant grant = this.grant;
			if (grant != null) {
				revoke(grant, RevokeReason.SHUTDOWN);
			}
			release = (grant != null && this.settings.releaseOnShutdown()) || this.releaseOwed;
			this.releaseOwed = false;
			io = this.io;
			timer = this.timer;
			subscription = this.subscription;
			this.io = null;
			this.timer = null;
			this.subscription = null;
		}
		if (subscription != null) {
			subscription.close();
		}
		if (io != null) {
			if (release) {
				releaseBeforeShutdown(io);
			}
			io.shutdown();
			awaitTermination(io);
		}
		if (timer != null) {
			timer.shutdownNow();
		}
		logger.info(() -> "Stopped election of '%s' as '%s'".formatted(this.role, this.instanceId));
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.running;
		}
	}

	@Override
	public String toString() {
		return "LeaseLeaderElector[role=%s, instanceId=%s, leader=%s]".formatted(this.role, this.instanceId,
				isLeader());
	}

	private void releaseBeforeShutdown(ScheduledThreadPoolExecutor io) {
		// Runs on the store thread, after any call in flight, so it cannot overtake a renewal.
		Future<?> release = io.submit(() -> release("shutdown"));
		try {
			release.get(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn(() -> "Could not release '%s' within %s; the lease expires on its own".formatted(this.role,
					RELEASE_TIMEOUT));
		}
		catch (ExecutionException ex) {
			logger.warn(ex.getCause(), () -> "Could not release '%s'; the lease expires on its own".formatted(this.role));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void onReleased() {
		synchronized (this.monitor) {
			if (!this.running || this.grant != null || System.nanoTime() - this.sitOutUntilNanos < 0) {
				return;
			}
			logger.debug(() -> "Lease of '%s' released; claiming it at once".formatted(this.role));
			if (this.stepInFlight) {
				this.wakeUp = true;
			}
			else {
				scheduleStep(0);
			}
		}
	}

	/**
	 * Runs one store call, chosen from the state: release what is owed, renew while leading, claim while following.
	 */
	private void step() {
		Grant grant;
		Action action;
		synchronized (this.monitor) {
			if (!this.running || this.stepInFlight) {
				return;
			}
			long now = System.nanoTime();
			grant = this.grant;
			if (this.releaseOwed) {
				action = Action.RELEASE;
			}
			else if (grant != null) {
				action = Action.RENEW;
			}
			else if (now - this.sitOutUntilNanos < 0) {
				scheduleStep(this.sitOutUntilNanos - now);
				return;
			}
			else {
				action = Action.CLAIM;
			}
			this.stepInFlight = true;
			this.wakeUp = false;
		}
		long next = this.settings.retryInterval().toNanos();
		try {
			next = switch (action) {
				case RELEASE -> release("yield");
				case RENEW -> renew(grant);
				case CLAIM -> claim();
			};
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Election step %s of '%s' failed unexpectedly".formatted(action, this.role));
		}
		finally {
			synchronized (this.monitor) {
				this.stepInFlight = false;
				if (this.wakeUp || this.releaseOwed) {
					next = 0;
				}
				scheduleStep(next);
			}
		}
	}

	private long claim() {
		long sent = System.nanoTime();
		Acquisition acquisition;
		try {
			acquisition = this.store.acquire(new LeaseClaim(this.role, this.holder, this.hostname,
					this.startedAt, this.settings.leaseDuration()));
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Claim of '%s' failed: %s".formatted(this.role, ex.getMessage()));
			return this.settings.retryInterval().toNanos();
		}
		boolean stopping;
		synchronized (this.monitor) {
			stopping = !this.running;
			if (!stopping && acquisition.isGranted()) {
				long deadline = deadlineFor(sent);
				if (deadline - System.nanoTime() <= 0) {
					// The reply came later than the lease lasts (a first connection, a pause): the grant cannot be
					// trusted. The lease is still ours in the store, so claiming again at once renews it.
					logger.debug(() -> "Grant of '%s' arrived after its deadline; claiming again".formatted(this.role));
					return 0;
				}
				grant(acquisition.fencingToken(), deadline);
				return this.settings.renewInterval().toNanos();
			}
		}
		if (stopping) {
			if (acquisition.isGranted()) {
				// Granted while stopping: nobody was told, so give it back at once.
				release("shutdown");
			}
			return 0;
		}
		logger.debug(() -> "Claim of '%s' refused (%s), next claim in %s".formatted(this.role,
				acquisition.outcome(), acquisition.retryAfter()));
		if (acquisition.outcome() == Acquisition.Outcome.QUARANTINED) {
			logger.info(() -> "The store lost the data of '%s' recently; no leader for %s, until any former leader's deadline has passed"
				.formatted(this.role, acquisition.retryAfter()));
		}
		return acquisition.retryAfter().toNanos() + jitter();
	}

	private long renew(@Nullable Grant grant) {
		Assert.state(grant != null, "No grant to renew");
		long sent = System.nanoTime();
		boolean renewed;
		try {
			renewed = this.store.renew(this.role, this.holder, this.settings.leaseDuration());
		}
		catch (RuntimeException ex) {
			synchronized (this.monitor) {
				long remaining = grant.deadlineNanos() - System.nanoTime();
				if (this.grant != grant || remaining <= 0) {
					return this.settings.retryInterval().toNanos();
				}
				logger.warn(() -> "Renewal of '%s' failed, retrying until the lease deadline in %d ms: %s"
					.formatted(this.role, TimeUnit.NANOSECONDS.toMillis(remaining), ex.getMessage()));
				return Math.min(this.settings.retryInterval().toNanos(), remaining);
			}
		}
		synchronized (this.monitor) {
			if (this.grant != grant) {
				// Revoked while the renewal was on its way. If it extended the lease, the next step claims it
				// again (with a new token) or releases it after a yield.
				return 0;
			}
			if (!renewed) {
				revoke(grant, RevokeReason.LEASE_LOST);
				return 0;
			}
			long deadline = deadlineFor(sent);
			if (deadline - System.nanoTime() <= 0) {
				revoke(grant, RevokeReason.LEASE_EXPIRED);
				return 0;
			}
			Grant renewedGrant = grant.withDeadline(deadline);
			this.grant = renewedGrant;
			scheduleExpiry(renewedGrant);
			logger.trace(() -> "Renewed '%s'".formatted(this.role));
			return this.settings.renewInterval().toNanos();
		}
	}

	private long release(String why) {
		synchronized (this.monitor) {
			this.releaseOwed = false;
		}
		try {
			boolean released = this.store.release(this.role, this.holder);
			logger.debug(() -> "Released '%s' on %s: %s".formatted(this.role, why, released));
		}
		catch (RuntimeException ex) {
			logger.warn(() -> "Could not release '%s' on %s, the lease expires on its own: %s".formatted(this.role,
					why, ex.getMessage()));
		}
		return 0;
	}

	private long deadlineFor(long sentNanos) {
		return sentNanos + this.settings.leaseDuration().toNanos() - this.settings.safetyMargin().toNanos();
	}

	private void grant(long fencingToken, long deadline) {
		Grant grant = new Grant(new Leadership(this.role, this.instanceId, fencingToken, Instant.now()), deadline);
		this.grant = grant;
		scheduleExpiry(grant);
		logger.info(() -> "Granted leadership of '%s' to '%s' (token %d)".formatted(this.role, this.instanceId,
				fencingToken));
		this.events.publish(new OnGrantedEvent(this, fencingToken));
		this.monitor.notifyAll();
	}

	private void revoke(Grant grant, RevokeReason reason) {
		this.grant = null;
		cancel(this.expiry);
		this.expiry = null;
		long token = grant.leadership().fencingToken();
		logger.info(() -> "Revoked leadership of '%s' from '%s' (token %d): %s".formatted(this.role,
				this.instanceId, token, reason));
		this.events.publish(new OnRevokedEvent(this, token, reason));
	}

	private void scheduleExpiry(Grant grant) {
		cancel(this.expiry);
		ScheduledThreadPoolExecutor timer = this.timer;
		if (timer == null) {
			return;
		}
		this.expiry = timer.schedule(() -> expire(grant), grant.deadlineNanos() - System.nanoTime(),
				TimeUnit.NANOSECONDS);
	}

	private void expire(Grant grant) {
		synchronized (this.monitor) {
			if (this.grant == grant && !grant.isValid(System.nanoTime())) {
				revoke(grant, RevokeReason.LEASE_EXPIRED);
			}
		}
	}

	private void scheduleStep(long delayNanos) {
		cancel(this.nextStep);
		ScheduledThreadPoolExecutor io = this.io;
		if (!this.running || io == null) {
			return;
		}
		this.nextStep = io.schedule(this::step, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
	}

	private long jitter() {
		long bound = this.settings.electionJitter().toNanos();
		return (bound > 0) ? ThreadLocalRandom.current().nextLong(bound + 1) : 0;
	}

	private static void cancel(@Nullable ScheduledFuture<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

	private static ScheduledThreadPoolExecutor executor(String threadName) {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return executor;
	}

	private static void awaitTermination(ScheduledThreadPoolExecutor executor) {
		try {
			if (!executor.awaitTermination(RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	private enum Action {

		RELEASE, RENEW, CLAIM

	}

	/**
	 * A grant and the monotonic time until which it may be trusted.
	 */
	private record Grant(Leadership leadership, long deadlineNanos) {

		boolean isValid(long nowNanos) {
			return nowNanos - this.deadlineNanos < 0;
		}

		Grant withDeadline(long deadlineNanos) {
			return new Grant(this.leadership, deadlineNanos);
		}

	}

}
