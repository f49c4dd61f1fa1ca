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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

import io.github.leaderelection.faults.Timeline.Call;
import io.github.leaderelection.faults.Timeline.Exec;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.faults.Timeline.Revoke;
import io.github.leaderelection.faults.Timeline.Snapshot;
import io.github.leaderelection.faults.Timeline.Start;
import org.jspecify.annotations.Nullable;

/**
 * Reads a run's histories and finds what a leader election must never do. From the instances' calls to the store it
 * builds each lease ("term"): from the reply of a granting acquire to the earliest of the release's send time, a
 * refused renewal's reply, the instance's kill or exit, and the deadline, which is the send time of the last
 * successful acquire or renewal plus the lease (the store's time to live starts after the send). Then it checks that:
 * <ul>
 * <li>a fencing token is granted to one instance only, and every grant's token exceeds every token granted before
 * the grant was asked for;</li>
 * <li>the terms of different instances never overlap;</li>
 * <li>every job run starts within a term of its instance with its token, and no job runs of different instances
 * overlap, whatever their tokens;</li>
 * <li>no run's token is lower than that of a run that started earlier, or equal to that of another instance's
 * run;</li>
 * <li>no run starts after its revocation, every grant is followed by a revocation (unless the instance was killed),
 * a leader follows every fault within a lease and a second after it healed, and a slow listener does not cost the
 * lease. On a store that announces no release, a step with a fault that loses the store's data may take a lease
 * more: with no leader to meet the loss at its next renewal, a follower meets it at its next claim, up to a lease
 * later, and quarantines the role for a lease.</li>
 * </ul>
 * Two kinds of trouble are no fault of the election and are counted apart. A run that outlived its lease against the
 * instance's will (the instance was paused with {@code SIGSTOP}, or its lease lapsed or a renewal was refused while
 * the job, which ignores interrupts, went on) may overlap the next leader's runs: no lease prevents that, the
 * fencing token does, so the checker requires the outliving run's token to be the lower one. And what goes wrong
 * during a fault that {@linkplain Fault.Kind#beyondLease() no lease can make safe} is listed with the window it
 * opened.
 */
final class Checker {

	/**
	 * How much two terms may seem to overlap without being reported: Redis keeps expiry times in milliseconds of
	 * its wall clock, so a key may expire up to a millisecond before its time to live has passed on the monotonic
	 * clock, and the two clocks may drift a little apart over a lease.
	 */
	static final Duration CLOCK_TOLERANCE = Duration.ofMillis(2);

	/**
	 * How long after a refused renewal's reply a job run may still start: the recorder sees the reply before the
	 * elector does. The elector withdraws the lease as soon as the reply reaches it, before it waits for its monitor
	 * to revoke, so what is left is the return through the store's decorators and the batch; a run admitted meanwhile
	 * is still within the instance's deadline, and no run without a lease.
	 */
	static final Duration REPLY_TOLERANCE = Duration.ofMillis(2);

	private static final int MAX_REPORTED = 10;

	private final Snapshot snapshot;

	private final Duration lease;

	private final boolean announcesReleases;

	private final long originNanos;

	private final long endedNanos;

	private final List<String> problems = new ArrayList<>();

	private final Map<String, Integer> reported = new LinkedHashMap<>();

	private final List<Exemption> exemptions = new ArrayList<>();

	private Checker(Snapshot snapshot, Duration lease, boolean announcesReleases, long originNanos, long endedNanos) {
		this.snapshot = snapshot;
		this.lease = lease;
		this.announcesReleases = announcesReleases;
		this.originNanos = originNanos;
		this.endedNanos = endedNanos;
	}

	/**
	 * Checks a run.
	 * @param snapshot what the run recorded
	 * @param lease the instances' lease duration
	 * @param announcesReleases whether the store tells followers of a release, as Redis and PostgreSQL do
	 * @param originNanos when the suite began: problems give their times from then on, as the suite's log does
	 * @param endedNanos when the suite began to stop the instances: the end of the time that counts
	 */
	static Verdict check(Snapshot snapshot, Duration lease, boolean announcesReleases, long originNanos,
			long endedNanos) {
		return new Checker(snapshot, lease, announcesReleases, originNanos, endedNanos).check();
	}

