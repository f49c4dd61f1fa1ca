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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Everything a fault-suite run recorded: what each instance wrote to its history file, read incrementally as the
 * file grows, and what the suite did to the instances and to Redis. All times are {@link System#nanoTime()}.
 */
final class Timeline {

	private final Map<String, Reader> readers = new LinkedHashMap<>();

	private final List<Exec> executions = new ArrayList<>();

	private final List<Start> starts = new ArrayList<>();

	private final List<Call> calls = new ArrayList<>();

	private final List<Grant> grants = new ArrayList<>();

	private final List<Revoke> revokes = new ArrayList<>();

	private final List<SlowDone> slowDone = new ArrayList<>();

	private final List<Life> lives = new ArrayList<>();

	private final List<Fault> faults = new ArrayList<>();

	private int step;

	private final List<Long> phases = new ArrayList<>();

	private final Map<String, Long> ready = new LinkedHashMap<>();

	private final Map<String, Long> work = new LinkedHashMap<>();

	/**
	 * Starts reading an instance's history file.
	 */
	synchronized void follow(String instance, Path history) {
		this.readers.put(instance, new Reader(instance, history));
	}

	/**
	 * Reads what the instances wrote since the last call.
	 */
	synchronized void poll() {
		this.readers.values().forEach(Reader::poll);
	}

	synchronized void life(String instance, Life.Kind kind, long nanos) {
		this.lives.add(new Life(instance, kind, nanos));
	}

	/**
	 * Begins a phase of the run with a Redis set-up of its own and new instances: no leader is expected in between.
	 */
	synchronized void phase(long nanos) {
		this.phases.add(nanos);
	}

	/**
	 * Begins a step: the faults recorded until the next step are injected together.
	 */
	synchronized void step() {
		this.step++;
	}

	synchronized Fault fault(Fault.Kind kind, String target, long injectedNanos) {
		Fault fault = new Fault(this.faults.size() + 1, this.step, kind, target, injectedNanos, injectedNanos);
		this.faults.add(fault);
		return fault;
	}

	synchronized void healed(Fault fault, long healedNanos) {
		this.faults.set(fault.number() - 1, new Fault(fault.number(), fault.step(), fault.kind(), fault.target(),
				fault.injectedNanos(), healedNanos));
	}

	/**
	 * The instance whose last record is a grant, with that grant; empty when none is.
	 */
	synchronized Optional<Grant> leader() {
		Grant latest = null;
		for (String instance : this.readers.keySet()) {
			Grant grant = lastGrant(instance).orElse(null);
			if (grant != null && !revoked(grant) && (latest == null || grant.nanos() > latest.nanos())) {
				latest = grant;
			}
		}
		return Optional.ofNullable(latest);
	}

	synchronized Optional<Grant> grantAfter(long nanos, @Nullable String exceptInstance) {
		return this.grants.stream()
			.filter((grant) -> grant.nanos() > nanos && !grant.instance().equals(exceptInstance))
			.findFirst();
	}

	/**
	 * The first job run that {@code instance} began after {@code nanos}; empty while there is none.
	 */
	synchronized Optional<Start> startAfter(String instance, long nanos) {
		return this.starts.stream()
			.filter((start) -> start.instance().equals(instance) && start.nanos() > nanos)
			.findFirst();
	}

	/**
	 * Whether a claim of {@code instance} was answered after {@code nanos}, granted or not.
	 */
	synchronized boolean claimedAfter(String instance, long nanos) {
		return this.calls.stream()
			.anyMatch((call) -> call.instance().equals(instance) && call.kind() == Call.Kind.ACQUIRE
					&& call.replied() > nanos);
	}

	/**
	 * When the instance last confirmed a {@code work} command; empty when it never did.
	 */
	synchronized Optional<Long> workConfirmed(String instance) {
		return Optional.ofNullable(this.work.get(instance));
	}

	/**
	 * Whether the grant was revoked. A store that lost its data may grant one instance the same token twice: only
	 * a revocation after the grant counts.
	 */
	synchronized boolean hasRevoke(Grant grant) {
		return this.revokes.stream()
			.anyMatch((revoke) -> revoke.instance().equals(grant.instance()) && revoke.token() == grant.token()
					&& revoke.nanos() >= grant.nanos());
	}

	synchronized boolean isReady(String instance) {
		return this.ready.containsKey(instance);
	}

	synchronized boolean hasSlowDone(String instance, long token) {
		return this.slowDone.stream().anyMatch((done) -> done.instance().equals(instance) && done.token() == token);
	}

	synchronized Snapshot snapshot() {
		return new Snapshot(List.copyOf(this.executions), List.copyOf(this.starts), List.copyOf(this.calls),
				List.copyOf(this.grants), List.copyOf(this.revokes), List.copyOf(this.slowDone),
				List.copyOf(this.lives), List.copyOf(this.faults), List.copyOf(this.phases));
	}

	private Optional<Grant> lastGrant(String instance) {
		for (int i = this.grants.size() - 1; i >= 0; i--) {
			if (this.grants.get(i).instance().equals(instance)) {
				return Optional.of(this.grants.get(i));
			}
		}
		return Optional.empty();
	}

	private boolean revoked(Grant grant) {
		return hasRevoke(grant) || this.lives.stream()
			.anyMatch((life) -> life.instance().equals(grant.instance()) && life.kind() == Life.Kind.KILLED);
	}

	private void add(String instance, String line) {
		String[] words = line.split(" ");
		switch (words[0]) {
			case "EXEC" -> this.executions.add(new Exec(instance, Long.parseLong(words[1]), Long.parseLong(words[2]),
					Long.parseLong(words[3])));
			case "START" -> this.starts.add(new Start(instance, Long.parseLong(words[1]), Long.parseLong(words[2])));
			case "ACQUIRE" -> this.calls.add(new Call(instance, Call.Kind.ACQUIRE, Long.parseLong(words[1]),
					Long.parseLong(words[2]), words[3], Long.parseLong(words[4])));
			case "RENEW" -> this.calls.add(new Call(instance, Call.Kind.RENEW, Long.parseLong(words[1]),
					Long.parseLong(words[2]), words[3], 0));
			case "RELEASE" -> this.calls.add(new Call(instance, Call.Kind.RELEASE, Long.parseLong(words[1]),
					Long.parseLong(words[2]), words[3], 0));
			case "GRANT" -> this.grants.add(new Grant(instance, Long.parseLong(words[1]), Long.parseLong(words[2])));
			case "REVOKE" -> this.revokes.add(
					new Revoke(instance, Long.parseLong(words[1]), Long.parseLong(words[2]), words[3]));
			case "SLOW-DONE" ->
				this.slowDone.add(new SlowDone(instance, Long.parseLong(words[1]), Long.parseLong(words[2])));
			case "READY" -> this.ready.put(instance, Long.parseLong(words[1]));
			case "WORK" -> this.work.put(instance, Long.parseLong(words[2]));
			default -> throw new IllegalStateException("Unknown record in the history of " + instance + ": " + line);
		}
	}

	/**
	 * Reads whole lines appended to one history file since the last poll.
	 */
	private final class Reader {

		private final String instance;

		private final Path path;

		private long offset;

		private final StringBuilder partial = new StringBuilder();

		Reader(String instance, Path path) {
			this.instance = instance;
			this.path = path;
		}

		void poll() {
			if (!Files.exists(this.path)) {
				return;
			}
			try (FileChannel channel = FileChannel.open(this.path, StandardOpenOption.READ)) {
				long size = channel.size();
				if (size <= this.offset) {
					return;
				}
				ByteBuffer buffer = ByteBuffer.allocate((int) (size - this.offset));
				while (buffer.hasRemaining() && channel.read(buffer, this.offset + buffer.position()) >= 0) {
					// Reads until the buffer is full.
				}
				this.offset += buffer.position();
				this.partial.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
				int newline;
				while ((newline = this.partial.indexOf("\n")) >= 0) {
					String line = this.partial.substring(0, newline);
					this.partial.delete(0, newline + 1);
					if (!line.isBlank()) {
						add(this.instance, line);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	/**
	 * One run of the leader-only job: its fencing token ({@code 0} when it ran without a lease), start and end.
	 */
	record Exec(String instance, long token, long start, long end) {

	}

	/**
	 * A run of the leader-only job began; one that no {@link Exec} follows was cut short by the end of its process.
	 */
	record Start(String instance, long token, long nanos) {

	}

	/**
	 * One call of an instance to its lease store: when it was sent, when the reply came, and the reply: an outcome
	 * of {@code Acquisition.Outcome} and the granted token for an acquire, {@code ok}, {@code refused} or
	 * {@code failed} for a renewal, {@code true}, {@code false} or {@code failed} for a release.
	 */
	record Call(String instance, Kind kind, long sent, long replied, String result, long token) {

		boolean granted() {
			return this.kind == Kind.ACQUIRE && this.result.equals("GRANTED");
		}

		enum Kind {

			ACQUIRE, RENEW, RELEASE

		}

	}

	record Grant(String instance, long token, long nanos) {

	}

	record Revoke(String instance, long token, long nanos, String reason) {

	}

	/**
	 * A slow grant listener returned.
	 */
	record SlowDone(String instance, long token, long nanos) {

	}

	/**
	 * Something the suite did to an instance, or saw it do.
	 */
	record Life(String instance, Kind kind, long nanos) {

		enum Kind {

			STARTED, TERMINATED, KILLED, PAUSED, RESUMED, EXITED

		}

	}

	/**
	 * A fault the suite injected, and when it was over: for an instant fault (a signal to a process) both times are
	 * the same. Faults of one step were injected together, as a mix.
	 */
	record Fault(int number, int step, Kind kind, String target, long injectedNanos, long healedNanos) {

		enum Kind {

			SIGTERM_LEADER("SIGTERM of the leader"), SIGKILL_LEADER("kill -9 of the leader"),
			SIGSTOP_LEADER("leader paused for 2 leases (SIGSTOP, SIGCONT)"),
			PARTITION_DROP("leader cut off from Redis, connections reset"),
			PARTITION_BLACKHOLE("leader cut off from Redis, packets lost"),
			LATENCY("latency of a quarter lease each way between leader and Redis"),
			LONG_RUN_SIGTERM("SIGTERM of the leader 1 s into a 3 s job run that ignores interrupts"),
			LONG_RUN_YIELD("the leader yields 1 s into a 3 s job run that ignores interrupts"),
			REDIS_RESTART("Redis restarted, data lost"), REDIS_PAUSE("Redis paused for 2 leases (SIGSTOP)"),
			RDB_ROLLBACK("Redis (RDB) killed with -9 and restarted from a snapshot saved before the last handover"),
			AOF_ROLLBACK("Redis (AOF everysec) killed with -9 and restarted from an older copy of its append-only"
					+ " files, taken before the last handover"),
			LOCK_DELETED("DEL of the role's lock key while the leader holds it"),
			LOCK_EVICTED("the lock key evicted: maxmemory reached under volatile-lru"),
			SLOW_LISTENER("grant listener blocks for 2 leases, then SIGTERM of the leader"),
			PAUSE_AND_REDIS_RESTART("leader paused for 2 leases while Redis restarts and loses its data"),
			BLACKHOLE_AND_REDIS_RESTART("leader cut off (packets lost) while Redis restarts and loses its data"),
			KILL_AND_REDIS_PAUSE("kill -9 of the leader while Redis is paused for 2 leases"),
			FOLLOWER_PAUSE("a follower paused for 2 leases (SIGSTOP, SIGCONT)"),
			FOLLOWER_CUT_OFF("a follower cut off from Redis for 2 leases, packets lost"),
			SENTINEL_FAILOVER("kill -9 of the Redis master right after a grant that its replica missed; Sentinel"
					+ " promotes that replica (no WAIT)"),
			SENTINEL_MASTER_KILLED("kill -9 of the Redis master; Sentinel promotes a replica that has every write"),
			DB_RESTART("Database restarted (clean shutdown)"),
			DB_CRASH("Database killed with -9 and restarted (crash recovery)"),
			DB_PAUSE("Database paused for 2 leases (SIGSTOP of every server process)"),
			DB_ROLLBACK("Database killed with -9 and restored from a copy of its files taken before the last"
					+ " handover"),
			ROW_DELETED("DELETE of the role's row while the leader holds it"),
			KILL_AND_DB_PAUSE("kill -9 of the leader while the database is paused for 2 leases");

			private final String description;

			Kind(String description) {
				this.description = description;
			}

			String description() {
				return this.description;
			}

			/**
			 * The description for a run on the given store: faults of an instance and its link, and those of the
			 * database, name the store.
			 */
			String description(String store) {
				return this.description.replace("Redis", store).replace("the database", store).replace("Database", store);
			}

			/**
			 * A short name, for the part of a random mix this kind plays.
			 */
			String label() {
				return switch (this) {
					case SIGSTOP_LEADER -> "leader paused";
					case PARTITION_DROP -> "leader's connections reset";
					case PARTITION_BLACKHOLE -> "leader's packets lost";
					case LATENCY -> "leader's link slow";
					case LONG_RUN_SIGTERM -> "SIGTERM 1 s into a 3 s run";
					case LONG_RUN_YIELD -> "yield 1 s into a 3 s run";
					case REDIS_RESTART -> "Redis restarted empty";
					case REDIS_PAUSE -> "Redis paused";
					case RDB_ROLLBACK -> "Redis back from an older RDB snapshot";
					case AOF_ROLLBACK -> "Redis back from an older AOF";
					case LOCK_DELETED -> "lock deleted";
					case LOCK_EVICTED -> "lock evicted";
					case FOLLOWER_PAUSE -> "a follower paused";
					case FOLLOWER_CUT_OFF -> "a follower's packets lost";
					case SENTINEL_FAILOVER -> "failover to a replica that missed the last writes";
					case SENTINEL_MASTER_KILLED -> "failover to a replica in sync";
					case DB_RESTART -> "database restarted";
					case DB_CRASH -> "database crashed";
					case DB_PAUSE -> "database paused";
					case DB_ROLLBACK -> "database back from older files";
					case ROW_DELETED -> "row deleted";
					default -> this.description;
				};
			}

			/**
			 * Whether the fault takes the lease from the instance it targets.
			 */
			boolean removesLeader() {
				return switch (this) {
					case SIGTERM_LEADER, SIGKILL_LEADER, SIGSTOP_LEADER, PARTITION_DROP, PARTITION_BLACKHOLE,
							LONG_RUN_SIGTERM, LONG_RUN_YIELD, SLOW_LISTENER, PAUSE_AND_REDIS_RESTART,
							BLACKHOLE_AND_REDIS_RESTART, KILL_AND_REDIS_PAUSE, KILL_AND_DB_PAUSE ->
						true;
					default -> false;
				};
			}

			/**
			 * Whether the fault loses data of the store, or rolls it back: the store quarantines the role when it
			 * meets the signs. A clean restart of a database counts, since its new stamp is such a sign.
			 */
			boolean losesData() {
				return switch (this) {
					case REDIS_RESTART, RDB_ROLLBACK, AOF_ROLLBACK, LOCK_DELETED, LOCK_EVICTED, PAUSE_AND_REDIS_RESTART,
							BLACKHOLE_AND_REDIS_RESTART, DB_RESTART, DB_CRASH, DB_ROLLBACK, ROW_DELETED ->
						true;
					default -> false;
				};
			}

			/**
			 * Whether no lease can make the fault safe, so that the checker counts what goes wrong during it apart
			 * from the problems of the election.
			 */
			boolean beyondLease() {
				// Asynchronous replication: a grant the new master never received is lost with its fencing token.
				return this == SENTINEL_FAILOVER;
			}

		}

	}

	/**
	 * An immutable copy of everything recorded, for the checker.
	 */
	record Snapshot(List<Exec> executions, List<Start> starts, List<Call> calls, List<Grant> grants,
			List<Revoke> revokes, List<SlowDone> slowDone, List<Life> lives, List<Fault> faults, List<Long> phases) {

		Snapshot {
			executions = Collections.unmodifiableList(executions);
		}

	}

}
