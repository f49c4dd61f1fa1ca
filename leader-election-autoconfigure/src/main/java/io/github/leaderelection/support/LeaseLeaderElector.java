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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

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
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStore.Subscription;
import io.github.leaderelection.support.ElectionScheduler.Cancellable;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * A {@link LeaderElector} that holds a lease in a {@link LeaseStore}: a state machine, whose states and transitions
 * are {@link State}.
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
 * Electors share the threads of an {@link ElectionRuntime}: deadlines and drains are timed on its timer, store calls
 * run on its I/O threads, one call at a time per elector, so a hung store call cannot hold back a revocation.
 * Renewals that fall due together go to the store in one call. Events go to a {@link LeadershipEventPublisher}.
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

	private final ElectionScheduler scheduler;

	private final RenewalBatcher renewals;

	private final ElectionClock clock;

	private final Object monitor = new Object();

	private final Set<Work> inFlight = ConcurrentHashMap.newKeySet();

	private volatile State state = State.STOPPED;

	// What callers see: the grant while LEADING; cleared as the term ends or a drain begins.
	private volatile @Nullable Grant term;

	// The lease held in the store and renewed: while LEADING, and while DRAINING after the term has ended.
	private @Nullable Grant lease;

	private volatile @Nullable Drain drain;

	private volatile Instant startedAt = Instant.now();

	// When a store call last returned without an exception, by the wall clock: for health checks.
	private volatile @Nullable Instant lastStoreContact;

	// Incremented by every start: a store call that returns into a later start is ignored.
	private long generation;

	// The next store call: a timed claim or release, or a renewal waiting in a batch.
	private Cancellable next = Cancellable.NONE;

	// The renewal that next holds a place for, if any: only that one may go out.
	private @Nullable Renewal pendingRenewal;

	private boolean callInFlight;

	// Make the next store call as soon as the call in flight returns.
	private boolean wakeUp;

	private boolean releaseOwed;

	private long sitOutUntilNanos;

	private Cancellable expiry = Cancellable.NONE;

	private Cancellable stopTimeout = Cancellable.NONE;

	private @Nullable Subscription subscription;

	// Completes once the current or last stop has ended: later stops are called back then.
	private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);

	// A start that came while a stop still drained or released: made once that stop has ended.
	private boolean startOwed;

	// The last refusal that was worth a log line: logged once until the outcome changes. I/O threads, one at a time.
	private @Nullable Outcome reportedRefusal;

	// The leader this instance was last told to follow, so that a change of leader is logged once.
	private @Nullable String reportedHolder;

	/**
	 * Creates an elector on the threads of the {@link ElectionRuntime#shared() shared runtime}.
	 * @param role the role
	 * @param instanceId this instance's id
	 * @param hostname the host, shown to operators
	 * @param store where the lease lives
	 * @param settings the timings
	 * @param events where events go
	 */
	public LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store,
			LeaseSettings settings, LeadershipEventPublisher events) {
		this(role, instanceId, hostname, store, settings, events, ElectionRuntime.shared());
	}

	/**
	 * Creates an elector on the threads of the given runtime.
	 * @param role the role
	 * @param instanceId this instance's id
	 * @param hostname the host, shown to operators
	 * @param store where the lease lives
	 * @param settings the timings
	 * @param events where events go
	 * @param runtime the threads it shares with the other electors of the application
	 * @since 0.2.0
	 */
	public LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store,
			LeaseSettings settings, LeadershipEventPublisher events, ElectionRuntime runtime) {
		this(role, instanceId, hostname, store, settings, events, runtime.scheduler(), runtime.batcher(store),
				ElectionClock.SYSTEM);
	}

	// Clocks of the test's choice, on the shared runtime's threads.
	LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store, LeaseSettings settings,
			LeadershipEventPublisher events, ElectionClock clock) {
		this(role, instanceId, hostname, store, settings, events, ElectionRuntime.shared().scheduler(),
				new RenewalBatcher(store, ElectionRuntime.shared().scheduler(), clock), clock);
	}

	LeaseLeaderElector(String role, String instanceId, String hostname, LeaseStore store, LeaseSettings settings,
			LeadershipEventPublisher events, ElectionScheduler scheduler, RenewalBatcher renewals,
			ElectionClock clock) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(store, "'store' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(events, "'events' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		Assert.notNull(renewals, "'renewals' must not be null");
		Assert.notNull(clock, "'clock' must not be null");
		this.role = role;
		this.instanceId = instanceId;
		this.holder = LeaseHolder.withRandomNonce(instanceId);
		this.hostname = hostname;
		this.store = store;
		this.settings = settings;
		this.events = events;
		this.scheduler = scheduler;
		this.renewals = renewals;
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

	/**
	 * Where this elector is in the election now.
	 * @since 0.2.0
	 */
	public State state() {
		return this.state;
	}

	/**
	 * The timings of this elector.
	 * @since 0.2.0
	 */
	public LeaseSettings settings() {
		return this.settings;
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
		Optional<LeaderInfo> leader = this.store.currentLeader(this.role);
		storeReached();
		return leader;
	}

	/**
	 * When a store call of this elector (a claim, a renewal, a release or a {@link #currentLeader()} read) last
	 * returned without an exception, whatever its answer, by the wall clock; for health checks. Does no I/O.
	 * @return the time of the last contact, or empty when no store call has returned yet
	 * @since 0.2.0
	 */
	public Optional<Instant> lastStoreContact() {
		return Optional.ofNullable(this.lastStoreContact);
	}

	/**
	 * When this elector was last started, by the wall clock, or created if it has never started.
	 * @since 0.2.0
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	@Override
	public void yieldLeadership() {
		synchronized (this.monitor) {
			if (this.state == State.LEADING && validTerm() != null) {
				// A term past its deadline is revoked as expired, by the timer.
				beginDrain(RevokeReason.YIELDED, false);
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
			if (this.state != State.STOPPED) {
				if (isStopping()) {
					// Started again while a stop still drains: run the election again once that stop has ended.
					this.startOwed = true;
				}
				return;
			}
			this.startOwed = false;
			// A store call of the previous start may still be on its way: its reply is dropped by generation.
			this.generation++;
			this.callInFlight = false;
			this.wakeUp = false;
			this.releaseOwed = false;
			this.startedAt = Instant.now();
			this.subscription = this.store.onRelease(this.role, this::onReleased);
			moveTo(State.FOLLOWING);
			scheduleNext(jitter(this.settings.electionJitter()));
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
	 * Stops without blocking the caller: drains, releases, and then runs {@code callback}, on one of the runtime's
	 * threads or on the caller's.
	 * @param callback what to run once stopped
	 */
	@Override
	public void stop(Runnable callback) {
		CompletableFuture<Void> stopped;
		synchronized (this.monitor) {
			// Stopped twice, as the default role's elector is (a bean, and one of LeaderElectors): the second stop
			// is called back once the first has drained and released, not while it still does.
			this.startOwed = false;
			switch (this.state) {
				case LEADING -> beginDrain(RevokeReason.SHUTDOWN, true);
				case DRAINING -> this.drain().stopping = true;
				case FOLLOWING, SITTING_OUT -> beginStopping();
				case STOPPING, STOPPED -> {
					// Already on its way, or done.
				}
			}
			stopped = this.stopped;
		}
		stopped.whenComplete((result, ex) -> callback.run());
	}

	/**
	 * Longest time {@link #stop()} takes: see {@link LeaseSettings#stopTimeout()}.
	 */
	public Duration stopTimeout() {
		return this.settings.stopTimeout();
	}

	@Override
	public boolean isRunning() {
		return this.state != State.STOPPED;
	}

	/**
	 * The phase of {@link LeaderElectors}: an elector that is also a bean (the default role's) starts and stops with
	 * the registry, not before the scheduler and the web server have stopped.
	 */
	@Override
	public int getPhase() {
		return LeaderElectors.PHASE;
	}

	@Override
	public String toString() {
		return "LeaseLeaderElector[role=%s, instanceId=%s, state=%s]".formatted(this.role, this.instanceId,
				this.state);
	}

	// ---- Transitions: every change of state goes through moveTo, which checks it against State.

	// Under the monitor.
	private void moveTo(State to) {
		State from = this.state;
		Assert.state(from.next().contains(to), () -> "'%s' cannot go from %s to %s".formatted(this.role, from, to));
		this.state = to;
		logger.trace(() -> "'%s' %s -> %s".formatted(this.role, from, to));
		if (from == State.STOPPED) {
			this.stopped = new CompletableFuture<>();
		}
		this.monitor.notifyAll();
	}

	// FOLLOWING -> LEADING. Under the monitor.
	private void grant(Grant grant) {
		moveTo(State.LEADING);
		this.lease = grant;
		this.term = grant;
		this.reportedRefusal = null;
		this.reportedHolder = null;
		scheduleExpiry(grant);
		long token = grant.leadership().fencingToken();
		logger.info(() -> "Granted leadership of '%s' to '%s' (token %d)".formatted(this.role, this.instanceId,
				token));
		this.events.publish(new OnGrantedEvent(this, token));
	}

	// LEADING -> FOLLOWING, or the end of a drain: the lease is gone or can no longer be trusted. Under the monitor.
	private void loseLease(RevokeReason reason) {
		Grant lease = this.lease;
		Assert.state(lease != null, "No lease to lose");
		this.lease = null;
		this.expiry.cancel();
		forgetWork(lease);
		if (this.state == State.LEADING) {
			Grant term = this.term;
			this.term = null;
			moveTo(State.FOLLOWING);
			if (term != null) {
				publishRevoke(term, reason);
			}
			// Refused: another instance may hold it now, a claim tells. Expired: the store was likely out of reach.
			scheduleNext((reason == RevokeReason.LEASE_LOST) ? 0 : this.settings.retryInterval().toNanos());
			return;
		}
		Drain drain = this.drain();
		List<String> running = running(drain);
		if (!running.isEmpty()) {
			logger.warn(() -> "The lease of '%s' ended (%s) while handing over, with %s still running"
				.formatted(this.role, reason, String.join(", ", running)));
		}
		endDrain(drain);
	}

	// LEADING -> DRAINING. Under the monitor.
	private void beginDrain(RevokeReason reason, boolean stopping) {
		Grant term = this.term;
		Assert.state(term != null, "No term to drain");
		moveTo(State.DRAINING);
		this.term = null;
		CompletableFuture<Void> listeners = publishRevoke(term, reason);
		Drain drain = new Drain(term, reason, listeners);
		drain.stopping = stopping;
		this.drain = drain;
		long timeout = this.settings.drainTimeout().toNanos();
		if (timeout == 0) {
			drainTimedOut(drain);
			return;
		}
		drain.timeout = this.scheduler.schedule(() -> drainTimedOut(drain), timeout);
		listeners.whenComplete((result, ex) -> checkDrained(drain));
		checkDrained(drain);
	}

	// DRAINING -> SITTING_OUT after a yield, DRAINING -> STOPPING after a stop. Under the monitor.
	private void endDrain(Drain drain) {
		this.drain = null;
		drain.timeout.cancel();
		forgetWork(drain.term);
		Grant lease = this.lease;
		if (lease != null) {
			// Drained with the lease still held: hand it over.
			this.lease = null;
			this.expiry.cancel();
			this.releaseOwed = drain.reason == RevokeReason.YIELDED || this.settings.releaseOnShutdown();
		}
		if (drain.stopping) {
			beginStopping();
		}
		else {
			moveTo(State.SITTING_OUT);
			this.sitOutUntilNanos = this.clock.nanoTime() + this.settings.sitOut().toNanos();
			scheduleNext(0);
		}
		drain.done.complete(null);
	}

	// FOLLOWING, SITTING_OUT or DRAINING -> STOPPING: no more claims; release what is owed once the call in flight
	// has returned, waiting for both a short while only. Under the monitor.
	private void beginStopping() {
		moveTo(State.STOPPING);
		this.expiry.cancel();
		Subscription subscription = this.subscription;
		this.subscription = null;
		if (subscription != null) {
			// Closed on an I/O thread: a store may block while it unsubscribes.
			this.scheduler.execute(subscription::close);
		}
		long generation = this.generation;
		this.stopTimeout = this.scheduler.schedule(() -> stopTimedOut(generation),
				LeaseSettings.RELEASE_TIMEOUT.toNanos());
		scheduleNext(0);
	}

	// STOPPING -> STOPPED: nothing is owed and no call is in flight, or the release timeout has passed. Under the
	// monitor.
	private void endStopping() {
		moveTo(State.STOPPED);
		this.next.cancel();
		this.next = Cancellable.NONE;
		this.stopTimeout.cancel();
		this.releaseOwed = false;
		CompletableFuture<Void> stopped = this.stopped;
		boolean owed = this.startOwed;
		this.startOwed = false;
		logger.info(() -> "Stopped election of '%s' as '%s'".formatted(this.role, this.instanceId));
		// Callbacks of stop(Runnable) only count down; the owed start begins a new generation from STOPPED.
		stopped.complete(null);
		if (owed) {
			start();
		}
	}

	// SITTING_OUT -> FOLLOWING, once the sit-out has passed. Under the monitor.
	private void rejoin() {
		moveTo(State.FOLLOWING);
		logger.debug(() -> "'%s' rejoins the election after yielding".formatted(this.role));
	}

	// ---- The next store call

	// Chooses the next store call from the state and schedules it after delayNanos (a renewal may go earlier, with a
	// batch). While a call is in flight, asks for the next one as soon as it returns instead. Under the monitor.
	private void scheduleNext(long delayNanos) {
		this.next.cancel();
		this.next = Cancellable.NONE;
		this.pendingRenewal = null;
		if (this.callInFlight) {
			this.wakeUp |= delayNanos == 0 || this.releaseOwed;
			return;
		}
		long generation = this.generation;
		long now = this.clock.nanoTime();
		if (this.releaseOwed) {
			this.next = this.scheduler.schedule(() -> this.scheduler.executeFirst(() -> step(generation)), 0);
			return;
		}
		switch (this.state) {
			case LEADING, DRAINING -> {
				long due = now + delayNanos;
				// Renewing up to half an interval early lets this lease go out with others that fall due then.
				long earliest = due - Math.min(delayNanos, this.settings.renewInterval().toNanos() / 2);
				Renewal renewal = new Renewal(generation);
				this.pendingRenewal = renewal;
				this.next = this.renewals.submit(renewal, earliest, due);
			}
			case FOLLOWING -> this.next = this.scheduler
				.schedule(() -> this.scheduler.executeFirst(() -> step(generation)), delayNanos);
			case SITTING_OUT -> this.next = this.scheduler.schedule(() -> sitOutOver(generation),
					Math.max(delayNanos, this.sitOutUntilNanos - now));
			case STOPPING -> endStopping();
			case STOPPED -> {
				// Nothing more to do.
			}
		}
	}

	private void sitOutOver(long generation) {
		synchronized (this.monitor) {
			if (this.generation == generation && this.state == State.SITTING_OUT && !this.callInFlight) {
				if (this.clock.nanoTime() - this.sitOutUntilNanos < 0) {
					scheduleNext(0);
					return;
				}
				rejoin();
				scheduleNext(0);
			}
		}
	}

	// On an I/O thread: a claim or a release, chosen from the state when it runs.
	private void step(long generation) {
		boolean release;
		synchronized (this.monitor) {
			if (this.generation != generation || this.callInFlight) {
				return;
			}
			release = this.releaseOwed;
			if (!release && this.state != State.FOLLOWING) {
				return;
			}
			this.releaseOwed = false;
			this.callInFlight = true;
			this.wakeUp = false;
		}
		long next = this.settings.retryInterval().toNanos();
		try {
			next = release ? release() : claim(generation);
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Election step of '%s' failed unexpectedly".formatted(this.role));
		}
		finally {
			callReturned(generation, next);
		}
	}

	private void callReturned(long generation, long nextNanos) {
		synchronized (this.monitor) {
			if (this.generation != generation) {
				return;
			}
			this.callInFlight = false;
			boolean now = this.wakeUp || this.releaseOwed;
			this.wakeUp = false;
			scheduleNext(now ? 0 : nextNanos);
		}
	}

	private long claim(long generation) {
		long sentNanos = this.clock.nanoTime();
		long sentMillis = this.clock.wallMillis();
		Acquisition acquisition;
		try {
			acquisition = this.store.acquire(new LeaseClaim(this.role, this.holder, this.hostname, this.startedAt,
					this.settings.leaseDuration()));
			storeReached();
		}
		catch (RuntimeException ex) {
			logger.debug(() -> "Claim of '%s' failed: %s".formatted(this.role, ex.getMessage()));
			return this.settings.retryInterval().toNanos();
		}
		synchronized (this.monitor) {
			if (this.generation != generation) {
				// The reply of a claim sent before a stop and a new start: the lease it may have granted belongs to
				// the same holder, so the current start's next claim takes it over. Make that claim now.
				if (acquisition.isGranted() && this.state == State.FOLLOWING) {
					scheduleNext(0);
				}
				else if (acquisition.isGranted() && this.state == State.STOPPING) {
					// Stopping again meanwhile: nobody was told, so give it back with the stop.
					this.releaseOwed = true;
					scheduleNext(0);
				}
				else if (acquisition.isGranted() && this.state == State.STOPPED) {
					this.scheduler.execute(this::release);
				}
				return 0;
			}
			if (acquisition.isGranted()) {
				if (this.state != State.FOLLOWING) {
					// Granted while stopping: nobody was told, so give it back at once.
					this.releaseOwed = true;
					return 0;
				}
				Grant grant = new Grant(new Leadership(this.role, this.instanceId, acquisition.fencingToken(),
						Instant.now()), deadlineNanos(sentNanos), deadlineMillis(sentMillis));
				if (!grant.isValid(this.clock)) {
					// The reply came later than the lease lasts (a first connection, a pause): the grant cannot be
					// trusted. The lease is still ours in the store, so claiming again at once renews it.
					logger.debug(() -> "Grant of '%s' arrived after its deadline; claiming again".formatted(this.role));
					return 0;
				}
				grant(grant);
				return this.settings.renewInterval().toNanos();
			}
		}
		logger.debug(() -> "Claim of '%s' refused (%s), next claim in %s".formatted(this.role,
				acquisition.outcome(), human(acquisition.retryAfter())));
		reportRefusal(acquisition);
		return acquisition.retryAfter().toNanos() + jitter(this.settings.electionJitter());
	}

	private void reportRefusal(Acquisition acquisition) {
		Outcome outcome = acquisition.outcome();
		String holder = acquisition.holderInstanceId();
		if (outcome == this.reportedRefusal && (holder == null || holder.equals(this.reportedHolder))) {
			return;
		}
		switch (outcome) {
			case HELD -> reportFollowing(holder);
			case DUPLICATE -> logger.warn(() -> ("Another process with instance id '%s' holds the lease of '%s', so "
					+ "this one follows: instance ids must be unique. Remove leader.election.instance-id to get a "
					+ "generated one, or give each instance its own.").formatted(this.instanceId, this.role));
			case QUARANTINED -> logger.info(() -> "No leader of '%s' for %s: %s".formatted(this.role,
					human(acquisition.retryAfter()), reason(acquisition)));
			case MISCONFIGURED -> logger.error(() -> "Cannot elect a leader of '%s': %s".formatted(this.role,
					reason(acquisition)));
			default -> {
			}
		}
		this.reportedRefusal = outcome;
	}

	// Once when this instance starts following, and once per change of leader, so that a follower does not look stuck.
	private void reportFollowing(@Nullable String holder) {
		String previous = this.reportedHolder;
		if (holder == null) {
			logger.info(() -> "Following: another instance leads '%s'".formatted(this.role));
		}
		else if (previous == null || previous.equals(holder)) {
			logger.info(() -> "Following '%s', the leader of '%s'".formatted(holder, this.role));
		}
		else {
			logger.info(() -> "Following '%s', the new leader of '%s' (was '%s')".formatted(holder, this.role,
					previous));
		}
		if (holder != null) {
			this.reportedHolder = holder;
		}
	}

	// The reply to a renewal sent with a batch. Under the monitor.
	private long renewed(Grant lease, boolean renewed, long sentNanos, long sentMillis) {
		if (!renewed) {
			loseLease(RevokeReason.LEASE_LOST);
			return 0;
		}
		Grant renewedLease = lease.withDeadlines(deadlineNanos(sentNanos), deadlineMillis(sentMillis));
		if (!renewedLease.isValid(this.clock)) {
			loseLease(RevokeReason.LEASE_EXPIRED);
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

	// A renewal that could not reach the store. Under the monitor.
	private long renewalFailed(Grant lease, RuntimeException ex) {
		long remaining = lease.remainingNanos(this.clock);
		if (remaining <= 0) {
			return this.settings.retryInterval().toNanos();
		}
		logger.warn(() -> "Renewal of '%s' failed, retrying until the lease deadline in %s: %s".formatted(this.role,
				human(Duration.ofNanos(remaining)), ex.getMessage()));
		return Math.min(this.settings.retryInterval().toNanos(), remaining);
	}

	private long release() {
		try {
			boolean released = this.store.release(this.role, this.holder);
			storeReached();
			logger.debug(() -> "Released '%s': %s".formatted(this.role, released));
		}
		catch (RuntimeException ex) {
			logger.warn(() -> "Could not release '%s', the lease expires on its own: %s".formatted(this.role,
					ex.getMessage()));
		}
		return 0;
	}

	private void storeReached() {
		this.lastStoreContact = Instant.ofEpochMilli(this.clock.wallMillis());
	}

	private void onReleased() {
		synchronized (this.monitor) {
			if (this.state != State.FOLLOWING) {
				return;
			}
			logger.debug(() -> "Lease of '%s' released; claiming it".formatted(this.role));
			// A little jitter, so that the followers of many roles do not all claim at the same instant.
			scheduleNext(this.callInFlight ? 0 : jitter(this.settings.releaseJitter()));
		}
	}

	private void stopTimedOut(long generation) {
		synchronized (this.monitor) {
			if (this.generation != generation || this.state != State.STOPPING) {
				return;
			}
			if (this.releaseOwed || this.callInFlight) {
				logger.warn(() -> "Could not release '%s' within %s; the lease expires on its own"
					.formatted(this.role, human(LeaseSettings.RELEASE_TIMEOUT)));
			}
			endStopping();
		}
	}

	// ---- Drains

	private void checkDrained(Drain drain) {
		synchronized (this.monitor) {
			if (this.drain == drain && drain.listeners.isDone() && running(drain).isEmpty()) {
				endDrain(drain);
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
			endDrain(drain);
		}
	}

	// Nothing waits for the runs of a term once its lease is gone: runs never closed (a stage that never completes)
	// must not pile up.
	private void forgetWork(Grant term) {
		this.inFlight.removeIf((work) -> work.leadership == term.leadership());
	}

	private List<String> running(Drain drain) {
		List<String> running = new ArrayList<>();
		for (Work work : this.inFlight) {
			if (work.leadership == drain.term.leadership()) {
				running.add(work.description);
			}
		}
		running.sort(null);
		return running;
	}

	private Drain drain() {
		Drain drain = this.drain;
		Assert.state(drain != null, "Not draining");
		return drain;
	}

	private boolean isStopping() {
		State state = this.state;
		Drain drain = this.drain;
		return state == State.STOPPING || (state == State.DRAINING && drain != null && drain.stopping);
	}

	// ---- Deadlines

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
		if (!term.withdrawn && term.expiryQueued.compareAndSet(false, true)) {
			this.scheduler.schedule(() -> expire(term), 0);
		}
		return null;
	}

	// Under the monitor.
	private void scheduleExpiry(Grant grant) {
		this.expiry.cancel();
		// The timer runs on the monotonic clock, which stands still while the machine is suspended: look at the wall
		// clock at least every retry interval, so that the revocation does not wait for the next renewal to fail.
		long delay = Math.min(grant.remainingNanos(this.clock), this.settings.retryInterval().toNanos());
		this.expiry = this.scheduler.schedule(() -> expire(grant), delay);
	}

	private void expire(Grant grant) {
		synchronized (this.monitor) {
			Grant lease = this.lease;
			if (lease == null || lease.leadership() != grant.leadership()) {
				return;
			}
			if (!lease.isUnexpired(this.clock)) {
				loseLease(RevokeReason.LEASE_EXPIRED);
			}
			else if (lease == grant) {
				scheduleExpiry(lease);
			}
		}
	}

	private long deadlineNanos(long sentNanos) {
		return sentNanos + this.settings.leaseDuration().toNanos() - this.settings.safetyMargin().toNanos();
	}

	private long deadlineMillis(long sentMillis) {
		return sentMillis + this.settings.leaseDuration().toMillis() - this.settings.safetyMargin().toMillis();
	}

	private CompletableFuture<Void> publishRevoke(Grant term, RevokeReason reason) {
		long token = term.leadership().fencingToken();
		logger.info(() -> "Revoked leadership of '%s' from '%s' (token %d): %s".formatted(this.role,
				this.instanceId, token, reason));
		return this.events.publish(new OnRevokedEvent(this, token, reason));
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

	/**
	 * Where an elector is in the election. The transitions:
	 * <pre>
	 * STOPPED     --start----------------------------------------&gt; FOLLOWING
	 * FOLLOWING   --claim granted--------------------------------&gt; LEADING      (OnGrantedEvent)
	 * LEADING     --renewal refused, or past the deadline--------&gt; FOLLOWING    (OnRevokedEvent)
	 * LEADING     --yield, or stop-------------------------------&gt; DRAINING     (OnRevokedEvent)
	 * DRAINING    --work and listeners done, or drain timeout----&gt; SITTING_OUT  (yield; releases)
	 * DRAINING    --work and listeners done, or drain timeout----&gt; STOPPING     (stop; releases)
	 * DRAINING    --lease lost-----------------------------------&gt; SITTING_OUT or STOPPING, as above
	 * SITTING_OUT --sit-out over---------------------------------&gt; FOLLOWING
	 * FOLLOWING, SITTING_OUT --stop------------------------------&gt; STOPPING
	 * STOPPING    --call in flight returned and release sent, or
	 *               the release timeout--------------------------&gt; STOPPED
	 * </pre>
	 * A start while {@code STOPPING}, or while draining for a stop, is made once {@code STOPPED}.
	 *
	 * @since 0.2.0
	 */
	public enum State {

		/**
		 * Not taking part in the election.
		 */
		STOPPED,

		/**
		 * Claiming the lease once per lease period, or as soon as it is released.
		 */
		FOLLOWING,

		/**
		 * Holding the lease and renewing it; {@link LeaderElector#isLeader()} is {@code true} only here.
		 */
		LEADING,

		/**
		 * Handing over: the term has ended and no work is admitted, but the lease is kept and renewed until the work
		 * admitted before has returned.
		 */
		DRAINING,

		/**
		 * Out of the election for a lease after a yield, so that another instance takes over.
		 */
		SITTING_OUT,

		/**
		 * Releasing the lease, if owed, and waiting for the last store call before stopping.
		 */
		STOPPING;

		Set<State> next() {
			return switch (this) {
				case STOPPED -> EnumSet.of(FOLLOWING);
				case FOLLOWING -> EnumSet.of(LEADING, STOPPING);
				case LEADING -> EnumSet.of(FOLLOWING, DRAINING);
				case DRAINING -> EnumSet.of(SITTING_OUT, STOPPING);
				case SITTING_OUT -> EnumSet.of(FOLLOWING, STOPPING);
				case STOPPING -> EnumSet.of(STOPPED);
			};
		}

	}

	/**
	 * A renewal this elector has placed in a batch; ignored if it returns into a later start.
	 */
	private final class Renewal implements RenewalBatcher.Member {

		private final long generation;

		private @Nullable Grant sent;

		Renewal(long generation) {
			this.generation = generation;
		}

		@Override
		public @Nullable LeaseRenewal begin() {
			synchronized (LeaseLeaderElector.this.monitor) {
				Grant lease = LeaseLeaderElector.this.lease;
				if (LeaseLeaderElector.this.pendingRenewal != this || LeaseLeaderElector.this.callInFlight
						|| lease == null) {
					return null;
				}
				LeaseLeaderElector.this.pendingRenewal = null;
				LeaseLeaderElector.this.next = Cancellable.NONE;
				LeaseLeaderElector.this.callInFlight = true;
				LeaseLeaderElector.this.wakeUp = false;
				this.sent = lease;
				return new LeaseRenewal(LeaseLeaderElector.this.role, LeaseLeaderElector.this.holder,
						LeaseLeaderElector.this.settings.leaseDuration());
			}
		}

		@Override
		public void renewed(boolean renewed, long sentNanos, long sentMillis) {
			Grant sent = this.sent;
			if (!renewed && sent != null) {
				// Before waiting for the monitor: from now on no work is admitted under the refused lease.
				sent.withdraw();
			}
			storeReached();
			returned((lease) -> LeaseLeaderElector.this.renewed(lease, renewed, sentNanos, sentMillis));
		}

		@Override
		public void failed(RuntimeException failure) {
			returned((lease) -> renewalFailed(lease, failure));
		}

		private void returned(ToLongFunction<Grant> outcome) {
			synchronized (LeaseLeaderElector.this.monitor) {
				if (LeaseLeaderElector.this.generation != this.generation) {
					return;
				}
				Grant sent = this.sent;
				Grant lease = LeaseLeaderElector.this.lease;
				long next = 0;
				if (sent != null && lease != null && lease.leadership() == sent.leadership()) {
					next = outcome.applyAsLong(lease);
				}
				// Otherwise revoked while the renewal was on its way. If it extended the lease, the next step claims it
				// again (with a new token) or releases it after a yield.
				callReturned(this.generation, next);
			}
		}

	}

	/**
	 * A grant and the times until which it may be trusted, on the monotonic clock and on the wall clock.
	 */
	private static final class Grant {

		private final Leadership leadership;

		private final long deadlineNanos;

		private final long deadlineMillis;

		private final AtomicBoolean expiryQueued = new AtomicBoolean();

		// Set when the store refused to renew it, ahead of the revocation that follows under the monitor.
		private volatile boolean withdrawn;

		Grant(Leadership leadership, long deadlineNanos, long deadlineMillis) {
			this.leadership = leadership;
			this.deadlineNanos = deadlineNanos;
			this.deadlineMillis = deadlineMillis;
		}

		Leadership leadership() {
			return this.leadership;
		}

		// Whether it may still be trusted: neither withdrawn nor past a deadline.
		boolean isValid(ElectionClock clock) {
			return !this.withdrawn && isUnexpired(clock);
		}

		boolean isUnexpired(ElectionClock clock) {
			return clock.nanoTime() - this.deadlineNanos < 0 && clock.wallMillis() < this.deadlineMillis;
		}

		void withdraw() {
			this.withdrawn = true;
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

		private Cancellable timeout = Cancellable.NONE;

		// Whether the elector stops once drained, rather than sit out.
		private boolean stopping;

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
