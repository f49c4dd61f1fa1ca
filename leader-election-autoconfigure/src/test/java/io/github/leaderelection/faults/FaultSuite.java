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


package io.github.leaderelection.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.github.leaderelection.faults.Checker.Exemption;
import io.github.leaderelection.faults.Checker.FaultOutcome;
import io.github.leaderelection.faults.Checker.Verdict;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.faults.Timeline.Start;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.MariaDbServer;
import io.github.leaderelection.test.PostgresServer;
import io.github.leaderelection.test.RedisSentinels;
import io.github.leaderelection.test.RedisServer;
import io.github.leaderelection.test.TcpProxy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs instances of {@link FaultApplication} in JVMs of their own, each connected to one Redis (with Redis's default
 * snapshots) through a {@link TcpProxy} of its own, injects every kind of fault once and then random mixes of them for
 * a while; then, with new instances on a {@link RedisSentinels} set-up, two failovers alone and random mixes that each
 * hold a failover; and checks what the instances recorded with the {@link Checker}. Writes {@code summary.json},
 * {@code summary.md}, the histories and the instances' logs to its directory. Every process it starts is stopped by
 * its PID, also when it fails.
 */
final class FaultSuite {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

	private static final String ROLE = "faults";

	private static final Duration SHORT_RUN = Duration.ofMillis(2);

	private static final Duration LONG_RUN = Duration.ofSeconds(3);

	private static final Duration INTO_LONG_RUN = Duration.ofSeconds(1);

	// What a master's PING to its replicas, every 10 s, adds to the replication stream: no write of the election.
	private static final long PING_BYTES = "*1\r\n$4\r\nPING\r\n".length();

	/**
	 * The faults injected alone, in this order, before the random mixes.
	 */
	static final List<Fault.Kind> ALONE = List.of(Fault.Kind.SIGTERM_LEADER, Fault.Kind.SIGKILL_LEADER,
			Fault.Kind.SIGSTOP_LEADER, Fault.Kind.PARTITION_DROP, Fault.Kind.PARTITION_BLACKHOLE, Fault.Kind.LATENCY,
			Fault.Kind.LONG_RUN_SIGTERM, Fault.Kind.LONG_RUN_YIELD, Fault.Kind.REDIS_RESTART, Fault.Kind.REDIS_PAUSE,
			Fault.Kind.RDB_ROLLBACK, Fault.Kind.AOF_ROLLBACK, Fault.Kind.LOCK_DELETED, Fault.Kind.LOCK_EVICTED,
			Fault.Kind.SLOW_LISTENER, Fault.Kind.PAUSE_AND_REDIS_RESTART, Fault.Kind.BLACKHOLE_AND_REDIS_RESTART,
			Fault.Kind.KILL_AND_REDIS_PAUSE, Fault.Kind.FOLLOWER_PAUSE, Fault.Kind.FOLLOWER_CUT_OFF);

	private static final List<Fault.Kind> LEADER_PARTS = List.of(Fault.Kind.SIGTERM_LEADER, Fault.Kind.SIGKILL_LEADER,
			Fault.Kind.SIGSTOP_LEADER, Fault.Kind.PARTITION_DROP, Fault.Kind.PARTITION_BLACKHOLE, Fault.Kind.LATENCY,
			Fault.Kind.LONG_RUN_SIGTERM, Fault.Kind.LONG_RUN_YIELD);

	private static final List<Fault.Kind> REDIS_PARTS = List.of(Fault.Kind.REDIS_RESTART, Fault.Kind.REDIS_PAUSE,
			Fault.Kind.RDB_ROLLBACK, Fault.Kind.AOF_ROLLBACK, Fault.Kind.LOCK_DELETED, Fault.Kind.LOCK_EVICTED);

	private static final List<Fault.Kind> FOLLOWER_PARTS = List.of(Fault.Kind.FOLLOWER_PAUSE,
			Fault.Kind.FOLLOWER_CUT_OFF);

	/**
	 * The failovers, injected alone in this order at the start of the Sentinel phase; each mix of that phase holds one.
	 */
	static final List<Fault.Kind> FAILOVERS = List.of(Fault.Kind.SENTINEL_FAILOVER, Fault.Kind.SENTINEL_MASTER_KILLED);

	// Instances of the Sentinel phase have no proxy: no faults of their links.
	private static final List<Fault.Kind> SENTINEL_LEADER_PARTS = List.of(Fault.Kind.SIGTERM_LEADER,
			Fault.Kind.SIGKILL_LEADER, Fault.Kind.SIGSTOP_LEADER, Fault.Kind.LONG_RUN_SIGTERM,
			Fault.Kind.LONG_RUN_YIELD);

	private static final List<Fault.Kind> SENTINEL_FOLLOWER_PARTS = List.of(Fault.Kind.FOLLOWER_PAUSE);

	/**
	 * The faults injected alone on a database, in this order: the instances' faults, and those of the database.
	 */
	static final List<Fault.Kind> DATABASE_ALONE = List.of(Fault.Kind.SIGTERM_LEADER, Fault.Kind.SIGKILL_LEADER,
			Fault.Kind.SIGSTOP_LEADER, Fault.Kind.PARTITION_DROP, Fault.Kind.PARTITION_BLACKHOLE, Fault.Kind.LATENCY,
			Fault.Kind.LONG_RUN_SIGTERM, Fault.Kind.LONG_RUN_YIELD, Fault.Kind.DB_RESTART, Fault.Kind.DB_CRASH,
			Fault.Kind.DB_PAUSE, Fault.Kind.DB_ROLLBACK, Fault.Kind.ROW_DELETED, Fault.Kind.SLOW_LISTENER,
			Fault.Kind.KILL_AND_DB_PAUSE, Fault.Kind.FOLLOWER_PAUSE, Fault.Kind.FOLLOWER_CUT_OFF);

	private static final List<Fault.Kind> DATABASE_PARTS = List.of(Fault.Kind.DB_RESTART, Fault.Kind.DB_CRASH,
			Fault.Kind.DB_PAUSE, Fault.Kind.DB_ROLLBACK, Fault.Kind.ROW_DELETED);

	/**
	 * The fewest mixes of the Sentinel phase, whatever their share of the time: the first stages the failover that
	 * loses writes.
	 */
	static final int MIN_SENTINEL_MIXES = 2;

	private final Settings settings;

	private final Path directory;

	private final PrintStream out;

	private final Timeline timeline = new Timeline();

	private final List<Instance> instances = new ArrayList<>();

	private final List<Instance> everyInstance = new ArrayList<>();

	private final long origin = System.nanoTime();

	private int incarnations;

	private volatile Duration work = SHORT_RUN;

	// The Redis of the current phase: one server, or a Sentinel set-up; or the database of a run on one.
	private @Nullable RedisFaults redis;

	private @Nullable DatabaseFaults database;

	private @Nullable RedisSentinels sentinels;

	// The replica cut off for the failover of the current step, and the master that failover killed, to be restarted
	// as a replica once the step is over; -1 for none.
	private int cutReplica = -1;

	private int failedMaster = -1;

	// When the suite last began to stop its instances: the end of the time that counts.
	private long stoppingNanos;

	FaultSuite(Settings settings, Path directory, PrintStream out) {
		this.settings = settings;
		this.directory = directory;
		this.out = out;
	}