	private Verdict check() {
		List<Term> terms = terms();
		checkTokensHaveOneHolder(terms);
		checkGrantOrder(terms);
		checkTermOverlaps(terms);
		List<Run> runs = runs(terms);
		checkRunsWithinTerms(runs);
		long fenced = checkRunOverlaps(runs);
		checkRunOrder(runs);
		checkRunsAfterRevocation(runs);
		checkRevocations();
		List<Interval> intervals = leadershipIntervals();
		Gap longest = longestGap(intervals);
		List<FaultOutcome> outcomes = checkRecoveries(intervals);
		checkSlowListeners();
		Map<Fault.Kind, Integer> byKind = new EnumMap<>(Fault.Kind.class);
		this.snapshot.faults().forEach((fault) -> byKind.merge(fault.kind(), 1, Integer::sum));
		Map<Integer, Integer> stepSizes = new HashMap<>();
		this.snapshot.faults().forEach((fault) -> stepSizes.merge(fault.step(), 1, Integer::sum));
		Map<Fault.Kind, Integer> mixedByKind = new EnumMap<>(Fault.Kind.class);
		this.snapshot.faults()
			.stream()
			.filter((fault) -> stepSizes.get(fault.step()) > 1)
			.forEach((fault) -> mixedByKind.merge(fault.kind(), 1, Integer::sum));
		return new Verdict(List.copyOf(this.problems), Map.copyOf(this.reported), runs.size(), terms.size(),
				count("overlap"), fenced, count("validity-overlap"), Math.max(0, this.snapshot.grants().size() - 1),
				longest, byKind, mixedByKind, outcomes, List.copyOf(this.exemptions));
	}

	// Terms, from each instance's store calls in the order it sent them.
	private List<Term> terms() {
		Map<String, List<Call>> byInstance = new LinkedHashMap<>();
		this.snapshot.calls().forEach((call) -> byInstance.computeIfAbsent(call.instance(), (key) -> new ArrayList<>())
			.add(call));
		List<Term> terms = new ArrayList<>();
		long lease = this.lease.toNanos();
		byInstance.forEach((instance, calls) -> {
			calls.sort(Comparator.comparingLong(Call::sent));
			TermBuilder open = null;
			for (Call call : calls) {
				if (open != null) {
					open = endIfGone(open, call.sent(), terms);
				}
				if (call.granted()) {
					if (open != null) {
						terms.add(open.end(call.sent(), Ending.REGRANTED));
					}
					open = new TermBuilder(instance, call.token(), call.sent(), call.replied(), call.sent() + lease);
				}
				else if (open != null) {
					switch (call.kind()) {
						case RENEW -> {
							if (call.result().equals("ok")) {
								open.renewed(call.sent(), call.replied(), call.sent() + lease);
							}
							else if (call.result().equals("refused")) {
								terms.add(open.end(call.replied(), Ending.REFUSED));
								open = null;
							}
						}
						case RELEASE -> {
							terms.add(open.end(call.sent(), Ending.RELEASED));
							open = null;
						}
						// A claim while the term is open: the instance no longer believes it holds the lease and
						// gave it up without a release.
						case ACQUIRE -> {
							terms.add(open.end(call.sent(), Ending.LAPSED));
							open = null;
						}
					}
				}
			}
			if (open != null) {
				open = endIfGone(open, Long.MAX_VALUE, terms);
				if (open != null) {
					terms.add(open.end(this.endedNanos, Ending.OPEN));
				}
			}
		});
		terms.sort(Comparator.comparingLong(Term::granted));
		return terms;
	}

	// Ends the term when its instance was killed or exited before the given time; returns what stays open.
	private @Nullable TermBuilder endIfGone(TermBuilder open, long beforeNanos, List<Term> terms) {
		Optional<Long> gone = goneAfter(open.instance, open.granted);
		if (gone.isPresent() && gone.get() - beforeNanos < 0) {
			terms.add(open.end(gone.get(), Ending.KILLED));
			return null;
		}
		return open;
	}

	private void checkTokensHaveOneHolder(List<Term> terms) {
		Map<Long, Term> first = new HashMap<>();
		for (Term term : terms) {
			Term earlier = first.putIfAbsent(term.token(), term);
			if (earlier != null && !earlier.instance().equals(term.instance())) {
				problem("shared-token", term.granted(), "fencing token %d was granted to %s at %s and to %s at %s",
						term.token(), earlier.instance(), at(earlier.granted()), term.instance(), at(term.granted()));
			}
		}
	}

