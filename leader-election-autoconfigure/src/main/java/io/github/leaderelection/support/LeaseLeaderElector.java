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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.LeaderWork;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStore.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * A {@link LeaderElector} that holds a lease in a {@link LeaseStore}.
 * <p>
 * Followers make one claim per lease period: a refused claim says when the holder's lease ends, and the next claim
 * is made then, plus a little jitter, or a few milliseconds after the store announces a release. A leader renews
 * every {@code renewInterval}; after a failed renewal it retries every {@code retryInterval} until its local
 * deadline: the moment the last successful claim or renewal was <em>sent</em>, plus the lease duration, less a
 * safety margin, on the monotonic clock and on the wall clock both. Past either deadline {@link #isLeader()} answers
 * {@code false} without asking the store, and the elector revokes itself.
 * <p>
 * A graceful handover (a yield, or {@link #stop()}) drains: it stops admitting leader-only work and publishes the
 * revocation at once, keeps renewing the lease until every admitted run and every revocation listener has returned,
 * or {@code drainTimeout} has passed, and only then releases the lease.
 * <p>
 * Store calls run one at a time on the {@code leader-election-<role>} thread; deadlines and drains are timed on
 * {@code leader-election-<role>-deadline}, so a hung store call cannot hold back a revocation. Events go to a
 * {@link LeadershipEventPublisher}.
 *
 * @since 0.1.0
 */
public final class LeaseLeaderElector implements LeaderElector, SmartLifecycle {

	private static final LogAccessor logger = new LogAccessor(LeaseLeaderElector.class);

	private final String role;

	private final String instanceId;

	private final LeaseHolder holder;

	private final String hostname;

	private final LeaseStore store;

	private final LeaseSettings settings;

	private final LeadershipEventPublisher events;

	private final ElectionClock clock;

	private final Object monitor = new Object();

	// The lease held in the store, renewed while set: while leading, and while draining after the term has ended.
	private volatile @Nullable Grant lease;

	// What callers see: the grant while this instance leads and admits work; cleared as a drain begins.
	private volatile @Nullable Grant term;

	private final Set<Work> inFlight = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Drain drain;

	private volatile Instant startedAt = Instant.now();

	private boolean running;

	private boolean stopping;

	// Completes once the current or last stop has released: later stops are called back then.
	private @Nullable CompletableFuture<Void> stopped;

	// A start that came while a stop still drained: made once that stop has released.
	private boolean startOwed;

	// Incremented by every start: a store call that returns into a later start is ignored.
	private long generation;

	private @Nullable ScheduledThreadPoolExecutor io;

	private @Nullable ScheduledThreadPoolExecutor timer;

	private @Nullable ScheduledFuture<?> nextStep;

	private @Nullable ScheduledFuture<?> expiry;

	private @Nullable Subscription subscription;

	private boolean stepInFlight;

	private boolean wakeUp;

	private boolean releaseOwed;

	private long sitOutUntilNanos;

	// The last refusal that was worth a log line: logged once until the outcome changes. Store thread only.
	private @Nullable Outcome reportedRefusal;

	public LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store,
			LeaseSettings settings, LeadershipEventPublisher events) {
		this(role, instanceId, hostname, store, settings, events, ElectionClock.SYSTEM);
	}

	LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store, LeaseSettings settings,
			LeadershipEventPublisher events, ElectionClock clock) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(events, "'events' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.role = role;
		this.instanceId = instanceId;
		this.holder = LeaseHolder.withRandomNonce(instanceId);
		this.hostname = hostname;
		this.store = store;
		this.settings = settings;
		this.events = events;
		this.clock = clock;
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
		return validTerm() != null;
	}

	@Override
	public Optional<Leadership> leadership() {
		Grant term = validTerm();
		return (term != null) ? Optional.of(term.leadership()) : Optional.empty();
	}

	@Override
	public Optional<LeaderWork> admit(String description) {
		Grant term = validTerm();
		if (term == null) {
			return Optional.empty();
		}
		Work work = new Work(term.leadership(), description);
		this.inFlight.add(work);
		// A drain clears the term before it looks at the runs in flight; this run is either seen by the drain or
		// sees the drain here.
		Grant now = this.term;
		if (now == null || now.leadership() != term.leadership()) {
			work.close();
			return Optional.empty();
		}
		return Optional.of(work);
	}

	/**
	 * Time the current grant has left until the earlier of its local deadlines, unless a renewal extends it; for
	 * diagnostics and for checks that must not outlast the lease. Does no I/O.
	 * @return the time left, or empty while this instance follows
	 */
	public Optional<Duration> remainingLease() {
		Grant term = validTerm();
		return (term != null) ? Optional.of(Duration.ofNanos(term.remainingNanos(this.clock))) : Optional.empty();
	}

	@Override
	public Optional<LeaderInfo> currentLeader() {
		return this.store.currentLeader(this.role);
	}

	@Override
	public void yieldLeadership() {
		synchronized (this.monitor) {
			if (validTerm() == null || !this.running || this.stopping) {
				// A term past its deadline is revoked as expired, by the timer.
				return;
			}
			beginDrain(RevokeReason.YIELDED);
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
				if (this.stopping) {
					// Started again while a stop still drains: run the election again once that stop has released.
					this.startOwed = true;
				}
				return;
			}
			this.running = true;
			this.stopping = false;
			this.startOwed = false;
			// A store call of the previous start may still be on its way: its reply is dropped by generation.
			this.generation++;
			this.stepInFlight = false;
			this.wakeUp = false;
			this.startedAt = Instant.now();
			this.io = executor("leader-election-" + this.role);
			this.timer = executor("leader-election-" + this.role + "-deadline");
			this.subscription = this.store.onRelease(this.role, this::onReleased);
			scheduleStep(jitter(this.settings.electionJitter()));
		}
		logger.info(() -> "Started election of '%s' as '%s' on %s".formatted(this.role, this.instanceId, this.store));
	}

	/**
	 * Stops, handing over first: waits for leader-only work still running (at most the drain timeout), then
	 * releases the lease (at most two seconds more).
	 */
	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			if (!stopped.await(stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn(() -> "Election of '%s' did not stop within %s".formatted(this.role,
						human(stopTimeout())));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Stops without blocking the caller: drains, releases, and then runs {@code callback}, on one of the elector's
	 * threads or on the caller's.
	 * @param callback what to run once stopped
	 */
	@Override
	public void stop(Runnable callback) {
		Drain drain;
		CompletableFuture<Void> stopped;
		synchronized (this.monitor) {
			stopped = this.stopped;
			if (this.stopping && stopped != null) {
				// Stopped twice, as the default role's elector is (a bean, and one of LeaderElectors): call back
				// once the first stop has drained and released, not while it still does.
				this.startOwed = false;
				stopped.whenComplete((result, ex) -> callback.run());
				return;
			}
			if (!this.running) {
				callback.run();
				return;
			}
			this.stopping = true;
			stopped = new CompletableFuture<>();
			this.stopped = stopped;
			if (this.drain == null && this.term != null) {
				beginDrain(RevokeReason.SHUTDOWN);
			}
			drain = this.drain;
		}
		stopped.whenComplete((result, ex) -> callback.run());
		CompletableFuture<Void> drained = (drain != null) ? drain.done : CompletableFuture.completedFuture(null);
		CompletableFuture<Void> finished = stopped;
		drained.whenComplete((result, ex) -> finishStop(() -> {
			finished.complete(null);
			startIfOwed();
		}));
	}

	/**
	 * Longest time {@link #stop()} takes: see {@link LeaseSettings#stopTimeout()}.
	 */
	public Duration stopTimeout() {
		return this.settings.stopTimeout();
	}

	@Override
	public boolean isRunning() {
		synchronized (this.monitor) {
			return this.running;
		}
	}

	/**
	 * The phase of {@link LeaderElectors}: an elector that is also a bean (the default
	 * role's) starts and stops with the registry, not before the scheduler and the web server have stopped.
	 */
	@Override
	public int getPhase() {
		return LeaderElectors.PHASE;
	}

	@Override
	public String toString() {
		return "LeaseLeaderElector[role=%s, instanceId=%s, leader=%s]".formatted(this.role, this.instanceId,
				isLeader());
	}

	private void finishStop(Runnable callback) {
		ScheduledThreadPoolExecutor io;
		ScheduledThreadPoolExecutor timer;
		Subscription subscription;
		boolean release;
		synchronized (this.monitor) {
			if (!this.running) {
				callback.run();
				return;
			}
			this.running = false;
			cancel(this.nextStep);
			cancel(this.expiry);
			Grant lease = this.lease;
			if (lease != null) {
				// Left without a drain (none was needed, or the elector was stopped while a term began).
				loseLease(lease, RevokeReason.SHUTDOWN);
			}
			release = this.releaseOwed || (lease != null && this.settings.releaseOnShutdown());
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
		AtomicBoolean done = new AtomicBoolean();
		Runnable finish = () -> {
			if (done.compareAndSet(false, true)) {
				if (io != null) {
					io.shutdownNow();
				}
				if (timer != null) {
					timer.shutdownNow();
				}
				logger.info(() -> "Stopped election of '%s' as '%s'".formatted(this.role, this.instanceId));
				callback.run();
			}
		};
		if (io == null || timer == null) {
			finish.run();
			return;
		}
		// A store call in flight may hang: wait for it (and the release) a short while only.
		timer.schedule(() -> {
			if (release && !done.get()) {
				logger.warn(() -> "Could not release '%s' within %s; the lease expires on its own"
					.formatted(this.role, human(LeaseSettings.RELEASE_TIMEOUT)));
			}
			finish.run();
		}, LeaseSettings.RELEASE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
		// On the store thread, after any call in flight, so that the release cannot overtake a renewal.
		io.execute(() -> {
			if (release) {
				release("shutdown");
			}
			finish.run();
		});
	}

	private void startIfOwed() {
		boolean owed;
		synchronized (this.monitor) {
			owed = this.startOwed;
			this.startOwed = false;
		}
		if (owed) {
			start();
		}
	}

	private void onReleased() {
		synchronized (this.monitor) {
			if (!this.running || this.stopping || this.lease != null
					|| this.clock.nanoTime() - this.sitOutUntilNanos < 0) {
				return;
			}
			logger.debug(() -> "Lease of '%s' released; claiming it".formatted(this.role));
			if (this.stepInFlight) {
				this.wakeUp = true;
			}
			else {
				// A little jitter, so that the followers of many roles do not all claim at the same instant.
				scheduleStep(jitter(this.settings.releaseJitter()));
			}
		}
	}

	/**
	 * Runs one store call, chosen from the state: release what is owed, renew while holding the lease, claim while
	 * following.
	 */
	private void step() {
		Grant lease;
		Action action;
		long generation;
		synchronized (this.monitor) {
			if (!this.running || this.stepInFlight) {
				return;
			}
			long now = this.clock.nanoTime();
			lease = this.lease;
			if (this.releaseOwed) {
				action = Action.RELEASE;
			}
			else if (lease != null) {
				action = Action.RENEW;
			}
			else if (this.stopping || this.drain != null) {
				return;
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
			generation = this.generation;
		}
		long next = this.settings.retryInterval().toNanos();
		try {
			next = switch (action) {
				case RELEASE -> release("yield");
				case RENEW -> renew(lease, generation);
				case CLAIM -> claim(generation);
			};
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Election step %s of '%s' failed unexpectedly".formatted(action, this.role));
		}
		finally {
			synchronized (this.monitor) {
				if (this.generation == generation) {
					this.stepInFlight = false;
					if (this.wakeUp || this.releaseOwed) {
						next = 0;
					}
					scheduleStep(next);
				}
			}
		}
	}

	private long claim(long generation) {
		long sentNanos = this.clock.nanoTime();
		long sentMillis = this.clock.wallMillis();
		Acquisition acquisition;
		try {
			acquisition = this.store.acquire(new LeaseClaim(this.role, this.holder, this.hostname, this.startedAt,
					this.settings.leaseDuration()));
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Claim of '%s' failed: %s".formatted(this.role, ex.getMessage()));
			return this.settings.retryInterval().toNanos();
		}
		boolean late;
		synchronized (this.monitor) {
			if (this.generation != generation) {
				// The reply of a claim sent before a stop and a new start: the lease it may have granted belongs to
				// the same holder, so the current start's next claim takes it over. Make that claim now.
				if (acquisition.isGranted() && this.running && this.lease == null) {
					this.wakeUp = true;
					if (!this.stepInFlight) {
						scheduleStep(0);
					}
				}
				return 0;
			}
			late = !this.running || this.stopping;
			if (!late && acquisition.isGranted()) {
				Grant grant = new Grant(new Leadership(this.role, this.instanceId, acquisition.fencingToken(),
						Instant.now()), deadlineNanos(sentNanos), deadlineMillis(sentMillis));
				if (!grant.isValid(this.clock)) {
					// The reply came later than the lease lasts (a first connection, a pause): the grant cannot be
					// trusted. The lease is still ours in the store, so claiming again at once renews it.
					logger.debug(() -> "Grant of '%s' arrived after its deadline; claiming again".formatted(this.role));
					return 0;
				}
				this.reportedRefusal = null;
				grant(grant);
				return this.settings.renewInterval().toNanos();
			}
		}
		if (late) {
			if (acquisition.isGranted()) {
				// Granted while stopping: nobody was told, so give it back at once.
				release("shutdown");
			}
			return 0;
		}
		logger.debug(() -> "Claim of '%s' refused (%s), next claim in %s".formatted(this.role,
				acquisition.outcome(), human(acquisition.retryAfter())));
		reportRefusal(acquisition);
		return acquisition.retryAfter().toNanos() + jitter(this.settings.electionJitter());
	}

	private void reportRefusal(Acquisition acquisition) {
		Outcome outcome = acquisition.outcome();
		if (outcome == this.reportedRefusal) {
			return;
		}
		switch (outcome) {
			case DUPLICATE -> logger.warn(() -> ("Another process with instance id '%s' holds the lease of '%s', so "
					+ "this one follows: instance ids must be unique. Remove leader.election.instance-id to get a "
					+ "generated one, or give each instance its own.").formatted(this.instanceId, this.role));
			case QUARANTINED -> logger.info(() -> "No leader of '%s' for %s: %s".formatted(this.role,
					human(acquisition.retryAfter()), reason(acquisition)));
			case MISCONFIGURED -> logger.error(() -> "Cannot elect a leader of '%s': %s".formatted(this.role,
					reason(acquisition)));
			default -> {
				// Another instance holding the lease is the normal state of a follower.
			}
		}
		this.reportedRefusal = outcome;
	}

	private long renew(@Nullable Grant lease, long generation) {
		Assert.state(lease != null, "No lease to renew");
		long sentNanos = this.clock.nanoTime();
		long sentMillis = this.clock.wallMillis();
		boolean renewed;
		try {
			renewed = this.store.renew(this.role, this.holder, this.settings.leaseDuration());
		}
		catch (RuntimeException ex) {
			synchronized (this.monitor) {
				long remaining = lease.remainingNanos(this.clock);
				if (this.lease != lease || remaining <= 0) {
					return this.settings.retryInterval().toNanos();
				}
				logger.warn(() -> "Renewal of '%s' failed, retrying until the lease deadline in %s: %s".formatted(
						this.role, human(Duration.ofNanos(remaining)), ex.getMessage()));
				return Math.min(this.settings.retryInterval().toNanos(), remaining);
			}
		}
		synchronized (this.monitor) {
			if (this.lease != lease || this.generation != generation) {
				// Revoked while the renewal was on its way. If it extended the lease, the next step claims it
				// again (with a new token) or releases it after a yield.
				return 0;
			}
			if (!renewed) {
				loseLease(lease, RevokeReason.LEASE_LOST);
				return 0;
			}
			Grant renewedLease = lease.withDeadlines(deadlineNanos(sentNanos), deadlineMillis(sentMillis));
			if (!renewedLease.isValid(this.clock)) {
				loseLease(lease, RevokeReason.LEASE_EXPIRED);
				return 0;
			}
			this.lease = renewedLease;
			if (this.term == lease) {
				this.term = renewedLease;
			}
			scheduleExpiry(renewedLease);
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

	private long deadlineNanos(long sentNanos) {
		return sentNanos + this.settings.leaseDuration().toNanos() - this.settings.safetyMargin().toNanos();
	}

	private long deadlineMillis(long sentMillis) {
		return sentMillis + this.settings.leaseDuration().toMillis() - this.settings.safetyMargin().toMillis();
	}

	private void grant(Grant grant) {
		this.lease = grant;
		this.term = grant;
		scheduleExpiry(grant);
		long token = grant.leadership().fencingToken();
		logger.info(() -> "Granted leadership of '%s' to '%s' (token %d)".formatted(this.role, this.instanceId,
				token));
		this.events.publish(new OnGrantedEvent(this, token));
		this.monitor.notifyAll();
	}

	// Ends the term at once (the lease is gone or cannot be trusted), or ends a drain early. Under the monitor.
	private void loseLease(Grant lease, RevokeReason reason) {
		this.lease = null;
		cancel(this.expiry);
		this.expiry = null;
		forgetWork(lease);
		Grant term = this.term;
		if (term != null && term.leadership() == lease.leadership()) {
			this.term = null;
			publishRevoke(term, reason);
		}
		Drain drain = this.drain;
		if (drain != null && drain.term.leadership() == lease.leadership()) {
			List<String> running = running(drain);
			if (!running.isEmpty()) {
				logger.warn(() -> "The lease of '%s' ended (%s) while handing over, with %s still running"
					.formatted(this.role, reason, String.join(", ", running)));
			}
			endDrain(drain, false);
		}
	}

	private CompletableFuture<Void> publishRevoke(Grant term, RevokeReason reason) {
		long token = term.leadership().fencingToken();
		logger.info(() -> "Revoked leadership of '%s' from '%s' (token %d): %s".formatted(this.role,
				this.instanceId, token, reason));
		return this.events.publish(new OnRevokedEvent(this, token, reason));
	}

	// Under the monitor, with a term.
	private void beginDrain(RevokeReason reason) {
		Grant term = this.term;
		Assert.state(term != null && this.drain == null, "Nothing to drain");
		this.term = null;
		CompletableFuture<Void> listeners = publishRevoke(term, reason);
		Drain drain = new Drain(term, reason, listeners);
		this.drain = drain;
		ScheduledThreadPoolExecutor timer = this.timer;
		long timeout = this.settings.drainTimeout().toNanos();
		if (timer != null && timeout > 0) {
			drain.timeout = timer.schedule(() -> drainTimedOut(drain), timeout, TimeUnit.NANOSECONDS);
		}
		listeners.whenComplete((result, ex) -> checkDrained(drain));
		if (timeout == 0) {
			drainTimedOut(drain);
		}
		else {
			checkDrained(drain);
		}
	}

	private void checkDrained(Drain drain) {
		synchronized (this.monitor) {
			if (this.drain == drain && drain.listeners.isDone() && running(drain).isEmpty()) {
				endDrain(drain, true);
			}
		}
	}

	private void drainTimedOut(Drain drain) {
		synchronized (this.monitor) {
			if (this.drain != drain) {
				return;
			}
			List<String> running = running(drain);
			if (!running.isEmpty() || !drain.listeners.isDone()) {
				String what = running.isEmpty() ? "its OnRevokedEvent listeners" : String.join(", ", running);
				logger.warn(() -> "Handing over '%s' after the drain timeout of %s although %s still run; the next leader may start while they do"
					.formatted(this.role, human(this.settings.drainTimeout()), what));
			}
			endDrain(drain, true);
		}
	}

	// Under the monitor. Releases the lease if it is still held, and lets a stop go on.
	private void endDrain(Drain drain, boolean release) {
		this.drain = null;
		cancel(drain.timeout);
		forgetWork(drain.term);
		Grant lease = this.lease;
		if (release && lease != null && lease.leadership() == drain.term.leadership()) {
			this.lease = null;
			cancel(this.expiry);
			this.expiry = null;
			this.releaseOwed = drain.reason == RevokeReason.YIELDED || this.settings.releaseOnShutdown();
		}
		if (drain.reason == RevokeReason.YIELDED) {
			this.sitOutUntilNanos = this.clock.nanoTime() + this.settings.sitOut().toNanos();
		}
		if (!this.stepInFlight) {
			scheduleStep(0);
		}
		else {
			this.wakeUp = true;
		}
		drain.done.complete(null);
	}

	// Nothing waits for the runs of a term once its lease is gone: runs never closed (a stage that never completes)
	// must not pile up.
	private void forgetWork(Grant term) {
		this.inFlight.removeIf((work) -> work.leadership == term.leadership());
	}

	private List<String> running(Drain drain) {
		return this.inFlight.stream()
			.filter((work) -> work.leadership == drain.term.leadership())
			.map((work) -> work.description)
			.sorted()
			.toList();
	}

	// The term, if it is still valid; asks the timer to revoke one that has passed a deadline unnoticed (after a
	// suspend, the monotonic timer has not fired yet).
	private @Nullable Grant validTerm() {
		Grant term = this.term;
		if (term == null) {
			return null;
		}
		if (term.isValid(this.clock)) {
			return term;
		}
		if (term.expiryQueued.compareAndSet(false, true)) {
			ScheduledThreadPoolExecutor timer = this.timer;
			if (timer != null) {
				try {
					timer.execute(() -> expire(term));
				}
				catch (RuntimeException ex) {
					// Stopping: the stop revokes.
				}
			}
		}
		return null;
	}

	private void scheduleExpiry(Grant grant) {
		cancel(this.expiry);
		ScheduledThreadPoolExecutor timer = this.timer;
		if (timer == null) {
			return;
		}
		// The timer runs on the monotonic clock, which stands still while the machine is suspended: look at the wall
		// clock at least every retry interval, so that the revocation does not wait for the next renewal to fail.
		long delay = Math.min(grant.remainingNanos(this.clock), this.settings.retryInterval().toNanos());
		this.expiry = timer.schedule(() -> expire(grant), delay, TimeUnit.NANOSECONDS);
	}

	private void expire(Grant grant) {
		synchronized (this.monitor) {
			Grant lease = this.lease;
			if (lease == null || lease.leadership() != grant.leadership()) {
				return;
			}
			if (!lease.isValid(this.clock)) {
				loseLease(lease, RevokeReason.LEASE_EXPIRED);
			}
			else if (lease == grant) {
				scheduleExpiry(lease);
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

	private static long jitter(Duration bound) {
		long nanos = bound.toNanos();
		return (nanos > 0) ? ThreadLocalRandom.current().nextLong(nanos + 1) : 0;
	}

	private static String reason(Acquisition acquisition) {
		return acquisition.reason().isEmpty() ? "the store gave no reason" : acquisition.reason();
	}

	static String human(Duration duration) {
		long millis = duration.toMillis();
		return (millis < 1000) ? millis + " ms" : "%.1f s".formatted(millis / 1000.0);
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

	private enum Action {

		RELEASE, RENEW, CLAIM

	}

	/**
	 * A grant and the times until which it may be trusted, on the monotonic clock and on the wall clock.
	 */
	private static final class Grant {

		private final Leadership leadership;

		private final long deadlineNanos;

		private final long deadlineMillis;

		private final AtomicBoolean expiryQueued = new AtomicBoolean();

		Grant(Leadership leadership, long deadlineNanos, long deadlineMillis) {
			this.leadership = leadership;
			this.deadlineNanos = deadlineNanos;
			this.deadlineMillis = deadlineMillis;
		}

		Leadership leadership() {
			return this.leadership;
		}

		boolean isValid(ElectionClock clock) {
			return clock.nanoTime() - this.deadlineNanos < 0 && clock.wallMillis() < this.deadlineMillis;
		}

		long remainingNanos(ElectionClock clock) {
			long monotonic = this.deadlineNanos - clock.nanoTime();
			long wall = TimeUnit.MILLISECONDS.toNanos(this.deadlineMillis - clock.wallMillis());
			return Math.max(0, Math.min(monotonic, wall));
		}

		Grant withDeadlines(long deadlineNanos, long deadlineMillis) {
			return new Grant(this.leadership, deadlineNanos, deadlineMillis);
		}

	}

	/**
	 * A graceful handover in progress: the term it ends, and what it waits for.
	 */
	private static final class Drain {

		private final Grant term;

		private final RevokeReason reason;

		private final CompletableFuture<Void> listeners;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private @Nullable ScheduledFuture<?> timeout;

		Drain(Grant term, RevokeReason reason, CompletableFuture<Void> listeners) {
			this.term = term;
			this.reason = reason;
			this.listeners = listeners;
		}

	}

	/**
	 * One admitted run of leader-only work.
	 */
	private final class Work implements LeaderWork {

		private final Leadership leadership;

		private final String description;

		private final AtomicBoolean closed = new AtomicBoolean();

		Work(Leadership leadership, String description) {
			this.leadership = leadership;
			this.description = description;
		}

		@Override
		public Leadership leadership() {
			return this.leadership;
		}

		@Override
		public void close() {
			if (this.closed.compareAndSet(false, true)) {
				LeaseLeaderElector.this.inFlight.remove(this);
				Drain drain = LeaseLeaderElector.this.drain;
				if (drain != null) {
					checkDrained(drain);
				}
			}
		}

	}

}
