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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.leaderelection.faults.Timeline.Exec;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.faults.Timeline.Revoke;
import io.github.leaderelection.faults.Timeline.Snapshot;
import org.jspecify.annotations.Nullable;

/**
 * Reads a run's histories and finds what a leader election must never do: two instances running the job at the same
 * time with different fencing tokens, a token lower than one that started earlier, a run after the instance's lease
 * deadline or after its revocation, a grant that no revocation follows, no leader for longer than a lease and a
 * second after a fault healed, a slow listener that cost the lease.
 * <p>
 * One overlap is not a fault of the election and is counted apart: a run during which its instance was paused
 * ({@code SIGSTOP}) started in time but ended after the next leader began. No lease prevents that; the fencing token
 * does, and the checker requires the paused run's token to be the lower one, so that a resource checking tokens
 * rejects its writes.
 */
final class Checker {

	private static final int MAX_REPORTED = 10;

	private final Snapshot snapshot;

	private final Duration lease;

	private final long endedNanos;

	private final List<String> problems = new ArrayList<>();

	private final Map<String, Integer> reported = new HashMap<>();

	private Checker(Snapshot snapshot, Duration lease, long endedNanos) {
		this.snapshot = snapshot;
		this.lease = lease;
		this.endedNanos = endedNanos;
	}

	/**
	 * Checks a run.
	 * @param snapshot what the run recorded
	 * @param lease the instances' lease duration
	 * @param endedNanos when the suite began to stop the instances: the end of the time that counts
	 */
	static Verdict check(Snapshot snapshot, Duration lease, long endedNanos) {
		return new Checker(snapshot, lease, endedNanos).check();
	}

	private Verdict check() {
		List<Exec> executions = new ArrayList<>(this.snapshot.executions());
		executions.sort(Comparator.comparingLong(Exec::start));
		checkDeadlines(executions);
		long fenced = checkOverlaps(executions);
		checkTokenOrder(executions);
		checkRunsAfterRevocation(executions);
		checkRevocations();
		List<Interval> intervals = leadershipIntervals();
		Gap longest = longestGap(intervals);
		List<FaultOutcome> outcomes = checkRecoveries(intervals);
		checkSlowListeners();
		Map<Fault.Kind, Integer> byKind = new EnumMap<>(Fault.Kind.class);
		this.snapshot.faults().forEach((fault) -> byKind.merge(fault.kind(), 1, Integer::sum));
		int overlaps = this.reported.getOrDefault("overlap", 0);
		return new Verdict(List.copyOf(this.problems), executions.size(), overlaps, fenced,
				Math.max(0, this.snapshot.grants().size() - 1), longest, byKind, outcomes);
	}

	private void checkDeadlines(List<Exec> executions) {
		for (Exec exec : executions) {
			if (exec.token() == 0 || exec.start() - exec.deadline() >= 0) {
				problem("late", "%s ran the job at %s without a valid lease (deadline %s)", exec.instance(),
						at(exec.start()), at(exec.deadline()));
			}
		}
	}

	// Returns the number of paused runs that the next leader's runs overlapped.
	private long checkOverlaps(List<Exec> executions) {
		Set<Exec> fenced = new HashSet<>();
		Exec longest = null;
		for (Exec exec : executions) {
			if (longest != null && exec.start() < longest.end() && exec.token() != longest.token()) {
				if (pausedDuring(longest) && longest.token() < exec.token()) {
					fenced.add(longest);
				}
				else {
					problem("overlap", "%s (token %d, %s to %s) and %s (token %d, %s to %s) ran the job at the same time",
							longest.instance(), longest.token(), at(longest.start()), at(longest.end()),
							exec.instance(), exec.token(), at(exec.start()), at(exec.end()));
				}
			}
			if (longest == null || exec.end() > longest.end()) {
				longest = exec;
			}
		}
		return fenced.size();
	}

	private void checkTokenOrder(List<Exec> executions) {
		Exec highest = null;
		for (Exec exec : executions) {
			if (highest != null && exec.token() < highest.token()) {
				problem("order", "%s ran with token %d at %s, after %s had started with token %d at %s",
						exec.instance(), exec.token(), at(exec.start()), highest.instance(), highest.token(),
						at(highest.start()));
			}
			if (highest == null || exec.token() > highest.token()) {
				highest = exec;
			}
		}
	}

	private void checkRunsAfterRevocation(List<Exec> executions) {
		Map<String, Long> revokedAt = new HashMap<>();
		this.snapshot.revokes().forEach((revoke) -> revokedAt.put(key(revoke.instance(), revoke.token()), revoke.nanos()));
		for (Exec exec : executions) {
			Long revoked = revokedAt.get(key(exec.instance(), exec.token()));
			if (revoked != null && exec.start() - revoked > 0) {
				problem("after-revoke", "%s ran with token %d at %s, after its revocation at %s", exec.instance(),
						exec.token(), at(exec.start()), at(revoked));
			}
		}
	}