	/**
	 * Runs the suite on {@code store} at the build's lease settings, with the time of random mixes that
	 * {@code mixProperty} sets ({@code defaultMix} unless set) and the seed {@code faults.seed} (random unless set), and
	 * checks what every run must show: it passed, no lease or job run overlapped, jobs ran and leaders were elected.
	 * Returns the report, for the checks of the store's own faults.
	 */
	static Report runAndCheck(Store store, boolean sentinel, String mixProperty, String defaultMix, Path directory)
			throws IOException {
		Duration mix = DurationStyle.detectAndParse(System.getProperty(mixProperty, defaultMix));
		long seed = Long.getLong("faults.seed", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
		Settings settings = new Settings(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(150),
				Duration.ofMillis(100), 3, mix, Duration.ofMillis(500), seed, sentinel, store);
		Report report = new FaultSuite(settings, directory, System.out).run();
		assertThat(report.passed()).as(report.markdown()).isTrue();
		assertThat(report.verdict().overlaps()).isZero();
		assertThat(report.verdict().validityOverlaps()).isZero();
		assertThat(report.verdict().executions()).isPositive();
		assertThat(report.verdict().terms()).isPositive();
		return report;
	}

	Report run() throws IOException {
		// Histories are appended to: those of an earlier run must go.
		FileSystemUtils.deleteRecursively(this.directory);
		Files.createDirectories(this.directory.resolve("histories"));
		say("Seed %d (replay with -Dfaults.seed=%d); %s", this.settings.seed(), this.settings.seed(),
				this.settings.describe());
		Random random = new Random(this.settings.seed());
		if (this.settings.store() != Store.REDIS) {
			return report(runOnDatabase(random));
		}
		String aborted;
		// Redis's default persistence: faults that roll Redis back restart it from older files.
		try (RedisServer server = RedisServer.startWith(RedisFaults.SNAPSHOTS)) {
			this.redis = new RedisFaults(server, this.directory.resolve("redis-older"), ROLE);
			say("Started %s with snapshots (save %s)", server, RedisFaults.SNAPSHOTS[1]);
			try {
				aborted = runPhase(() -> {
					for (Fault.Kind kind : ALONE) {
						inject(kind);
					}
					long mixEnds = System.nanoTime() + this.settings.standaloneMix().toNanos();
					while (System.nanoTime() - mixEnds < 0) {
						injectMix(random, LEADER_PARTS, REDIS_PARTS, FOLLOWER_PARTS, null);
					}
				});
			}
			finally {
				this.redis = null;
			}
		}
		if (aborted == null && this.settings.sentinel()) {
			aborted = runSentinelPhase(random);
		}
		return report(aborted);
	}

	private Report report(@Nullable String aborted) throws IOException {
		long ended = this.stoppingNanos;
		this.timeline.poll();
		Verdict verdict = Checker.check(this.timeline.snapshot(), this.settings.lease(),
				this.settings.store().announcesReleases(), this.origin, ended);
		Report report = new Report(this.settings, verdict, aborted, Duration.ofNanos(ended - this.origin));
		Files.writeString(this.directory.resolve("summary.json"), report.json(), StandardCharsets.UTF_8);
		Files.writeString(this.directory.resolve("summary.md"), report.markdown(), StandardCharsets.UTF_8);
		this.out.println(report.markdown());
		return report;
	}

	// Instances elect on one database server, each through a proxy of its own: every fault alone, then random mixes
	// for the time of mixes. Returns why the run stopped early, if it did.
	private @Nullable String runOnDatabase(Random random) throws IOException {
		try (DatabaseServer server = this.settings.store().startDatabase()) {
			DatabaseFaults database = new DatabaseFaults(server,
					this.directory.resolve(this.settings.store().target() + "-older"), ROLE);
			database.createTable();
			this.database = database;
			say("Started %s", server);
			try {
				return runPhase(() -> {
					for (Fault.Kind kind : DATABASE_ALONE) {
						inject(kind);
					}
					long mixEnds = System.nanoTime() + this.settings.mix().toNanos();
					while (System.nanoTime() - mixEnds < 0) {
						injectMix(random, LEADER_PARTS, DATABASE_PARTS, FOLLOWER_PARTS, null);
					}
				});
			}
			finally {
				this.database = null;
			}
		}
	}

	// Instances elect through Boot's Sentinel configuration on a master, a replica and three Sentinels: a failover to
	// the replica when it missed the last grant, then one to the replica when it has every write, then random mixes
	// of a failover, either kind, with faults of the instances. Every failover restarts the killed master as the new
	// master's replica, through a proxy that the next failover may cut. Returns why the phase stopped early, if it
	// did.
	private @Nullable String runSentinelPhase(Random random) {
		this.timeline.phase(System.nanoTime());
		try (RedisSentinels sentinels = RedisSentinels.start(1)) {
			this.sentinels = sentinels;
			say("Sentinel phase: %s", sentinels);
			try {
				return runPhase(() -> {
					for (Fault.Kind kind : FAILOVERS) {
						injectFailover(kind);
					}
					long mixEnds = System.nanoTime() + this.settings.sentinelMix().toNanos();
					for (int mixes = 0; mixes < MIN_SENTINEL_MIXES || System.nanoTime() - mixEnds < 0; mixes++) {
						// The first mix loses writes, so that every run has such a failover among other faults.
						Fault.Kind failover = (mixes == 0) ? Fault.Kind.SENTINEL_FAILOVER
								: FAILOVERS.get(random.nextInt(FAILOVERS.size()));
						injectMix(random, SENTINEL_LEADER_PARTS, List.of(), SENTINEL_FOLLOWER_PARTS, failover);
					}
				});
			}
			finally {
				this.sentinels = null;
			}
		}
	}

	// Starts the instances on the store of the phase, injects its faults, and waits for a leader after the last: the
	// checker judges every fault by its recovery. Stops every instance, also when the phase fails, and returns why it
	// stopped early, if it did: what was recorded up to there is still checked, and may show what went wrong.
	private @Nullable String runPhase(Runnable faults) {
		try {
			for (int slot = 1; slot <= this.settings.instances(); slot++) {
				launch(slot);
			}
			for (Instance instance : List.copyOf(this.instances)) {
				awaitReady(instance);
			}
			awaitFollowersClaimed();
			faults.run();
			awaitLeader();
			return null;
		}
		catch (AbortedException ex) {
			say("STOPPED EARLY: %s", ex.getMessage());
			return ex.getMessage();
		}
		catch (RuntimeException ex) {
			say("STOPPED EARLY: %s", ex);
			ex.printStackTrace(this.out);
			return ex.toString();
		}
		finally {
			stopAll();
		}
	}

	private void injectFailover(Fault.Kind kind) {
		Instance leader = awaitLeader();
		this.timeline.step();
		say("fault %d: %s (leader %s)", this.timeline.snapshot().faults().size() + 1, kind.description(),
				leader.name());
		if (kind == Fault.Kind.SENTINEL_FAILOVER) {
			// The replica misses what follows: the leader's release and the next grant, lost with the master.
			cutOffReplica();
			handover(leader);
		}
		Fault fault = begin(kind, null);
		awaitGrantAfter(fault.healedNanos(), fault);
		restartFailedMaster();
		hold(System.nanoTime() + this.settings.settle().toNanos());
	}

	// Cuts the current master's replica off once it has every write: it misses every write from now on.
	private void cutOffReplica() {
		RedisSentinels sentinels = sentinels();
		sentinels.awaitReplication();
		this.cutReplica = sentinels.replicas().get(0);
		sentinels.cutOff(this.cutReplica);
	}

	// Kills the master with SIGKILL, records the fault, and returns once the Sentinels agree on the replica they
	// promoted: the fault is over then. A cut-off replica that missed nothing would lose nothing, so the kill waits
	// until it missed a write, two leases at most: a paused leader writes nothing until another instance is granted.
	private Fault failOver(Fault.Kind kind) {
		RedisSentinels sentinels = sentinels();
		int master = sentinels.master();
		if (kind == Fault.Kind.SENTINEL_MASTER_KILLED) {
			sentinels.awaitReplication();
		}
		else {
			long deadline = System.nanoTime() + 2 * this.settings.lease().toNanos();
			while (behind(master) <= PING_BYTES && System.nanoTime() - deadline < 0) {
				this.timeline.poll();
				poll();
			}
		}
		long behind = (kind == Fault.Kind.SENTINEL_FAILOVER) ? behind(master) : 0;
		Fault fault = this.timeline.fault(kind, "redis", System.nanoTime());
		sentinels.kill(master);
		this.failedMaster = master;
		if (kind == Fault.Kind.SENTINEL_FAILOVER) {
			say("fault %d: the cut-off replica %s was %d bytes of writes behind the master", fault.number(),
					sentinels.address(this.cutReplica), behind);
		}
		int promoted = sentinels.awaitFailover(master);
		long healed = System.nanoTime();
		this.timeline.healed(fault, healed);
		say("fault %d: the Sentinels promoted %s %d ms after kill -9 of the master", fault.number(),
				sentinels.address(promoted), TimeUnit.NANOSECONDS.toMillis(healed - fault.injectedNanos()));
		return new Fault(fault.number(), fault.step(), kind, fault.target(), fault.injectedNanos(), healed);
	}

	// How many bytes of the replication stream the cut-off replica missed.
	private long behind(int master) {
		return sentinels().replicationOffset(master) - sentinels().replicationOffset(this.cutReplica);
	}

	private void restartFailedMaster() {
		if (this.failedMaster >= 0) {
			sentinels().restartAsReplica(this.failedMaster);
			this.failedMaster = -1;
			this.cutReplica = -1;
		}
	}

	private RedisFaults redis() {
		RedisFaults redis = this.redis;
		if (redis == null) {
			throw new IllegalStateException("No single Redis in this phase");
		}
		return redis;
	}

	private DatabaseFaults database() {
		DatabaseFaults database = this.database;
		if (database == null) {
			throw new IllegalStateException("No database in this run");
		}
		return database;
	}

	private RedisSentinels sentinels() {
		RedisSentinels sentinels = this.sentinels;
		if (sentinels == null) {
			throw new IllegalStateException("No Sentinel set-up in this phase");
		}
		return sentinels;
	}

	private void awaitGrantAfter(long nanos, Fault fault) {
		Grant[] next = new Grant[1];
		awaitCondition(() -> {
			next[0] = this.timeline.grantAfter(nanos, null).orElse(null);
			return next[0] != null;
		}, "no leader after fault %d (%s)".formatted(fault.number(), fault.kind()));
		say("fault %d: %s leads %d ms after it", fault.number(), next[0].instance(),
				TimeUnit.NANOSECONDS.toMillis(next[0].nanos() - fault.injectedNanos()));
	}

	private void inject(Fault.Kind kind) {
		Instance leader = awaitLeader();
		this.timeline.step();
		say("fault %d: %s (leader %s)", this.timeline.snapshot().faults().size() + 1,
				kind.description(this.settings.store().product()), leader.name());
		long lease = this.settings.lease().toNanos();
		Fault fault;
		switch (kind) {
			case SIGTERM_LEADER, SIGKILL_LEADER -> {
				fault = begin(kind, leader);
				awaitNewLeader(fault);
				replace(leader);
			}
			case SIGSTOP_LEADER -> {
				fault = begin(kind, leader);
				awaitNewLeader(fault);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader);
				awaitRevoked(leader, "after it was continued");
			}
			case PARTITION_DROP, PARTITION_BLACKHOLE -> {
				fault = begin(kind, leader);
				awaitNewLeader(fault);
				awaitRevoked(leader, "while cut off");
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader);
			}
			case LATENCY -> {
				fault = begin(kind, leader);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, leader);
			}
			case LONG_RUN_SIGTERM -> {
				beginLongRun(leader);
				fault = begin(kind, leader);
				awaitNewLeader(fault);
				endLongRuns();
				replace(leader);
			}
			case LONG_RUN_YIELD -> {
				beginLongRun(leader);
				fault = begin(kind, leader);
				awaitNewLeader(fault);
				awaitRevoked(leader, "after it yielded");
				endLongRuns();
			}
			case REDIS_RESTART -> {
				fault = begin(kind, null);
				awaitNewLeader(fault);
			}
			case REDIS_PAUSE -> {
				fault = begin(kind, null);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, null);
				awaitNewLeader(fault);
			}
			case RDB_ROLLBACK -> {
				// The snapshot holds the token counter before the handover; its lock expires before the restart,
				// so Redis comes back with an older counter and no lock while the new leader believes it leads.
				redis().keepSnapshot();
				long saved = System.nanoTime();
				handover(leader);
				hold(saved + lease + TimeUnit.MILLISECONDS.toNanos(200));
				fault = begin(kind, null);
				awaitNewLeader(fault);
			}
			case AOF_ROLLBACK -> {
				// Restarted at once after the handover: Redis comes back with the former leader's lock, alive, and an
				// older token counter.
				redis().appendOnly();
				redis().keepAppendOnlyFiles();
				handover(leader);
				fault = begin(kind, null);
				awaitNewLeader(fault);
				redis().snapshotsOnly();
			}
			case LOCK_DELETED -> {
				fault = begin(kind, null);
				awaitNewLeader(fault);
			}
			case LOCK_EVICTED -> {
				long evictions = redis().evictions();
				fault = begin(kind, null);
				if (redis().evictions() == evictions) {
					throw new AbortedException("the lock was not evicted under maxmemory within a lease");
				}
				hold(fault.injectedNanos() + lease);
				heal(fault, null);
				awaitNewLeader(fault);
			}
			case SLOW_LISTENER -> {
				Duration slow = this.settings.lease().multipliedBy(2);
				this.instances.stream().filter((instance) -> instance != leader).forEach((instance) -> instance
					.send("slow " + slow.toMillis()));
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.terminate();
				Grant next = awaitNewLeader(fault);
				awaitCondition(() -> this.timeline.hasSlowDone(next.instance(), next.token()),
						next.instance() + "'s slow listener did not return");
				this.instances.forEach((instance) -> instance.send("slow 0"));
				replace(leader);
			}
			case PAUSE_AND_REDIS_RESTART -> {
				// The classic trap: the leader wakes up believing it leads, on a Redis that forgot its lease.
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.pause();
				redis().restartEmpty();
				awaitNewLeader(fault);
				hold(fault.injectedNanos() + 2 * lease);
				leader.resume();
				this.timeline.healed(fault, System.nanoTime());
				awaitRevoked(leader, "after it was continued");
			}
			case BLACKHOLE_AND_REDIS_RESTART -> {
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.proxy().blackhole();
				redis().restartEmpty();
				awaitNewLeader(fault);
				awaitRevoked(leader, "while cut off");
				hold(fault.injectedNanos() + 2 * lease);
				leader.proxy().pass();
				this.timeline.healed(fault, System.nanoTime());
			}
			case KILL_AND_REDIS_PAUSE -> {
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.kill();
				redis().server().pause();
				hold(fault.injectedNanos() + 2 * lease);
				redis().server().resume();
				this.timeline.healed(fault, System.nanoTime());
				awaitNewLeader(fault);
				replace(leader);
			}
			case DB_RESTART, DB_CRASH, ROW_DELETED -> {
				fault = begin(kind, null);
				awaitNewLeader(fault);
			}
			case DB_PAUSE -> {
				fault = begin(kind, null);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, null);
				awaitNewLeader(fault);
			}
			case DB_ROLLBACK -> {
				// Restored at once after the handover: the table comes back with the former leader's row, alive, and
				// an older token.
				database().keepCopy();
				handover(leader);
				fault = begin(kind, null);
				awaitNewLeader(fault);
			}
			case KILL_AND_DB_PAUSE -> {
				fault = this.timeline.fault(kind, leader.name(), System.nanoTime());
				leader.kill();
				database().server().pause();
				hold(fault.injectedNanos() + 2 * lease);
				database().server().resume();
				this.timeline.healed(fault, System.nanoTime());
				awaitNewLeader(fault);
				replace(leader);
			}
			case FOLLOWER_PAUSE, FOLLOWER_CUT_OFF -> {
				Instance follower = followers(leader).get(0);
				fault = begin(kind, follower);
				hold(fault.injectedNanos() + 2 * lease);
				heal(fault, follower);
			}
			default -> throw new IllegalStateException("Unknown fault " + kind);
		}
		hold(System.nanoTime() + this.settings.settle().toNanos());
	}

	// Sets every instance's job runs to last 3 s and returns once the leader's run is 1 s in.
	private void beginLongRun(Instance leader) {
		this.work = LONG_RUN;
		long sent = System.nanoTime();
		this.instances.forEach((instance) -> instance.send("work " + LONG_RUN.toMillis()));
		long[] confirmed = new long[1];
		awaitCondition(() -> {
			confirmed[0] = this.timeline.workConfirmed(leader.name()).orElse(sent);
			return confirmed[0] > sent;
		}, leader.name() + " did not confirm its longer job runs");
		Start[] run = new Start[1];
		awaitCondition(() -> {
			run[0] = this.timeline.startAfter(leader.name(), confirmed[0]).orElse(null);
			return run[0] != null;
		}, leader.name() + " began no long job run");
		hold(run[0].nanos() + INTO_LONG_RUN.toNanos());
	}

	private void endLongRuns() {
		this.work = SHORT_RUN;
		this.instances.forEach((instance) -> instance.send("work " + SHORT_RUN.toMillis()));
	}

	// The leader yields; returns once another instance was granted.
	// The leader yields again when it is granted again first: on a busy machine the others may not claim in time.
	private void handover(Instance leader) {
		long sent = System.nanoTime();
		long[] yielded = { sent };
		leader.send("yield");
		Grant[] next = new Grant[1];
		awaitCondition(() -> {
			next[0] = this.timeline.grantAfter(sent, leader.name()).orElse(null);
			Grant first = this.timeline.grantAfter(yielded[0], null).orElse(null);
			if (next[0] == null && first != null && first.instance().equals(leader.name())) {
				say("%s led again (token %d); it yields again", leader.name(), first.token());
				yielded[0] = first.nanos();
				leader.send("yield");
			}
			return next[0] != null;
		}, "no instance took over after " + leader.name() + " yielded");
		say("%s yielded; %s leads with token %d", leader.name(), next[0].instance(), next[0].token());
	}

	// A random mix: at most one fault of each group, at least one in all; the leader's at once, the others at random
	// moments within the first lease; every fault that lasts is healed two leases after the start. A given failover
	// is the mix's fault of Redis, and comes with at least one fault of an instance.
	private void injectMix(Random random, List<Fault.Kind> leaderParts, List<Fault.Kind> redisParts,
			List<Fault.Kind> followerParts, Fault.@Nullable Kind failover) {
		Instance leader = awaitLeader();
		List<Instance> followers = followers(leader);
		Fault.@Nullable Kind leaderPart = pick(random, leaderParts);
		Fault.@Nullable Kind redisPart = (failover != null) ? failover : pick(random, redisParts);
		Fault.@Nullable Kind followerPart = pick(random, followerParts);
		if (leaderPart == null && followerPart == null && (redisPart == null || failover != null)) {
			leaderPart = leaderParts.get(random.nextInt(leaderParts.size()));
		}
		Instance follower = followers.get(random.nextInt(followers.size()));
		long lease = this.settings.lease().toNanos();
		long redisDelay = (long) (random.nextDouble() * lease);
		long followerDelay = (long) (random.nextDouble() * lease);
		this.timeline.step();
		List<Part> parts = new ArrayList<>();
		if (leaderPart != null) {
			parts.add(new Part(leaderPart, leader, 0));
		}
		if (redisPart != null) {
			parts.add(new Part(redisPart, null, redisDelay));
		}
		if (followerPart != null) {
			parts.add(new Part(followerPart, follower, followerDelay));
		}
		parts.sort(Comparator.comparingLong(Part::delay));
		int first = this.timeline.snapshot().faults().size() + 1;
		say("%s: %s (leader %s)", (parts.size() == 1) ? "fault " + first
				: "mix of faults %d to %d".formatted(first, first + parts.size() - 1),
				String.join(", ", parts.stream().map((part) -> part.describe(leader)).toList()), leader.name());
		// What a rollback restores is saved as the mix begins.
		if (redisPart == Fault.Kind.RDB_ROLLBACK) {
			redis().keepSnapshot();
		}
		else if (redisPart == Fault.Kind.DB_ROLLBACK) {
			database().keepCopy();
		}
		else if (redisPart == Fault.Kind.AOF_ROLLBACK) {
			redis().appendOnly();
			redis().keepAppendOnlyFiles();
		}
		boolean longRun = leaderPart == Fault.Kind.LONG_RUN_SIGTERM || leaderPart == Fault.Kind.LONG_RUN_YIELD;
		if (longRun) {
			beginLongRun(leader);
		}
		if (redisPart == Fault.Kind.SENTINEL_FAILOVER) {
			// The replica misses every write of the mix until the master dies: renewals, releases, grants.
			cutOffReplica();
		}
		long start = System.nanoTime();
		List<Fault> faults = new ArrayList<>();
		for (Part part : parts) {
			hold(start + part.delay());
			faults.add(begin(part.kind(), part.target()));
		}
		hold(start + 2 * lease);
		for (int i = 0; i < parts.size(); i++) {
			heal(faults.get(i), parts.get(i).target());
		}
		if (longRun) {
			endLongRuns();
		}
		if (redisPart == Fault.Kind.AOF_ROLLBACK) {
			redis().snapshotsOnly();
		}
		restartFailedMaster();
		if (leaderPart == Fault.Kind.SIGTERM_LEADER || leaderPart == Fault.Kind.SIGKILL_LEADER
				|| leaderPart == Fault.Kind.LONG_RUN_SIGTERM) {
			replace(leader);
		}
		else if (leaderPart != null && leaderPart.removesLeader()) {
			awaitRevoked(leader, "after the mix of faults");
		}
		// The checker judges how soon a leader followed.
		awaitLeader();
		hold(System.nanoTime() + this.settings.settle().toNanos());
	}

	private List<Instance> followers(Instance leader) {
		List<Instance> followers = this.instances.stream()
			.filter((instance) -> instance != leader && instance.process().isAlive())
			.toList();
		if (followers.isEmpty()) {
			throw new AbortedException("no follower besides " + leader.name());
		}
		return followers;
	}

	private static Fault.@Nullable Kind pick(Random random, List<Fault.Kind> kinds) {
		int choice = random.nextInt(kinds.size() + 1);
		return (choice < kinds.size()) ? kinds.get(choice) : null;
	}

	// Injects one fault on an instance, or on Redis when the target is null, and records it; alone or in a mix. A
	// failover returns once a replica was promoted.
	private Fault begin(Fault.Kind kind, @Nullable Instance target) {
		if (kind == Fault.Kind.SENTINEL_FAILOVER || kind == Fault.Kind.SENTINEL_MASTER_KILLED) {
			return failOver(kind);
		}
		Fault fault = this.timeline.fault(kind, (target != null) ? target.name() : this.settings.store().target(),
				System.nanoTime());
		switch (kind) {
			case SIGTERM_LEADER, LONG_RUN_SIGTERM -> required(target).terminate();
			case SIGKILL_LEADER -> required(target).kill();
			case SIGSTOP_LEADER, FOLLOWER_PAUSE -> required(target).pause();
			case PARTITION_DROP -> required(target).proxy().drop();
			case PARTITION_BLACKHOLE, FOLLOWER_CUT_OFF -> required(target).proxy().blackhole();
			case LATENCY -> required(target).proxy().latency(this.settings.lease().dividedBy(4));
			case LONG_RUN_YIELD -> required(target).send("yield");
			case REDIS_RESTART -> {
				redis().restartEmpty();
				this.timeline.healed(fault, System.nanoTime());
			}
			case REDIS_PAUSE -> redis().server().pause();
			case RDB_ROLLBACK -> {
				redis().restartFromKeptSnapshot();
				this.timeline.healed(fault, System.nanoTime());
			}
			case AOF_ROLLBACK -> {
				redis().restartFromKeptAppendOnlyFiles();
				this.timeline.healed(fault, System.nanoTime());
			}
			case LOCK_DELETED -> {
				if (!redis().deleteLock()) {
					say("fault %d: there was no lock to delete", fault.number());
				}
				this.timeline.healed(fault, System.nanoTime());
			}
			case LOCK_EVICTED -> {
				if (!redis().evictLock(this.settings.lease())) {
					say("fault %d: the lock was not evicted within a lease", fault.number());
				}
			}
			case DB_RESTART -> {
				database().restart();
				this.timeline.healed(fault, System.nanoTime());
			}
			case DB_CRASH -> {
				database().crash();
				this.timeline.healed(fault, System.nanoTime());
			}
			case DB_PAUSE -> database().server().pause();
			case DB_ROLLBACK -> {
				database().restoreKeptCopy();
				this.timeline.healed(fault, System.nanoTime());
			}
			case ROW_DELETED -> {
				if (!database().deleteRow()) {
					say("fault %d: there was no row to delete", fault.number());
				}
				this.timeline.healed(fault, System.nanoTime());
			}
			default -> throw new IllegalStateException(kind + " is injected step by step, not by begin()");
		}
		return fault;
	}

	// Ends a fault that lasts; an instant one (a signal that ends a process, a restart) is over already.
	private void heal(Fault fault, @Nullable Instance target) {
		switch (fault.kind()) {
			case SIGSTOP_LEADER, FOLLOWER_PAUSE -> required(target).resume();
			case PARTITION_DROP, PARTITION_BLACKHOLE, LATENCY, FOLLOWER_CUT_OFF -> required(target).proxy().pass();
			case REDIS_PAUSE -> redis().server().resume();
			case DB_PAUSE -> database().server().resume();
			case LOCK_EVICTED -> redis().unlimitedMemory();
			default -> {
				return;
			}
		}
		this.timeline.healed(fault, System.nanoTime());
	}

	private static Instance required(@Nullable Instance target) {
		if (target == null) {
			throw new IllegalStateException("A fault of an instance needs the instance");
		}
		return target;
	}

	// On the store of the current phase.
	private Instance launch(int slot) {
		DatabaseFaults database = this.database;
		if (database != null) {
			return launch(slot, database);
		}
		RedisSentinels sentinels = this.sentinels;
		return (sentinels != null) ? launch(slot, sentinels) : launch(slot, redis());
	}

	// Through Boot's DataSource with its default pool, HikariCP; timeouts below the lease, so that a call to a
	// database out of reach fails rather than waits.
	private Instance launch(int slot, DatabaseFaults database) {
		DatabaseServer server = database.server();
		TcpProxy proxy = TcpProxy.start(server.host(), server.port());
		try {
			return launch(slot, List.of("--leader.election.mode=jdbc",
					"--spring.datasource.url=" + this.settings.store().jdbcUrl(proxy.host(), proxy.port()),
					"--spring.datasource.username=" + server.username(),
					"--spring.datasource.hikari.connection-timeout=1000",
					"--spring.datasource.hikari.validation-timeout=500",
					"--leader.election.jdbc.initialize-schema=never", "--leader.election.jdbc.statement-timeout=1s"),
					proxy);
		}
		catch (RuntimeException ex) {
			proxy.close();
			throw ex;
		}
	}

	private Instance launch(int slot, RedisFaults redis) {
		TcpProxy proxy = TcpProxy.start(redis.server().host(), redis.server().port());
		try {
			return launch(slot, List.of("--spring.data.redis.host=" + proxy.host(),
					"--spring.data.redis.port=" + proxy.port()), proxy);
		}
		catch (RuntimeException ex) {
			proxy.close();
			throw ex;
		}
	}

	// Instances of the Sentinel phase reach the Sentinels and the servers directly, through Boot's Sentinel
	// configuration: no proxy, so no fault of their links.
	private Instance launch(int slot, RedisSentinels sentinels) {
		return launch(slot, List.of("--spring.data.redis.sentinel.master=" + RedisSentinels.MASTER_NAME,
				"--spring.data.redis.sentinel.nodes=" + sentinels.sentinelNodes()), null);
	}

	private Instance launch(int slot, List<String> connection, @Nullable TcpProxy proxy) {
		int incarnation = ++this.incarnations;
		String name = "i" + slot + "-" + incarnation;
		Path history = this.directory.resolve("histories").resolve(name + ".history");
		Path log = this.directory.resolve("histories").resolve(name + ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath(),
				FaultApplication.class.getName(), "--spring.main.keep-alive=true"));
		command.addAll(connection);
		command.addAll(List.of("--spring.data.redis.timeout=500ms", "--spring.data.redis.connect-timeout=500ms",
				"--leader.election.role=" + ROLE, "--leader.election.instance-id=" + name,
				"--faults.history=" + history.toAbsolutePath(), "--faults.work=" + this.work.toMillis() + "ms"));
		command.addAll(this.settings.arguments());
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Instance instance = new Instance(slot, name, process, proxy);
			this.instances.add(instance);
			this.everyInstance.add(instance);
			this.timeline.follow(name, history);
			this.timeline.life(name, Life.Kind.STARTED, System.nanoTime());
			// When the process is gone, not when the suite looks: a run cut short by the exit ends there.
			process.onExit().thenRun(() -> this.timeline.life(name, Life.Kind.EXITED, System.nanoTime()));
			say("%s starting (pid %d)", name, process.pid());
			return instance;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// A stopped instance is replaced, so that others keep competing; the suite waits for it only when fewer than two
	// instances are ready.
	private void replace(Instance stopped) {
		if (!stopped.awaitExit(EXIT_TIMEOUT)) {
			throw new AbortedException(stopped.name() + " did not exit within " + EXIT_TIMEOUT.toSeconds() + " s");
		}
		this.instances.remove(stopped);
		stopped.closeProxy();
		Instance replacement = launch(stopped.slot());
		if (this.instances.stream().filter((instance) -> this.timeline.isReady(instance.name())).count() < 2) {
			awaitReady(replacement);
		}
	}

	private void awaitReady(Instance instance) {
		awaitCondition(() -> this.timeline.isReady(instance.name()) || !instance.process().isAlive(),
				instance.name() + " did not start", STARTUP_TIMEOUT);
		if (!instance.process().isAlive()) {
			throw new AbortedException(instance.name() + " exited while starting; see histories/" + instance.name()
					+ ".log");
		}
	}

	private Instance awaitLeader() {
		Instance[] leader = new Instance[1];
		awaitCondition(() -> {
			Optional<Grant> grant = this.timeline.leader();
			leader[0] = grant.flatMap((value) -> this.instances.stream()
				.filter((instance) -> instance.name().equals(value.instance()) && instance.process().isAlive())
				.findFirst()).orElse(null);
			if (leader[0] != null) {
				leader[0].grant(grant.get());
			}
			return leader[0] != null;
		}, "no instance leads");
		return leader[0];
	}

	// Every follower has been refused once since the first grant: the first fault's handover then comes from
	// followers that were told of the lease, not from a first claim that happened to follow a release.
	private void awaitFollowersClaimed() {
		Instance leader = awaitLeader();
		Grant grant = leader.grant();
		if (grant == null) {
			throw new IllegalStateException(leader.name() + " was never seen to lead");
		}
		long granted = grant.nanos();
		for (Instance follower : followers(leader)) {
			awaitCondition(() -> this.timeline.claimedAfter(follower.name(), granted),
					follower.name() + " made no claim after the first grant");
		}
	}

	private Grant awaitNewLeader(Fault fault) {
		String except = fault.kind().removesLeader() ? fault.target() : null;
		Grant[] next = new Grant[1];
		awaitCondition(() -> {
			next[0] = this.timeline.grantAfter(fault.injectedNanos(), except).orElse(null);
			return next[0] != null;
		}, "no new leader after fault %d (%s)".formatted(fault.number(), fault.kind()));
		Grant grant = next[0];
		say("fault %d: %s leads %d ms after it", fault.number(), grant.instance(),
				TimeUnit.NANOSECONDS.toMillis(grant.nanos() - fault.injectedNanos()));
		return grant;
	}

	private void awaitRevoked(Instance leader, String when) {
		Grant grant = leader.grant();
		if (grant == null) {
			throw new IllegalStateException(leader.name() + " was never seen to lead");
		}
		awaitCondition(() -> this.timeline.hasRevoke(grant), leader.name() + " did not revoke " + when);
	}

	private void awaitCondition(BooleanSupplier condition, String failure) {
		awaitCondition(condition, failure, this.settings.lease().multipliedBy(4).plusSeconds(10));
	}

	// Polls the histories every 10 ms: they are what the conditions read.
	private void awaitCondition(BooleanSupplier condition, String failure, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			this.timeline.poll();
			if (condition.getAsBoolean()) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AbortedException(failure + " within " + timeout.toSeconds() + " s");
			}
			poll();
		}
	}

	// Lets a fault last: reads the histories meanwhile.
	private void hold(long untilNanos) {
		while (System.nanoTime() - untilNanos < 0) {
			this.timeline.poll();
			poll();
		}
	}

	private static void poll() {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
	}

	private void stopAll() {
		this.stoppingNanos = System.nanoTime();
		for (Instance instance : this.instances) {
			if (instance.process().isAlive()) {
				instance.resume();
				instance.terminate();
			}
		}
		for (Instance instance : this.everyInstance) {
			if (!instance.awaitExit(EXIT_TIMEOUT)) {
				instance.process().destroyForcibly();
				instance.awaitExit(EXIT_TIMEOUT);
			}
			instance.closeProxy();
		}
		this.instances.clear();
		this.everyInstance.clear();
	}

	private void say(String format, Object... args) {
		this.out.println("[%7.2f s] %s".formatted((System.nanoTime() - this.origin) / 1e9, format.formatted(args)));
	}

	private static String classPath() {
		return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
	}

	/**
	 * Lease settings and length of a run: {@code mix} is the time of random mixes, of which a third goes to the
	 * Sentinel phase when it runs.
	 */
	record Settings(Duration lease, Duration renew, Duration retry, Duration jitter, int instances, Duration mix,
			Duration settle, long seed, boolean sentinel, Store store) {

		List<String> arguments() {
			return List.of("--leader.election.lease-duration=" + this.lease.toMillis() + "ms",
					"--leader.election.renew-interval=" + this.renew.toMillis() + "ms",
					"--leader.election.retry-interval=" + this.retry.toMillis() + "ms",
					"--leader.election.election-jitter=" + this.jitter.toMillis() + "ms");
		}

		/**
		 * Time of random mixes on one Redis behind the instances' proxies.
		 */
		Duration standaloneMix() {
			return this.mix.minus(sentinelMix());
		}

		/**
		 * Time of random mixes on the Sentinel set-up; at least {@value FaultSuite#MIN_SENTINEL_MIXES} run.
		 */
		Duration sentinelMix() {
			return this.sentinel ? this.mix.dividedBy(3) : Duration.ZERO;
		}

		String describe() {
			if (this.store != Store.REDIS) {
				return ("%d instances on %s; lease %d ms, renew %d ms, retry %d ms, jitter %d ms; every fault "
						+ "alone, then %d s of random mixes of faults").formatted(this.instances,
								this.store.product(), this.lease.toMillis(),
								this.renew.toMillis(), this.retry.toMillis(), this.jitter.toMillis(),
								this.mix.toSeconds());
			}
			String sentinel = ", then through Sentinel each failover alone and %d s of random mixes with a failover in"
					+ " each (%d at least)";
			return ("%d instances; lease %d ms, renew %d ms, retry %d ms, jitter %d ms; every fault alone, then %d s of"
					+ " random mixes of faults%s").formatted(this.instances, this.lease.toMillis(),
							this.renew.toMillis(), this.retry.toMillis(), this.jitter.toMillis(),
							standaloneMix().toSeconds(), this.sentinel
									? sentinel.formatted(sentinelMix().toSeconds(), MIN_SENTINEL_MIXES) : "");
		}

	}

	/**
	 * The store a run elects on.
	 */
	enum Store {

		REDIS("Redis", "redis", true, ""),

		POSTGRESQL("PostgreSQL", "postgresql", true, "jdbc:postgresql://%s:%d/postgres?connectTimeout=1&socketTimeout=2"),

		MARIADB("MariaDB", "mariadb", false, "jdbc:mariadb://%s:%d/test?connectTimeout=1000&socketTimeout=2000");

		private final String product;

		private final String target;

		private final boolean announcesReleases;

		private final String jdbcUrl;

		Store(String product, String target, boolean announcesReleases, String jdbcUrl) {
			this.product = product;
			this.target = target;
			this.announcesReleases = announcesReleases;
			this.jdbcUrl = jdbcUrl;
		}

		String product() {
			return this.product;
		}

		/**
		 * Whether followers hear of a release at once: through Redis's release channel or PostgreSQL's
		 * {@code NOTIFY}; on MariaDB they take over at their next claim.
		 */
		boolean announcesReleases() {
			return this.announcesReleases;
		}

		/**
		 * Starts a private server of this database.
		 */
		DatabaseServer startDatabase() {
			return switch (this) {
				case POSTGRESQL -> PostgresServer.start();
				case MARIADB -> MariaDbServer.start();
				case REDIS -> throw new IllegalStateException("Redis is no database of the JDBC store");
			};
		}

		/**
		 * URL of the test database through the given address, a proxy's.
		 */
		String jdbcUrl(String host, int port) {
			return this.jdbcUrl.formatted(host, port);
		}

		/**
		 * The target of a fault of the store, in the histories.
		 */
		String target() {
			return this.target;
		}

	}

	/**
	 * One fault of a random mix: what, on which instance ({@code null} for Redis), and how long after the mix began.
	 */
	private record Part(Fault.Kind kind, @Nullable Instance target, long delay) {

		String describe(Instance leader) {
			String on = (this.target == null || this.target == leader) ? "" : " (" + this.target.name() + ")";
			return "%s%s at +%d ms".formatted(this.kind.label(), on, TimeUnit.NANOSECONDS.toMillis(this.delay));
		}

	}

	/**
	 * One JVM of the application, with its proxy to Redis (none in the Sentinel phase).
	 */
	private final class Instance {

		private final int slot;

		private final String name;

		private final Process process;

		private final @Nullable TcpProxy proxy;

		private final OutputStream stdin;

		private volatile @Nullable Grant grant;

		private boolean paused;

		Instance(int slot, String name, Process process, @Nullable TcpProxy proxy) {
			this.slot = slot;
			this.name = name;
			this.process = process;
			this.proxy = proxy;
			this.stdin = process.getOutputStream();
		}

		int slot() {
			return this.slot;
		}

		String name() {
			return this.name;
		}

		Process process() {
			return this.process;
		}

		TcpProxy proxy() {
			if (this.proxy == null) {
				throw new IllegalStateException(
						this.name + " reaches Redis through the Sentinels, not through a proxy");
			}
			return this.proxy;
		}

		void closeProxy() {
			if (this.proxy != null) {
				this.proxy.close();
			}
		}

		@Nullable Grant grant() {
			return this.grant;
		}

		void grant(Grant grant) {
			this.grant = grant;
		}

		void terminate() {
			// Through the handle: it sends SIGTERM and leaves the pipes open.
			this.process.toHandle().destroy();
			FaultSuite.this.timeline.life(this.name, Life.Kind.TERMINATED, System.nanoTime());
		}

		void kill() {
			this.process.toHandle().destroyForcibly();
			FaultSuite.this.timeline.life(this.name, Life.Kind.KILLED, System.nanoTime());
		}

		void pause() {
			signal("STOP");
			this.paused = true;
			FaultSuite.this.timeline.life(this.name, Life.Kind.PAUSED, System.nanoTime());
		}

		void resume() {
			if (this.paused) {
				signal("CONT");
				this.paused = false;
				FaultSuite.this.timeline.life(this.name, Life.Kind.RESUMED, System.nanoTime());
			}
		}

		void send(String command) {
			try {
				this.stdin.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
				this.stdin.flush();
			}
			catch (IOException ex) {
				// The instance is gone; nothing to tell it.
			}
		}

		boolean awaitExit(Duration timeout) {
			try {
				return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		private void signal(String signal) {
			try {
				Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(this.process.pid())).start();
				if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
					throw new AbortedException("kill -s %s %d failed".formatted(signal, this.process.pid()));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AbortedException("interrupted");
			}
		}

	}

	/**
	 * The suite could not go on: a process did not start or exit, or a fault was not followed by what must follow.
	 */
	static final class AbortedException extends RuntimeException {

		AbortedException(String message) {
			super(message);
		}

	}

	/**
	 * The outcome of a run, as Markdown and JSON.
	 */
	record Report(Settings settings, Verdict verdict, @Nullable String aborted, Duration duration) {

		boolean passed() {
			return this.aborted == null && this.verdict.passed();
		}

		String markdown() {
			StringBuilder md = new StringBuilder();
			md.append("# Fault suite: ").append(passed() ? "PASSED" : "FAILED").append("\n\n");
			md.append("Seed ").append(this.settings.seed()).append("; ").append(this.settings.describe());
			md.append("; ran for ").append(this.duration.toSeconds()).append(" s.\n\n");
			if (this.aborted != null) {
				md.append("**Stopped early:** ").append(this.aborted).append("\n\n");
			}
			Verdict verdict = this.verdict;
			md.append("| measure | value |\n| --- | --- |\n");
			md.append(measure("faults injected",
					verdict.faultsByKind().values().stream().mapToInt(Integer::intValue).sum()));
			md.append(measure("handovers (grants after the first)", verdict.handovers()));
			md.append("| longest time without a leader | ")
				.append(verdict.longestWithoutLeader().duration().toMillis())
				.append(" ms |\n");
			md.append(measure("leases checked, from the recorded store calls", verdict.terms()));
			md.append(measure("overlapping leases of different instances", verdict.validityOverlaps()));
			md.append(measure("fencing tokens granted to two instances", verdict.count("shared-token")));
			md.append(measure("grants whose token was not above an earlier grant's", verdict.count("grant-order")));
			md.append(measure("job runs checked", verdict.executions()));
			md.append(measure("job runs that started outside their lease", verdict.count("late")));
			md.append(measure("overlapping job runs of different instances, whatever their tokens",
					verdict.overlaps()));
			md.append(measure("job runs with a token lower than an earlier run's, or equal to another instance's",
					verdict.count("order")));
			md.append(measure("runs that outlived their lease against their instance's will (paused, lease lapsed or "
					+ "renewal refused) and that the next leader's runs overlapped, each with the lower token (a "
					+ "fencing token check rejects them)", verdict.fencedOverlaps()));
			md.append(measure("what went wrong during faults that no lease can make safe (counted apart)",
					verdict.beyondLease().size()));
			if (this.settings.sentinel()) {
				md.append(measure("Sentinel failovers in random mixes, to a replica that missed the last writes",
						verdict.mixed(Fault.Kind.SENTINEL_FAILOVER)));
				md.append(measure("Sentinel failovers in random mixes, to a replica in sync",
						verdict.mixed(Fault.Kind.SENTINEL_MASTER_KILLED)));
			}
			md.append('\n');
			// A step of one fault counts for its kind; a step of several is a mix, named by its parts.
			Map<Integer, List<FaultOutcome>> steps = this.verdict.outcomes()
				.stream()
				.collect(Collectors.groupingBy((outcome) -> outcome.fault().step(), TreeMap::new, Collectors.toList()));
			Map<String, List<FaultOutcome>> alone = new LinkedHashMap<>();
			Map<String, List<FaultOutcome>> mixes = new TreeMap<>();
			for (Fault.Kind kind : Fault.Kind.values()) {
				alone.put(kind.description(this.settings.store().product()), new ArrayList<>());
			}
			steps.values().forEach((step) -> {
				if (step.size() == 1) {
					alone.get(step.get(0).fault().kind().description(this.settings.store().product())).add(step.get(0));
				}
				else {
					String name = String.join(" + ", step.stream().map((outcome) -> outcome.fault().kind().label()).toList());
					mixes.computeIfAbsent(name, (key) -> new ArrayList<>()).add(step.get(0));
				}
			});
			alone.values().removeIf(List::isEmpty);
			md.append("| fault alone | injected | new leader after (median, max) |\n| --- | --- | --- |\n");
			alone.forEach((name, outcomes) -> md.append(row(name, outcomes)));
			if (!mixes.isEmpty()) {
				md.append("\n| random mix (in the order injected) | injected | new leader after the first fault (median, max) |\n");
				md.append("| --- | --- | --- |\n");
				mixes.forEach((name, outcomes) -> md.append(row(name, outcomes)));
			}
			md.append("\n");
			if (!this.verdict.beyondLease().isEmpty()) {
				// By fault and kind of problem: how many, and the first of them.
				md.append("During faults that no lease can make safe (counted apart):\n\n");
				Map<String, List<Exemption>> byFaultAndKind = this.verdict.beyondLease()
					.stream()
					.collect(Collectors.groupingBy((exemption) -> "fault %d (%s), %s".formatted(
							exemption.fault().number(), exemption.fault().kind(), exemption.kind()),
							LinkedHashMap::new, Collectors.toList()));
				byFaultAndKind.forEach((key, exemptions) -> md.append("- %s: %d, first: %s\n".formatted(key,
						exemptions.size(), exemptions.get(0).description())));
				md.append('\n');
			}
			if (this.verdict.problems().isEmpty()) {
				md.append("No problems found.\n");
			}
			else {
				md.append("Problems:\n\n");
				this.verdict.problems().forEach((problem) -> md.append("- ").append(problem).append('\n'));
			}
			return md.toString();
		}

		private static String measure(String name, long value) {
			return "| %s | %d |\n".formatted(name, value);
		}

		private static String row(String name, List<FaultOutcome> outcomes) {
			List<Long> afters = outcomes.stream()
				.map(FaultOutcome::after)
				.filter(Objects::nonNull)
				.map(Duration::toMillis)
				.sorted()
				.toList();
			return "| %s | %d | %s |\n".formatted(name, outcomes.size(), afters.isEmpty()
					? "no handover to another instance"
					: "%d ms, %d ms".formatted(afters.get((afters.size() - 1) / 2), afters.get(afters.size() - 1)));
		}

		String json() {
			StringBuilder json = new StringBuilder("{\n");
			json.append("  \"passed\": ").append(passed()).append(",\n");
			json.append("  \"seed\": ").append(this.settings.seed()).append(",\n");
			json.append("  \"leaseMillis\": ").append(this.settings.lease().toMillis()).append(",\n");
			json.append("  \"instances\": ").append(this.settings.instances()).append(",\n");
			json.append("  \"durationSeconds\": ").append(this.duration.toSeconds()).append(",\n");
			json.append("  \"aborted\": ").append((this.aborted != null) ? quote(this.aborted) : "null").append(",\n");
			json.append("  \"faultsByKind\": {");
			json.append(String.join(", ", this.verdict.faultsByKind()
				.entrySet()
				.stream()
				.map((entry) -> quote(entry.getKey().name()) + ": " + entry.getValue())
				.toList()));
			json.append("},\n");
			json.append("  \"mixedByKind\": {");
			json.append(String.join(", ", this.verdict.mixedByKind()
				.entrySet()
				.stream()
				.map((entry) -> quote(entry.getKey().name()) + ": " + entry.getValue())
				.toList()));
			json.append("},\n");
			json.append("  \"handovers\": ").append(this.verdict.handovers()).append(",\n");
			json.append("  \"longestWithoutLeaderMillis\": ")
				.append(this.verdict.longestWithoutLeader().duration().toMillis())
				.append(",\n");
			json.append("  \"leasesChecked\": ").append(this.verdict.terms()).append(",\n");
			json.append("  \"leaseOverlaps\": ").append(this.verdict.validityOverlaps()).append(",\n");
			json.append("  \"executionsChecked\": ").append(this.verdict.executions()).append(",\n");
			json.append("  \"overlaps\": ").append(this.verdict.overlaps()).append(",\n");
			json.append("  \"fencedOverlaps\": ").append(this.verdict.fencedOverlaps()).append(",\n");
			json.append("  \"problemsByKind\": {");
			json.append(String.join(", ", new TreeMap<>(this.verdict.problemCounts()).entrySet()
				.stream()
				.map((entry) -> quote(entry.getKey()) + ": " + entry.getValue())
				.toList()));
			json.append("},\n");
			json.append("  \"beyondLease\": [");
			json.append(String.join(", ", this.verdict.beyondLease()
				.stream()
				.map((exemption) -> "{\"fault\": %d, \"kind\": %s, \"description\": %s}".formatted(
						exemption.fault().number(), quote(exemption.kind()), quote(exemption.description())))
				.toList()));
			json.append("],\n");
			json.append("  \"faults\": [\n");
			List<String> faults = new ArrayList<>();
			for (FaultOutcome outcome : this.verdict.outcomes()) {
				faults.add(("    {\"number\": %d, \"step\": %d, \"kind\": %s, \"target\": %s, \"nextLeader\": %s, "
						+ "\"afterMillis\": %s}")
					.formatted(outcome.fault().number(), outcome.fault().step(), quote(outcome.fault().kind().name()),
							quote(outcome.fault().target()),
							(outcome.nextLeader() != null) ? quote(outcome.nextLeader()) : "null",
							(outcome.after() != null) ? Long.toString(outcome.after().toMillis()) : "null"));
			}
			json.append(String.join(",\n", faults)).append("\n  ],\n");
			json.append("  \"problems\": [");
			json.append(String.join(", ", this.verdict.problems().stream().map(Report::quote).toList()));
			json.append("]\n}\n");
			return json.toString();
		}

		private static String quote(String text) {
			return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
		}

	}

}
