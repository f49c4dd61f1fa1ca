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
import java.util.List;

import io.github.leaderelection.faults.Checker.Verdict;
import io.github.leaderelection.faults.Timeline.Exec;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.faults.Timeline.Revoke;
import io.github.leaderelection.faults.Timeline.SlowDone;
import io.github.leaderelection.faults.Timeline.Snapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Checker} on histories written by hand, in milliseconds.
 */
class CheckerTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private final List<Exec> executions = new ArrayList<>();

	private final List<Grant> grants = new ArrayList<>();

	private final List<Revoke> revokes = new ArrayList<>();

	private final List<SlowDone> slowDone = new ArrayList<>();

	private final List<Life> lives = new ArrayList<>(List.of(new Life("a", Life.Kind.STARTED, 0),
			new Life("b", Life.Kind.STARTED, 0)));

	private final List<Fault> faults = new ArrayList<>();

	@Test
	void cleanHandoverPasses() {
		lead("a", 1, 100, 1000);
		run("a", 1, 200, 210);
		run("a", 1, 900, 910);
		lead("b", 2, 1005, 5000);
		run("b", 2, 1010, 1020);
		Verdict verdict = check(5000);
		assertThat(verdict.problems()).isEmpty();
		assertThat(verdict.executions()).isEqualTo(3);
		assertThat(verdict.handovers()).isEqualTo(1);
		assertThat(verdict.longestWithoutLeader().duration()).isEqualTo(Duration.ofMillis(5));
	}

	@Test
	void overlappingRunsWithDifferentTokensFail() {
		lead("a", 1, 100, 1000);
		lead("b", 2, 1005, 5000);
		run("a", 1, 990, 1010);
		run("b", 2, 1006, 1020);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isOne();
		assertThat(verdict.problems()).anyMatch((problem) -> problem.contains("ran the job at the same time"));
	}

	@Test
	void runPausedMidwayOverlapsOnlyAsAFencedRun() {
		lead("a", 1, 100, 3000);
		run("a", 1, 990, 2900);
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(995)));
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(2890)));
		lead("b", 2, 1100, 5000);
		run("b", 2, 1200, 1210);
		run("b", 2, 1300, 1310);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isZero();
		assertThat(verdict.fencedOverlaps()).isOne();
		assertThat(verdict.problems()).isEmpty();
	}

	@Test
	void runStartedJustAfterThePauseWasSentIsAPausedRun() {
		// SIGSTOP takes effect a moment after kill returns: the run began in that moment and froze.
		lead("a", 1, 100, 3000);
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(995)));
		run("a", 1, 997, 2900);
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(2890)));
		lead("b", 2, 1100, 5000);
		run("b", 2, 1200, 1210);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isZero();
		assertThat(verdict.fencedOverlaps()).isOne();
	}

	@Test
	void runAfterTheResumeIsNoPausedRun() {
		lead("a", 1, 100, 5000);
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(500)));
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(900)));
		run("a", 1, 1000, 2900);
		lead("b", 2, 1100, 5000);
		run("b", 2, 1200, 1210);
		assertThat(check(5000).overlaps()).isOne();
	}

	@Test
	void lowerTokenAfterAHigherOneFails() {
		lead("a", 1, 100, 5000);
		lead("b", 2, 200, 300);
		run("b", 2, 210, 220);
		run("a", 1, 400, 410);
		assertThat(check(5000).problems()).anyMatch((problem) -> problem.contains("after b had started with token 2"));
	}

	@Test
	void runAfterTheDeadlineOrTheRevocationFails() {
		lead("a", 1, 100, 1000);
		this.executions.add(new Exec("a", 1, 500, 510, 400));
		run("a", 1, 1100, 1110);
		assertThat(check(5000).problems()).anyMatch((problem) -> problem.contains("without a valid lease"))
			.anyMatch((problem) -> problem.contains("after its revocation"));
	}

	@Test
	void grantWithoutARevocationFailsUnlessTheInstanceWasKilled() {
		this.grants.add(new Grant("a", 1, ms(100)));
		assertThat(check(5000).problems()).anyMatch((problem) -> problem.contains("without an OnRevokedEvent"));
		this.lives.add(new Life("a", Life.Kind.KILLED, ms(500)));
		assertThat(check(5000).problems()).isEmpty();
	}

	@Test
	void faultWithoutALeaderWithinALeaseAndASecondFails() {
		lead("a", 1, 100, 1000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SIGKILL_LEADER, "a", ms(1000), ms(1000)));
		this.lives.add(new Life("a", Life.Kind.KILLED, ms(1000)));
		lead("b", 2, 4500, 6000);
		assertThat(check(6000).problems()).anyMatch((problem) -> problem.contains("no leader within 3000 ms"));
		this.grants.clear();
		this.revokes.clear();
		lead("a", 1, 100, 1000);
		lead("b", 2, 3500, 6000);
		assertThat(check(6000).problems()).isEmpty();
	}

	@Test
	void runThatEndsBeforeTheRecoveryFromItsLastFaultFails() {
		lead("a", 1, 100, 1500);
		this.faults.add(new Fault(1, 1, Fault.Kind.LATENCY, "a", ms(1000), ms(5000)));
		assertThat(check(5600).problems())
			.anyMatch((problem) -> problem.contains("the run ended 600 ms after fault 1"));
	}

	@Test
	void handoverAfterTheNextFaultIsNotCountedForTheFaultBefore() {
		lead("a", 1, 100, 6000);
		this.faults.add(new Fault(1, 1, Fault.Kind.LATENCY, "a", ms(1000), ms(3000)));
		this.faults.add(new Fault(2, 2, Fault.Kind.SIGTERM_LEADER, "a", ms(3500), ms(3500)));
		lead("b", 2, 3550, 7000);
		Verdict verdict = check(7000);
		assertThat(verdict.outcomes().get(0).nextLeader()).isNull();
		assertThat(verdict.outcomes().get(1).nextLeader()).isEqualTo("b");
		assertThat(verdict.outcomes().get(1).after()).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void faultsOfOneStepShareTheHandoverThatFollowsThem() {
		lead("a", 1, 100, 5000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SIGSTOP_LEADER, "a", ms(1000), ms(5000)));
		this.faults.add(new Fault(2, 1, Fault.Kind.REDIS_RESTART, "redis", ms(1400), ms(1400)));
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(1000)));
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(5000)));
		lead("b", 2, 3500, 7000);
		Verdict verdict = check(7000);
		assertThat(verdict.problems()).isEmpty();
		assertThat(verdict.outcomes()).extracting((outcome) -> outcome.after())
			.containsExactly(Duration.ofMillis(2500), Duration.ofMillis(2100));
	}

	@Test
	void recoveryIsAwaitedFromTheEndOfEveryFaultOfTheStep() {
		lead("a", 1, 100, 1000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SIGKILL_LEADER, "a", ms(1000), ms(1000)));
		this.faults.add(new Fault(2, 1, Fault.Kind.REDIS_PAUSE, "redis", ms(1500), ms(5000)));
		this.lives.add(new Life("a", Life.Kind.KILLED, ms(1000)));
		lead("b", 2, 5200, 9000);
		assertThat(check(9000).problems()).isEmpty();
		this.grants.clear();
		this.revokes.clear();
		lead("a", 1, 100, 1000);
		lead("b", 2, 8500, 9000);
		assertThat(check(9000).problems())
			.anyMatch((problem) -> problem.contains("no leader within 3000 ms after fault 1 (SIGKILL_LEADER on a)"));
	}

	@Test
	void slowListenerThatCostTheLeaseFails() {
		lead("a", 1, 100, 1000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SLOW_LISTENER, "a", ms(1000), ms(1000)));
		lead("b", 2, 1010, 2000);
		this.slowDone.add(new SlowDone("b", 2, ms(5000)));
		assertThat(check(6000).problems()).anyMatch((problem) -> problem.contains("while its grant listener was slow"));
	}

	private void lead(String instance, long token, long from, long to) {
		this.grants.add(new Grant(instance, token, ms(from)));
		this.revokes.add(new Revoke(instance, token, ms(to), "YIELDED"));
	}

	private void run(String instance, long token, long start, long end) {
		this.executions.add(new Exec(instance, token, ms(start), ms(end), ms(start) + LEASE.toNanos()));
	}

	private Verdict check(long endedMillis) {
		return Checker.check(new Snapshot(this.executions, this.grants, this.revokes, this.slowDone, this.lives,
				this.faults), LEASE, ms(endedMillis));
	}

	private static long ms(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

}