	private void checkRevocations() {
		Map<String, Grant> holding = new HashMap<>();
		List<Object> records = new ArrayList<>();
		records.addAll(this.snapshot.grants());
		records.addAll(this.snapshot.revokes());
		records.sort(Comparator.comparingLong(Checker::nanos));
		for (Object record : records) {
			if (record instanceof Grant grant) {
				Grant previous = holding.put(grant.instance(), grant);
				if (previous != null) {
					problem("double-grant", "%s was granted token %d at %s while it still held token %d",
							grant.instance(), grant.token(), at(grant.nanos()), previous.token());
				}
			}
			else if (record instanceof Revoke revoke) {
				Grant held = holding.remove(revoke.instance());
				if (held == null || held.token() != revoke.token()) {
					problem("stray-revoke", "%s revoked token %d at %s, which it did not hold", revoke.instance(),
							revoke.token(), at(revoke.nanos()));
				}
			}
		}
		holding.values().forEach((grant) -> {
			if (killedAfter(grant.instance(), grant.nanos()).isEmpty()) {
				problem("no-revoke", "%s lost token %d (granted at %s) without an OnRevokedEvent", grant.instance(),
						grant.token(), at(grant.nanos()));
			}
		});
	}

	private List<Interval> leadershipIntervals() {
		List<Interval> intervals = new ArrayList<>();
		for (Grant grant : this.snapshot.grants()) {
			long end = this.snapshot.revokes()
				.stream()
				.filter((revoke) -> revoke.instance().equals(grant.instance()) && revoke.token() == grant.token())
				.mapToLong(Revoke::nanos)
				.findFirst()
				.orElse(killedAfter(grant.instance(), grant.nanos()).orElse(this.endedNanos));
			intervals.add(new Interval(grant.instance(), grant.token(), grant.nanos(), end));
		}
		intervals.sort(Comparator.comparingLong(Interval::start));
		return intervals;
	}

	private Gap longestGap(List<Interval> intervals) {
		Gap longest = new Gap(0, 0);
		if (intervals.isEmpty()) {
			return longest;
		}
		long covered = intervals.get(0).end();
		for (Interval interval : intervals.subList(1, intervals.size())) {
			if (interval.start() > covered && interval.start() - covered > longest.nanos()) {
				longest = new Gap(covered, interval.start() - covered);
			}
			covered = Math.max(covered, interval.end());
		}
		if (this.endedNanos > covered && this.endedNanos - covered > longest.nanos()) {
			longest = new Gap(covered, this.endedNanos - covered);
		}
		return longest;
	}

	private List<FaultOutcome> checkRecoveries(List<Interval> intervals) {
		long bound = this.lease.plusSeconds(1).toNanos();
		List<FaultOutcome> outcomes = new ArrayList<>();
		for (Fault fault : this.snapshot.faults()) {
			// No leader can be expected before every fault injected with this one is over: a crash while Redis
			// hangs recovers once Redis is back.
			long healed = this.snapshot.faults()
				.stream()
				.filter((other) -> other.step() == fault.step())
				.mapToLong(Fault::healedNanos)
				.max()
				.orElse(fault.healedNanos());
			// A target that is meant to lose its lease does not count as the leader after the fault.
			boolean recovered = intervals.stream()
				.filter((interval) -> !(fault.kind().removesLeader() && interval.instance().equals(fault.target())
						&& interval.start() < fault.injectedNanos()))
				.anyMatch((interval) -> interval.end() > healed && interval.start() - healed <= bound);
			if (!recovered && this.endedNanos - healed < bound) {
				// The suite must watch every recovery to its end: a run that stops early proves nothing.
				problem("no-leader", "the run ended %d ms after fault %d (%s on %s) and its step healed at %s, before a"
						+ " leader was granted", Duration.ofNanos(this.endedNanos - healed).toMillis(), fault.number(),
						fault.kind(), fault.target(), at(healed));
			}
			else if (!recovered) {
				problem("no-leader", "no leader within %d ms after fault %d (%s on %s) and its step healed at %s",
						Duration.ofNanos(bound).toMillis(), fault.number(), fault.kind(), fault.target(), at(healed));
			}
			// A handover belongs to the fault only when it came before the next step's faults, and at most a lease
			// and a second after this one was over.
			long until = Math.min(healed + bound, nextFaultNanos(fault));
			Optional<Grant> next = this.snapshot.grants()
				.stream()
				.filter((grant) -> grant.nanos() > fault.injectedNanos() && !grant.instance().equals(fault.target())
						&& grant.nanos() - until <= 0)
				.findFirst();
			outcomes.add(new FaultOutcome(fault, next.map(Grant::instance).orElse(null),
					next.map((grant) -> Duration.ofNanos(grant.nanos() - fault.injectedNanos())).orElse(null)));
		}
		return outcomes;
	}