	private void checkGrantOrder(List<Term> terms) {
		for (Term term : terms) {
			terms.stream()
				.filter((earlier) -> earlier.granted() - term.asked() < 0 && earlier.token() >= term.token())
				.max(Comparator.comparingLong(Term::token))
				.ifPresent((earlier) -> problem("grant-order", term.granted(),
						"%s was granted token %d at %s (asked at %s), not above token %d that %s was granted at %s",
						term.instance(), term.token(), at(term.granted()), at(term.asked()), earlier.token(),
						earlier.instance(), at(earlier.granted())));
		}
	}

	private void checkTermOverlaps(List<Term> terms) {
		long tolerance = CLOCK_TOLERANCE.toNanos();
		List<Span> spans = new ArrayList<>();
		terms.forEach((term) -> spans.addAll(term.spans()));
		spans.sort(Comparator.comparingLong(Span::start));
		for (int i = 0; i < spans.size(); i++) {
			Span first = spans.get(i);
			for (int j = i + 1; j < spans.size() && spans.get(j).start() - first.end() < 0; j++) {
				Span second = spans.get(j);
				long overlap = Math.min(first.end(), second.end()) - second.start();
				if (!first.term().instance().equals(second.term().instance()) && overlap > tolerance) {
					problem("validity-overlap", second.start(),
							"%s (token %d, valid %s to %s, %s) and %s (token %d, valid %s to %s, %s) held leases at the"
									+ " same time for %d ms",
							first.term().instance(), first.term().token(), at(first.start()), at(first.end()),
							first.term().ending().describe(), second.term().instance(), second.term().token(),
							at(second.start()), at(second.end()), second.term().ending().describe(),
							Duration.ofNanos(overlap).toMillis());
				}
			}
		}
	}

	// Job runs: every run that ended, and every run that began and never ended, cut short by the end of its process.
	// A run that began without a token in view (a graceful handover began after the call was admitted) belongs to
	// the lease its instance held as it began, if any.
	private List<Run> runs(List<Term> terms) {
		List<Run> runs = new ArrayList<>();
		Set<String> ended = new HashSet<>();
		for (Exec exec : this.snapshot.executions()) {
			runs.add(run(terms, exec.instance(), exec.token(), exec.start(), exec.end(), false));
			ended.add(exec.instance() + "/" + exec.start());
		}
		for (Start start : this.snapshot.starts()) {
			if (!ended.contains(start.instance() + "/" + start.nanos())) {
				long end = goneAfter(start.instance(), start.nanos()).orElse(this.endedNanos);
				runs.add(run(terms, start.instance(), start.token(), start.nanos(), Math.max(end, start.nanos()),
						true));
			}
		}
		runs.sort(Comparator.comparingLong(Run::start));
		return runs;
	}

	private static Run run(List<Term> terms, String instance, long token, long start, long end, boolean cut) {
		if (token == 0) {
			Optional<Term> held = terms.stream()
				.filter((term) -> term.instance().equals(instance) && term.isValidAt(start))
				.findFirst();
			if (held.isPresent()) {
				return new Run(instance, held.get().token(), start, end, cut, held.get());
			}
		}
		return new Run(instance, token, start, end, cut, termOf(terms, instance, token, start));
	}

	private static @Nullable Term termOf(List<Term> terms, String instance, long token, long start) {
		return terms.stream()
			.filter((term) -> term.instance().equals(instance) && term.token() == token && term.granted() <= start)
			.reduce((first, second) -> second)
			.orElse(null);
	}

	private void checkRunsWithinTerms(List<Run> runs) {
		for (Run run : runs) {
			if (run.token() == 0) {
				problem("late", run.start(), "%s ran the job at %s without a lease", run.instance(), at(run.start()));
			}
			else if (run.term() == null) {
				problem("late", run.start(), "%s ran the job with token %d at %s, which the store never granted it",
						run.instance(), run.token(), at(run.start()));
			}
			else if (!run.term().isValidAt(run.start()) && !beforeTheRefusalWasSeen(run.term(), run.start())) {
				problem("late", run.start(), "%s ran the job with token %d at %s outside its lease (granted at %s, %s)",
						run.instance(), run.token(), at(run.start()), at(run.term().granted()),
						run.term().describeEnd(this::at));
			}
		}
	}