	private void checkSlowListeners() {
		for (Fault fault : this.snapshot.faults()) {
			if (fault.kind() != Fault.Kind.SLOW_LISTENER) {
				continue;
			}
			this.snapshot.grants()
				.stream()
				.filter((grant) -> grant.nanos() > fault.injectedNanos() && !grant.instance().equals(fault.target()))
				.findFirst()
				.ifPresent((grant) -> {
					Optional<Long> done = this.snapshot.slowDone()
						.stream()
						.filter((slow) -> slow.instance().equals(grant.instance()) && slow.token() == grant.token())
						.map(Timeline.SlowDone::nanos)
						.findFirst();
					boolean ranAfter = done.isPresent() && this.snapshot.executions()
						.stream()
						.anyMatch((exec) -> exec.instance().equals(grant.instance()) && exec.token() == grant.token()
								&& exec.start() > done.get());
					if (!ranAfter) {
						problem("slow-listener", "%s lost token %d while its grant listener was slow (fault %d)",
								grant.instance(), grant.token(), fault.number());
					}
				});
		}
	}

	// The faults of one step are injected together: the next fault is the first of the next step.
	private long nextFaultNanos(Fault fault) {
		return this.snapshot.faults()
			.stream()
			.filter((other) -> other.step() > fault.step())
			.mapToLong(Fault::injectedNanos)
			.findFirst()
			.orElse(Long.MAX_VALUE);
	}

	// Whether the instance was stopped at some moment of the run. The suite records a pause once kill has sent
	// SIGSTOP, but the process stops only when one of its threads has taken the signal and stopped the others, so a
	// run may start just after the recorded pause: what counts is that the time from the pause to the next resume
	// meets the run.
	private boolean pausedDuring(Exec exec) {
		List<Life> lives = this.snapshot.lives()
			.stream()
			.filter((life) -> life.instance().equals(exec.instance()))
			.sorted(Comparator.comparingLong(Life::nanos))
			.toList();
		for (int i = 0; i < lives.size(); i++) {
			if (lives.get(i).kind() == Life.Kind.PAUSED && lives.get(i).nanos() < exec.end()) {
				long resumed = lives.subList(i + 1, lives.size())
					.stream()
					.filter((life) -> life.kind() == Life.Kind.RESUMED)
					.mapToLong(Life::nanos)
					.findFirst()
					.orElse(Long.MAX_VALUE);
				if (resumed > exec.start()) {
					return true;
				}
			}
		}
		return false;
	}

	private Optional<Long> killedAfter(String instance, long nanos) {
		return this.snapshot.lives()
			.stream()
			.filter((life) -> life.instance().equals(instance) && life.kind() == Life.Kind.KILLED
					&& life.nanos() > nanos)
			.map(Life::nanos)
			.findFirst();
	}

	private void problem(String kind, String format, Object... args) {
		int count = this.reported.merge(kind, 1, Integer::sum);
		if (count <= MAX_REPORTED) {
			this.problems.add(format.formatted(args));
		}
		else if (count == MAX_REPORTED + 1) {
			this.problems.add("(further problems of kind '" + kind + "' not listed)");
		}
	}

	private String at(long nanos) {
		return "%.3f s".formatted((nanos - origin()) / 1e9);
	}

	private long origin() {
		return this.snapshot.lives().isEmpty() ? 0 : this.snapshot.lives().get(0).nanos();
	}

	private static String key(String instance, long token) {
		return instance + "/" + token;
	}

	private static long nanos(Object record) {
		return (record instanceof Grant grant) ? grant.nanos() : ((Revoke) record).nanos();
	}

	record Interval(String instance, long token, long start, long end) {

	}

	/**
	 * The longest time without a leader: when it began and how long it lasted.
	 */
	record Gap(long startNanos, long nanos) {

		Duration duration() {
			return Duration.ofNanos(this.nanos);
		}

	}

	/**
	 * What followed a fault: the first instance other than its target granted after it, and when; empty when the
	 * leader kept its lease.
	 */
	record FaultOutcome(Fault fault, @Nullable String nextLeader, @Nullable Duration after) {

	}

	/**
	 * The result of a check.
	 */
	record Verdict(List<String> problems, long executions, long overlaps, long fencedOverlaps, long handovers,
			Gap longestWithoutLeader, Map<Fault.Kind, Integer> faultsByKind, List<FaultOutcome> outcomes) {

		boolean passed() {
			return this.problems.isEmpty();
		}

	}

}