	private static boolean beforeTheRefusalWasSeen(Term term, long start) {
		return term.ending() == Ending.REFUSED && start - term.granted() >= 0
				&& start - term.end() <= REPLY_TOLERANCE.toNanos();
	}

	// Returns the number of runs that outlived their lease against their instance's will and that a later leader's
	// runs overlapped.
	private long checkRunOverlaps(List<Run> runs) {
		Set<Run> fenced = new HashSet<>();
		List<Run> active = new ArrayList<>();
		for (Run run : runs) {
			if (run.token() == 0) {
				continue;
			}
			active.removeIf((earlier) -> earlier.end() - run.start() <= 0);
			for (Run earlier : active) {
				if (earlier.instance().equals(run.instance())) {
					continue;
				}
				if (earlier.token() < run.token() && outlivedItsLease(earlier, run.start())) {
					fenced.add(earlier);
				}
				else {
					problem("overlap", run.start(),
							"%s (token %d, %s to %s%s) and %s (token %d, %s to %s%s) ran the job at the same time",
							earlier.instance(), earlier.token(), at(earlier.start()), at(earlier.end()),
							earlier.describeCut(), run.instance(), run.token(), at(run.start()), at(run.end()),
							run.describeCut());
				}
			}
			active.add(run);
		}
		return fenced.size();
	}

	// Whether the run went on after its instance lost the lease by no choice of its own: it was paused, or its lease
	// lapsed or a renewal was refused before the other run began.
	private boolean outlivedItsLease(Run run, long otherStart) {
		if (pausedDuring(run.instance(), run.start(), run.end())) {
			return true;
		}
		Term term = run.term();
		return term != null && (term.ending() == Ending.LAPSED || term.ending() == Ending.REFUSED)
				&& term.end() - otherStart <= 0;
	}

	private void checkRunOrder(List<Run> runs) {
		Run highest = null;
		for (Run run : runs) {
			if (run.token() == 0) {
				continue;
			}
			if (highest != null && (run.token() < highest.token()
					|| (run.token() == highest.token() && !run.instance().equals(highest.instance())))) {
				problem("order", run.start(), "%s ran with token %d at %s, after %s had started with token %d at %s",
						run.instance(), run.token(), at(run.start()), highest.instance(), highest.token(),
						at(highest.start()));
			}
			if (highest == null || run.token() > highest.token()) {
				highest = run;
			}
		}
	}

	private void checkRunsAfterRevocation(List<Run> runs) {
		for (Run run : runs) {
			// The revocation that followed the grant the run began under: a store that lost its data may grant an
			// instance the same token twice, and the grant event may be written after the run began.
			Term term = run.term();
			if (term == null) {
				continue;
			}
			revocationAfter(run.instance(), run.token(), term.asked()).ifPresent((revoked) -> {
				if (run.start() - revoked > 0) {
					problem("after-revoke", run.start(), "%s ran with token %d at %s, after its revocation at %s",
							run.instance(), run.token(), at(run.start()), at(revoked));
				}
			});
		}
	}

	private Optional<Long> revocationOf(Grant grant) {
		return revocationAfter(grant.instance(), grant.token(), grant.nanos());
	}

	private Optional<Long> revocationAfter(String instance, long token, long nanos) {
		return this.snapshot.revokes()
			.stream()
			.filter((revoke) -> revoke.instance().equals(instance) && revoke.token() == token
					&& revoke.nanos() >= nanos)
			.map(Revoke::nanos)
			.min(Long::compare);
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
					problem("double-grant", grant.nanos(), "%s was granted token %d at %s while it still held token %d",
							grant.instance(), grant.token(), at(grant.nanos()), previous.token());
				}
			}
			else if (record instanceof Revoke revoke) {
				Grant held = holding.remove(revoke.instance());
				if (held == null || held.token() != revoke.token()) {
					problem("stray-revoke", revoke.nanos(), "%s revoked token %d at %s, which it did not hold",
							revoke.instance(), revoke.token(), at(revoke.nanos()));
				}
			}
		}
		holding.values().forEach((grant) -> {
			if (killedAfter(grant.instance(), grant.nanos()).isEmpty()) {
				problem("no-revoke", grant.nanos(), "%s lost token %d (granted at %s) without an OnRevokedEvent",
						grant.instance(), grant.token(), at(grant.nanos()));
			}
		});
	}

	private List<Interval> leadershipIntervals() {
		List<Interval> intervals = new ArrayList<>();
		for (Grant grant : this.snapshot.grants()) {
			long end = revocationOf(grant)
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
			if (interval.start() > covered && interval.start() - covered > longest.nanos()
					&& !phaseBeganBetween(covered, interval.start())) {
				longest = new Gap(covered, interval.start() - covered);
			}
			covered = Math.max(covered, interval.end());
		}
		if (this.endedNanos > covered && this.endedNanos - covered > longest.nanos()) {
			longest = new Gap(covered, this.endedNanos - covered);
		}
		return longest;
	}

	// A new phase starts new instances on a new Redis set-up: the time until they lead is no gap of the election.
	private boolean phaseBeganBetween(long from, long to) {
		return this.snapshot.phases().stream().anyMatch((phase) -> phase - from >= 0 && phase - to <= 0);
	}

	private List<FaultOutcome> checkRecoveries(List<Interval> intervals) {
		List<FaultOutcome> outcomes = new ArrayList<>();
		for (Fault fault : this.snapshot.faults()) {
			long bound = recoveryBound(fault);
			// No leader can be expected before every fault injected with this one is over: a crash while Redis
			// hangs recovers once Redis is back.
			long healed = stepHealedNanos(fault);
			// A target that is meant to lose its lease does not count as the leader after the fault.
			boolean recovered = intervals.stream()
				.filter((interval) -> !(fault.kind().removesLeader() && interval.instance().equals(fault.target())
						&& interval.start() < fault.injectedNanos()))
				.anyMatch((interval) -> interval.end() > healed && interval.start() - healed <= bound);
			if (!recovered && this.endedNanos - healed < bound) {
				// The suite must watch every recovery to its end: a run that stops early proves nothing.
				problem("no-leader", healed, "the run ended %d ms after fault %d (%s on %s) and its step healed at %s,"
						+ " before a leader was granted", Duration.ofNanos(this.endedNanos - healed).toMillis(),
						fault.number(), fault.kind(), fault.target(), at(healed));
			}
			else if (!recovered) {
				problem("no-leader", healed,
						"no leader within %d ms after fault %d (%s on %s) and its step healed at %s", Duration.ofNanos(bound).toMillis(), fault.number(), fault.kind(), fault.target(), at(healed));
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

	// A lease and a second; a lease more on a store that announces no release, when the step lost the store's data.
	private long recoveryBound(Fault fault) {
		Duration bound = this.lease.plusSeconds(1);
		boolean lossInStep = this.snapshot.faults()
			.stream()
			.anyMatch((other) -> other.step() == fault.step() && other.kind().losesData());
		return (!this.announcesReleases && lossInStep ? bound.plus(this.lease) : bound).toNanos();
	}

	private long stepHealedNanos(Fault fault) {
		return this.snapshot.faults()
			.stream()
			.filter((other) -> other.step() == fault.step())
			.mapToLong(this::overNanos)
			.max()
			.orElse(overNanos(fault));
	}

	// A leader stopped or yielding during a job run keeps its lease until the run is over, and releases it then: the
	// fault lasts until that run ends. A store that announces no release is taken over at a follower's next claim,
	// within a lease of it.
	private long overNanos(Fault fault) {
		if (fault.kind() != Fault.Kind.LONG_RUN_SIGTERM && fault.kind() != Fault.Kind.LONG_RUN_YIELD) {
			return fault.healedNanos();
		}
		return this.snapshot.executions()
			.stream()
			.filter((exec) -> exec.instance().equals(fault.target()) && exec.start() - fault.injectedNanos() <= 0
					&& exec.end() - fault.injectedNanos() >= 0)
			.mapToLong(Exec::end)
			.max()
			.orElse(fault.healedNanos());
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
						problem("slow-listener", grant.nanos(),
								"%s lost token %d while its grant listener was slow (fault %d)", grant.instance(),
								grant.token(), fault.number());
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

	// Whether the instance was stopped at some moment of the given time. The suite records a pause once kill has
	// sent SIGSTOP, but the process stops only when one of its threads has taken the signal and stopped the others,
	// so a run may start just after the recorded pause: what counts is that the time from the pause to the next
	// resume meets the run.
	private boolean pausedDuring(String instance, long start, long end) {
		List<Life> lives = livesOf(instance);
		for (int i = 0; i < lives.size(); i++) {
			if (lives.get(i).kind() == Life.Kind.PAUSED && lives.get(i).nanos() < end) {
				long resumed = lives.subList(i + 1, lives.size())
					.stream()
					.filter((life) -> life.kind() == Life.Kind.RESUMED)
					.mapToLong(Life::nanos)
					.findFirst()
					.orElse(Long.MAX_VALUE);
				if (resumed > start) {
					return true;
				}
			}
		}
		return false;
	}

	private List<Life> livesOf(String instance) {
		return this.snapshot.lives()
			.stream()
			.filter((life) -> life.instance().equals(instance))
			.sorted(Comparator.comparingLong(Life::nanos))
			.toList();
	}

	private Optional<Long> killedAfter(String instance, long nanos) {
		return livesOf(instance).stream()
			.filter((life) -> life.kind() == Life.Kind.KILLED && life.nanos() > nanos)
			.map(Life::nanos)
			.findFirst();
	}

	// When the instance's process ended after the given time: killed, or seen to exit.
	private Optional<Long> goneAfter(String instance, long nanos) {
		return livesOf(instance).stream()
			.filter((life) -> (life.kind() == Life.Kind.KILLED || life.kind() == Life.Kind.EXITED)
					&& life.nanos() > nanos)
			.map(Life::nanos)
			.findFirst();
	}

	// What goes wrong during a fault that no lease can make safe is listed apart, with the window it opened.
	private void problem(String kind, long nanos, String format, Object... args) {
		Optional<Fault> beyond = beyondLease(nanos);
		if (beyond.isPresent()) {
			this.exemptions.add(new Exemption(beyond.get(), kind, format.formatted(args)));
			return;
		}
		int count = this.reported.merge(kind, 1, Integer::sum);
		if (count <= MAX_REPORTED) {
			this.problems.add(format.formatted(args));
		}
		else if (count == MAX_REPORTED + 1) {
			this.problems.add("(further problems of kind '" + kind + "' not listed)");
		}
	}

	private Optional<Fault> beyondLease(long nanos) {
		long bound = this.lease.plusSeconds(1).toNanos();
		return this.snapshot.faults()
			.stream()
			.filter((fault) -> fault.kind().beyondLease() && nanos - fault.injectedNanos() >= 0
					&& nanos - (stepHealedNanos(fault) + bound) <= 0)
			.findFirst();
	}

	private long count(String kind) {
		return this.reported.getOrDefault(kind, 0);
	}

	private String at(long nanos) {
		return "%.3f s".formatted((nanos - this.originNanos) / 1e9);
	}

	private static long nanos(Object record) {
		return (record instanceof Grant grant) ? grant.nanos() : ((Revoke) record).nanos();
	}

	/**
	 * How a term ended.
	 */
	enum Ending {

		/**
		 * The instance released the lease.
		 */
		RELEASED,

		/**
		 * A renewal was refused.
		 */
		REFUSED,

		/**
		 * The deadline passed, or the instance gave the lease up without a release.
		 */
		LAPSED,

		/**
		 * The instance was killed or exited.
		 */
		KILLED,

		/**
		 * The instance was granted the lease again.
		 */
		REGRANTED,

		/**
		 * The run ended while the term went on.
		 */
		OPEN;

		String describe() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * A term as it is built, call by call.
	 */
	private static final class TermBuilder {

		private final String instance;

		private final long token;

		private final long asked;

		private final long granted;

		private final List<long[]> spans = new ArrayList<>();

		private long deadline;

		TermBuilder(String instance, long token, long asked, long granted, long deadline) {
			this.instance = instance;
			this.token = token;
			this.asked = asked;
			this.granted = granted;
			this.deadline = deadline;
			this.spans.add(new long[] { granted, deadline });
		}

		// A renewal whose reply came after the deadline revives the lease only from that reply on.
		void renewed(long sent, long replied, long deadline) {
			long[] last = this.spans.get(this.spans.size() - 1);
			if (replied - this.deadline <= 0) {
				last[1] = Math.max(last[1], deadline);
			}
			else {
				this.spans.add(new long[] { replied, deadline });
			}
			this.deadline = Math.max(this.deadline, deadline);
		}

		Term end(long at, Ending ending) {
			long end = Math.min(at, this.deadline);
			Ending actual = (this.deadline - at < 0) ? Ending.LAPSED : ending;
			List<long[]> valid = new ArrayList<>();
			for (long[] span : this.spans) {
				long spanEnd = Math.min(span[1], end);
				if (spanEnd - span[0] > 0) {
					valid.add(new long[] { span[0], spanEnd });
				}
			}
			return new Term(this.instance, this.token, this.asked, this.granted, end, actual, valid);
		}

	}

	/**
	 * One lease of an instance, from the store's replies: when it was asked for and granted, when and how it ended,
	 * and the times it was valid (more than one when a late renewal revived it).
	 */
	static final class Term {

		private final String instance;

		private final long token;

		private final long asked;

		private final long granted;

		private final long end;

		private final Ending ending;

		private final List<Span> spans;

		Term(String instance, long token, long asked, long granted, long end, Ending ending, List<long[]> spans) {
			this.instance = instance;
			this.token = token;
			this.asked = asked;
			this.granted = granted;
			this.end = end;
			this.ending = ending;
			this.spans = spans.stream().map((span) -> new Span(this, span[0], span[1])).toList();
		}

		String instance() {
			return this.instance;
		}

		long token() {
			return this.token;
		}

		long asked() {
			return this.asked;
		}

		long granted() {
			return this.granted;
		}

		long end() {
			return this.end;
		}

		Ending ending() {
			return this.ending;
		}

		List<Span> spans() {
			return this.spans;
		}

		boolean isValidAt(long nanos) {
			return this.spans.stream().anyMatch((span) -> span.start() <= nanos && nanos < span.end());
		}

		String describeEnd(LongFunction<String> at) {
			return "%s at %s".formatted(this.ending.describe(), at.apply(this.end));
		}

	}

	/**
	 * A time during which a term was valid.
	 */
	record Span(Term term, long start, long end) {

	}

	/**
	 * A job run: its fencing token, start, end, whether its process ended before it did, and the term it ran in.
	 */
	record Run(String instance, long token, long start, long end, boolean cut, @Nullable Term term) {

		String describeCut() {
			return this.cut ? ", cut short by the end of its process" : "";
		}

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
	 * What went wrong during a fault that no lease can make safe: the fault, the kind of problem, and what happened.
	 */
	record Exemption(Fault fault, String kind, String description) {

	}

	/**
	 * The result of a check.
	 * @param problems what went wrong, at most ten of each kind
	 * @param problemCounts how many problems of each kind were found
	 * @param executions job runs checked
	 * @param terms leases built from the store calls
	 * @param overlaps overlapping job runs of different instances
	 * @param fencedOverlaps runs that outlived their lease against their instance's will and that the next leader's
	 * runs overlapped, each with the lower token
	 * @param validityOverlaps overlapping terms of different instances
	 * @param handovers grants after the first
	 * @param longestWithoutLeader the longest time without a leader
	 * @param faultsByKind faults injected, by kind
	 * @param mixedByKind faults injected in mixes (steps of several faults), by kind
	 * @param outcomes what followed each fault
	 * @param beyondLease what went wrong during faults that no lease can make safe
	 */
	record Verdict(List<String> problems, Map<String, Integer> problemCounts, long executions, long terms,
			long overlaps, long fencedOverlaps, long validityOverlaps, long handovers, Gap longestWithoutLeader,
			Map<Fault.Kind, Integer> faultsByKind, Map<Fault.Kind, Integer> mixedByKind, List<FaultOutcome> outcomes,
			List<Exemption> beyondLease) {

		boolean passed() {
			return this.problems.isEmpty();
		}

		long count(String kind) {
			return this.problemCounts.getOrDefault(kind, 0);
		}

		/**
		 * How many faults of the kind were injected in mixes.
		 */
		int mixed(Fault.Kind kind) {
			return this.mixedByKind.getOrDefault(kind, 0);
		}

	}

}
