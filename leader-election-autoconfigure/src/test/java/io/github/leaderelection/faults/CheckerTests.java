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
import io.github.leaderelection.faults.Timeline.Call;
import io.github.leaderelection.faults.Timeline.Exec;
import io.github.leaderelection.faults.Timeline.Fault;
import io.github.leaderelection.faults.Timeline.Grant;
import io.github.leaderelection.faults.Timeline.Life;
import io.github.leaderelection.faults.Timeline.Revoke;
import io.github.leaderelection.faults.Timeline.SlowDone;
import io.github.leaderelection.faults.Timeline.Snapshot;
import io.github.leaderelection.faults.Timeline.Start;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link Checker} on histories written by hand, in milliseconds: each rule with a history that breaks it
 * and one that keeps it.
 */
class CheckerTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private final List<Exec> executions = new ArrayList<>();

	private final List<Start> starts = new ArrayList<>();

	private final List<Call> calls = new ArrayList<>();

	private final List<Grant> grants = new ArrayList<>();

	private final List<Revoke> revokes = new ArrayList<>();

	private final List<SlowDone> slowDone = new ArrayList<>();

	private final List<Life> lives = new ArrayList<>(List.of(new Life("a", Life.Kind.STARTED, 0),
			new Life("b", Life.Kind.STARTED, 0)));

	private final List<Fault> faults = new ArrayList<>();

	private final List<Long> phases = new ArrayList<>();

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
		assertThat(verdict.terms()).isEqualTo(2);
		assertThat(verdict.handovers()).isEqualTo(1);
		assertThat(verdict.longestWithoutLeader().duration()).isEqualTo(Duration.ofMillis(5));
	}

	@Test
	void tokenGrantedToTwoInstancesFails() {
		lead("a", 7, 100, 1000);
		lead("b", 7, 1005, 5000);
		Verdict verdict = check(5000);
		assertThat(verdict.count("shared-token")).isOne();
		assertThat(verdict.problems())
			.anyMatch((problem) -> problem.equals("fencing token 7 was granted to a at 0.100 s and to b at 1.005 s"));
	}

	@Test
	void tokenGrantedTwiceToOneInstanceIsItsOwnButGoesBack() {
		lead("a", 7, 100, 1000);
		lead("a", 7, 1005, 4000);
		run("a", 7, 2000, 2010);
		Verdict verdict = check(5000);
		assertThat(verdict.count("shared-token")).isZero();
		assertThat(verdict.count("grant-order")).isOne();
		// The run belongs to the second grant, which was revoked at 4000 ms.
		assertThat(verdict.count("after-revoke")).isZero();
		assertThat(verdict.longestWithoutLeader().duration()).isEqualTo(Duration.ofMillis(1000));
	}

	@Test
	void grantNotAboveAnEarlierGrantFails() {
		lead("a", 7, 100, 1000);
		lead("b", 8, 1005, 2000);
		lead("a", 8, 2005, 5000);
		Verdict verdict = check(5000);
		assertThat(verdict.count("grant-order")).isOne();
		assertThat(verdict.problems()).anyMatch((problem) -> problem
			.startsWith("a was granted token 8 at 2.005 s (asked at 2.004 s), not above token 8 that b was granted"));
	}

	@Test
	void grantsAskedForBeforeAnEarlierReplyMayComeInAnyOrder() {
		// b asked before a's grant had come back: Redis may have granted b's token first.
		this.calls.add(new Call("a", Call.Kind.ACQUIRE, ms(100), ms(300), "GRANTED", 8));
		this.calls.add(new Call("a", Call.Kind.RELEASE, ms(310), ms(311), "true", 0));
		this.calls.add(new Call("b", Call.Kind.ACQUIRE, ms(200), ms(320), "GRANTED", 7));
		assertThat(check(5000).count("grant-order")).isZero();
	}

	@Test
	void overlappingLeasesOfTwoInstancesFail() {
		lead("a", 1, 100, 3000);
		lead("b", 2, 1500, 5000);
		Verdict verdict = check(5000);
		assertThat(verdict.validityOverlaps()).isOne();
		assertThat(verdict.problems()).anyMatch((problem) -> problem.startsWith(
				"a (token 1, valid 0.100 s to 3.000 s, released) and b (token 2, valid 1.500 s to 5.000 s, released)")
				&& problem.endsWith("held leases at the same time for 1500 ms"));
	}

	@Test
	void leaseEndsAtTheDeadlineCountedFromTheLastSuccessfulRenewal() {
		// Cut off: the renewal sent at 600 ms is the last that succeeds, so the lease lasts until 2600 ms.
		acquire("a", 1, 100);
		renew("a", 600, "ok");
		renew("a", 1100, "failed");
		renew("a", 1600, "failed");
		acquire("b", 2, 2610);
		assertThat(check(5000).problems()).isEmpty();
		this.calls.clear();
		acquire("a", 1, 100);
		renew("a", 600, "ok");
		renew("a", 1100, "failed");
		acquire("b", 2, 2500);
		Verdict verdict = check(5000);
		assertThat(verdict.validityOverlaps()).isOne();
		assertThat(verdict.problems()).anyMatch((problem) -> problem.contains("valid 0.100 s to 2.600 s, lapsed")
				&& problem.endsWith("for 100 ms"));
	}

	@Test
	void lateRenewalRevivesTheLeaseOnlyFromItsReply() {
		acquire("a", 1, 100);
		// Sent at 1900 ms, answered at 2300 ms: valid again from 2300 ms to 3900 ms, not from 2100 ms.
		this.calls.add(new Call("a", Call.Kind.RENEW, ms(1900), ms(2300), "ok", 0));
		this.calls.add(new Call("b", Call.Kind.ACQUIRE, ms(2150), ms(2200), "GRANTED", 2));
		this.calls.add(new Call("b", Call.Kind.RELEASE, ms(2250), ms(2251), "true", 0));
		assertThat(check(5000).validityOverlaps()).isZero();
		this.calls.add(new Call("b", Call.Kind.ACQUIRE, ms(2400), ms(2450), "GRANTED", 3));
		assertThat(check(5000).validityOverlaps()).isOne();
	}

	@Test
	void refusedRenewalEndsTheLeaseAtItsReply() {
		acquire("a", 1, 100);
		this.calls.add(new Call("a", Call.Kind.RENEW, ms(1000), ms(1010), "refused", 0));
		acquire("b", 2, 1011);
		assertThat(check(5000).problems()).isEmpty();
		this.calls.clear();
		acquire("a", 1, 100);
		this.calls.add(new Call("a", Call.Kind.RENEW, ms(1000), ms(1200), "refused", 0));
		acquire("b", 2, 1050);
		assertThat(check(5000).validityOverlaps()).isOne();
	}

	@Test
	void killEndsTheLease() {
		acquire("a", 1, 100);
		this.lives.add(new Life("a", Life.Kind.KILLED, ms(1000)));
		acquire("b", 2, 1500);
		assertThat(check(5000).problems()).isEmpty();
	}

	@Test
	void leasesWithinTheClockToleranceDoNotOverlap() {
		acquire("a", 1, 100);
		// a's lease ends at 2099 ms; b's grant came back 1 ms before that.
		acquire("b", 2, 2098);
		assertThat(check(5000).validityOverlaps()).isZero();
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
	void overlappingRunsWithTheSameTokenFail() {
		// The Redis restart of issue 9: the snapshot's older counter granted b the token a still held.
		acquire("a", 5, 100);
		renew("a", 400, "ok");
		acquire("b", 5, 500);
		this.calls.add(new Call("a", Call.Kind.RENEW, ms(700), ms(710), "refused", 0));
		run("a", 5, 600, 610);
		run("b", 5, 605, 615);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isOne();
		assertThat(verdict.count("shared-token")).isOne();
		assertThat(verdict.validityOverlaps()).isOne();
		assertThat(verdict.count("order")).isOne();
	}

	@Test
	void runAfterTheDeadlineFails() {
		// Granted on a claim sent at 99 ms and never renewed: the lease ends at 2099 ms.
		this.calls.add(new Call("a", Call.Kind.ACQUIRE, ms(99), ms(100), "GRANTED", 1));
		this.grants.add(new Grant("a", 1, ms(100)));
		run("a", 1, 2050, 2060);
		assertThat(check(5000).count("late")).isZero();
		run("a", 1, 2100, 2110);
		assertThat(check(5000).problems())
			.anyMatch((problem) -> problem.equals("a ran the job with token 1 at 2.100 s outside its lease (granted at"
					+ " 0.100 s, lapsed at 2.099 s)"));
	}

	@Test
	void runThatBeganWithoutATokenInViewBelongsToTheLeaseItBeganIn() {
		// The handover began after the call was admitted: the elector showed no grant, the lease was still held.
		lead("a", 4, 100, 1000);
		run("a", 0, 950, 990);
		lead("b", 5, 1005, 5000);
		run("b", 5, 1010, 1020);
		Verdict verdict = check(5000);
		assertThat(verdict.problems()).isEmpty();
		run("b", 0, 960, 970);
		assertThat(check(5000).problems())
			.anyMatch((problem) -> problem.equals("b ran the job at 0.960 s without a lease"));
	}

	@Test
	void runAdmittedAsARefusalArrivesIsNoRunWithoutALease() {
		// The soak of seed 1571871971358323261: a run began 22.5 µs after the refused reply, before the elector knew.
		acquire("a", 1, 100);
		this.calls.add(new Call("a", Call.Kind.RENEW, ms(900), ms(910), "refused", 0));
		this.starts.add(new Start("a", 1, ms(910) + 22_500));
		this.executions.add(new Exec("a", 1, ms(910) + 22_500, ms(912)));
		assertThat(check(5000).count("late")).isZero();
		run("a", 1, 913, 915);
		assertThat(check(5000).problems()).anyMatch((problem) -> problem
			.equals("a ran the job with token 1 at 0.913 s outside its lease (granted at 0.100 s, refused at 0.910 s)"));
	}

	@Test
	void runWithoutALeaseOrWithATokenNeverGrantedFails() {
		this.executions.add(new Exec("a", 0, ms(500), ms(500)));
		run("b", 3, 600, 610);
		assertThat(check(5000).problems())
			.anyMatch((problem) -> problem.contains("a ran the job at 0.500 s without a lease"))
			.anyMatch((problem) -> problem.contains("which the store never granted it"));
	}

	@Test
	void runAfterTheRevocationFails() {
		lead("a", 1, 100, 1000);
		run("a", 1, 1100, 1110);
		assertThat(check(5000).problems()).anyMatch((problem) -> problem.contains("after its revocation"));
	}

	@Test
	void runThatBeganBeforeItsGrantEventBelongsToItsLease() {
		lead("a", 7, 100, 1000);
		// Granted the same token again; events go out on their own thread, so the job ran before the event came.
		acquire("a", 7, 1005);
		run("a", 7, 1006, 1008);
		this.grants.add(new Grant("a", 7, ms(1010)));
		this.revokes.add(new Revoke("a", 7, ms(1200), "YIELDED"));
		assertThat(check(5000).count("after-revoke")).isZero();
		run("a", 7, 1300, 1310);
		assertThat(check(5000).count("after-revoke")).isOne();
	}

	@Test
	void runThatOutlivesAReleasedLeaseFails() {
		// SIGTERM 1 s into a 3 s run: the lease was released while the run went on.
		lead("a", 1, 100, 1500);
		run("a", 1, 500, 3500);
		lead("b", 2, 1520, 5000);
		run("b", 2, 1530, 1540);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isOne();
		assertThat(verdict.fencedOverlaps()).isZero();
		this.executions.removeIf((exec) -> exec.instance().equals("b"));
		this.starts.removeIf((start) -> start.instance().equals("b"));
		run("b", 2, 3510, 3520);
		assertThat(check(5000).problems()).isEmpty();
	}

	@Test
	void runCutShortByTheEndOfItsProcessLastsUntilTheExit() {
		lead("a", 1, 100, 1000);
		this.starts.add(new Start("a", 1, ms(500)));
		this.lives.add(new Life("a", Life.Kind.EXITED, ms(1500)));
		lead("b", 2, 1020, 5000);
		run("b", 2, 1200, 1210);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isOne();
		assertThat(verdict.problems()).anyMatch((problem) -> problem.contains("cut short by the end of its process"));
		this.executions.clear();
		this.starts.removeIf((start) -> start.instance().equals("b"));
		run("b", 2, 1600, 1610);
		assertThat(check(5000).problems()).isEmpty();
	}

	@Test
	void runThatOutlivesALapsedLeaseOverlapsOnlyAsAFencedRun() {
		// Cut off from Redis during a 3 s run: the lease lapsed at 2600 ms while the job went on.
		acquire("a", 1, 100);
		renew("a", 600, "ok");
		renew("a", 1100, "failed");
		run("a", 1, 1000, 4000);
		acquire("b", 2, 2700);
		run("b", 2, 2710, 2720);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isZero();
		assertThat(verdict.fencedOverlaps()).isOne();
		assertThat(verdict.problems()).isEmpty();
	}

	@Test
	void runThatOutlivesItsLeaseWithTheHigherTokenFails() {
		acquire("a", 3, 100);
		renew("a", 600, "ok");
		run("a", 3, 1000, 4000);
		acquire("b", 2, 2700);
		run("b", 2, 2710, 2720);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isOne();
		assertThat(verdict.fencedOverlaps()).isZero();
	}

	@Test
	void runPausedMidwayOverlapsOnlyAsAFencedRun() {
		acquire("a", 1, 100);
		renew("a", 900, "ok");
		run("a", 1, 990, 3200);
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(995)));
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(3190)));
		acquire("b", 2, 2950);
		run("b", 2, 2960, 2970);
		run("b", 2, 3000, 3010);
		Verdict verdict = check(5000);
		assertThat(verdict.overlaps()).isZero();
		assertThat(verdict.fencedOverlaps()).isOne();
		assertThat(verdict.problems()).isEmpty();
	}

	@Test
	void runStartedJustAfterThePauseWasSentIsAPausedRun() {
		// SIGSTOP takes effect a moment after kill returns: the run began in that moment and froze.
		acquire("a", 1, 100);
		renew("a", 900, "ok");
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(995)));
		run("a", 1, 997, 3200);
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(3190)));
		acquire("b", 2, 2950);
		run("b", 2, 2960, 2970);
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
	void sameTokenAsAnotherInstancesEarlierRunFails() {
		lead("a", 2, 100, 1000);
		run("a", 2, 200, 210);
		lead("b", 3, 1005, 2000);
		run("b", 2, 1100, 1110);
		assertThat(check(5000).problems())
			.anyMatch((problem) -> problem.equals("b ran with token 2 at 1.100 s, after a had started with token 2 at"
					+ " 0.200 s"));
	}

	@Test
	void whatGoesWrongDuringAFaultBeyondALeaseIsCountedApart() {
		// A failover lost b's grant: a was granted the same token while b still believed it led.
		acquire("b", 5, 100);
		this.faults.add(new Fault(1, 1, Fault.Kind.SENTINEL_FAILOVER, "redis", ms(500), ms(1500)));
		acquire("a", 5, 1600);
		this.calls.add(new Call("b", Call.Kind.RENEW, ms(1700), ms(1710), "refused", 0));
		this.grants.add(new Grant("a", 5, ms(1600)));
		this.revokes.add(new Revoke("a", 5, ms(4000), "YIELDED"));
		Verdict verdict = check(5000);
		assertThat(verdict.problems()).isEmpty();
		assertThat(verdict.beyondLease()).extracting(Checker.Exemption::kind)
			.containsExactlyInAnyOrder("shared-token", "grant-order", "validity-overlap");
		assertThat(verdict.beyondLease()).allMatch((exemption) -> exemption.fault().number() == 1);
		// The same history without the failover is the election's fault.
		this.faults.clear();
		assertThat(check(5000).count("validity-overlap")).isOne();
	}

	@Test
	void failoverThatLosesWritesInAMixIsCountedApartFromTheKillOfTheMasterOnly() {
		// In one mix: a follower paused, and the master killed while its replica was cut off, so that the promoted
		// replica lost b's grant and a was granted the same token.
		run("a", 0, 300, 310);
		acquire("b", 5, 100);
		this.faults.add(new Fault(1, 1, Fault.Kind.FOLLOWER_PAUSE, "c", ms(200), ms(4200)));
		this.faults.add(new Fault(2, 1, Fault.Kind.SENTINEL_FAILOVER, "redis", ms(500), ms(1500)));
		acquire("a", 5, 1600);
		this.calls.add(new Call("b", Call.Kind.RENEW, ms(1700), ms(1710), "refused", 0));
		this.grants.add(new Grant("a", 5, ms(1600)));
		this.revokes.add(new Revoke("a", 5, ms(6000), "YIELDED"));
		Verdict verdict = check(6000);
		// What went wrong before the kill is the election's fault, in the same mix too.
		assertThat(verdict.problems()).containsExactly("a ran the job at 0.300 s without a lease");
		assertThat(verdict.beyondLease()).extracting(Checker.Exemption::kind)
			.containsExactlyInAnyOrder("shared-token", "grant-order", "validity-overlap");
		assertThat(verdict.beyondLease()).allMatch((exemption) -> exemption.fault().number() == 2);
		assertThat(verdict.mixed(Fault.Kind.SENTINEL_FAILOVER)).isOne();
		// A failover to a replica that has every write excuses nothing.
		this.faults.set(1, new Fault(2, 1, Fault.Kind.SENTINEL_MASTER_KILLED, "redis", ms(500), ms(1500)));
		Verdict inSync = check(6000);
		assertThat(inSync.beyondLease()).isEmpty();
		assertThat(inSync.count("shared-token")).isOne();
		assertThat(inSync.count("validity-overlap")).isOne();
		assertThat(inSync.mixed(Fault.Kind.SENTINEL_MASTER_KILLED)).isOne();
	}

	@Test
	void onlyFaultsOfStepsOfSeveralFaultsCountAsMixed() {
		lead("a", 1, 100, 9000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SENTINEL_FAILOVER, "redis", ms(1000), ms(1000)));
		this.faults.add(new Fault(2, 2, Fault.Kind.SENTINEL_FAILOVER, "redis", ms(3000), ms(3000)));
		this.faults.add(new Fault(3, 2, Fault.Kind.FOLLOWER_PAUSE, "b", ms(3100), ms(5000)));
		Verdict verdict = check(9000);
		assertThat(verdict.faultsByKind()).containsEntry(Fault.Kind.SENTINEL_FAILOVER, 2);
		assertThat(verdict.mixedByKind()).containsOnly(entry(Fault.Kind.SENTINEL_FAILOVER, 1),
				entry(Fault.Kind.FOLLOWER_PAUSE, 1));
	}

	@Test
	void timeBetweenPhasesIsNoTimeWithoutALeader() {
		lead("a", 1, 100, 1000);
		lead("b", 2, 9000, 10000);
		assertThat(check(10000).longestWithoutLeader().duration()).isEqualTo(Duration.ofMillis(8000));
		this.phases.add(ms(2000));
		assertThat(check(10000).longestWithoutLeader().duration()).isZero();
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
		clearLeases();
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
		lead("b", 2, 6050, 7000);
		Verdict verdict = check(7000);
		assertThat(verdict.outcomes().get(0).nextLeader()).isNull();
		assertThat(verdict.outcomes().get(1).nextLeader()).isEqualTo("b");
		assertThat(verdict.outcomes().get(1).after()).isEqualTo(Duration.ofMillis(2550));
	}

	@Test
	void faultsOfOneStepShareTheHandoverThatFollowsThem() {
		lead("a", 1, 100, 5000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SIGSTOP_LEADER, "a", ms(1000), ms(5000)));
		this.faults.add(new Fault(2, 1, Fault.Kind.REDIS_RESTART, "redis", ms(1400), ms(1400)));
		this.lives.add(new Life("a", Life.Kind.PAUSED, ms(1000)));
		this.lives.add(new Life("a", Life.Kind.RESUMED, ms(5000)));
		this.calls.clear();
		acquire("a", 1, 100);
		renew("a", 900, "ok");
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
		clearLeases();
		lead("a", 1, 100, 1000);
		lead("b", 2, 8500, 9000);
		assertThat(check(9000).problems())
			.anyMatch((problem) -> problem.contains("no leader within 3000 ms after fault 1 (SIGKILL_LEADER on a)"));
	}

	@Test
	void recoveryFromAStopDuringAJobRunIsAwaitedFromTheEndOfThatRun() {
		// Yielding 1 s into a 3 s run, the leader keeps its lease until the run is over, at 4000 ms.
		this.faults.add(new Fault(1, 1, Fault.Kind.LONG_RUN_YIELD, "a", ms(2000), ms(2000)));
		lead("a", 1, 100, 4000);
		run("a", 1, 1000, 4000);
		lead("b", 2, 6900, 9000);
		assertThat(check(9000).problems()).isEmpty();
		clearLeases();
		lead("a", 1, 100, 4000);
		lead("b", 2, 7100, 9000);
		assertThat(check(9000).problems())
			.anyMatch((problem) -> problem.contains("no leader within 3000 ms after fault 1 (LONG_RUN_YIELD on a)"));
	}

	@Test
	void lossOfDataWithoutALeaderMayTakeALeaseMoreOnAStoreThatAnnouncesNoRelease() {
		// The leader stops and its row is deleted at once: a follower meets the loss at its next claim, and
		// quarantines the role for a lease.
		lead("a", 1, 100, 1000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SIGTERM_LEADER, "a", ms(1000), ms(1000)));
		this.faults.add(new Fault(2, 1, Fault.Kind.ROW_DELETED, "mariadb", ms(1150), ms(1150)));
		lead("b", 2, 5000, 9000);
		assertThat(check(9000, false).problems()).isEmpty();
		assertThat(check(9000, true).problems())
			.anyMatch((problem) -> problem.contains("no leader within 3000 ms after fault 2 (ROW_DELETED on mariadb)"));
		clearLeases();
		lead("a", 1, 100, 1000);
		lead("b", 2, 6300, 9000);
		assertThat(check(9000, false).problems())
			.anyMatch((problem) -> problem.contains("no leader within 5000 ms after fault 2 (ROW_DELETED on mariadb)"));
		// Without a loss of data, the store's next claim comes within a lease: no time more.
		clearLeases();
		this.faults.remove(1);
		lead("a", 1, 100, 1000);
		lead("b", 2, 4500, 9000);
		assertThat(check(9000, false).problems())
			.anyMatch((problem) -> problem.contains("no leader within 3000 ms after fault 1 (SIGTERM_LEADER on a)"));
	}

	@Test
	void slowListenerThatCostTheLeaseFails() {
		lead("a", 1, 100, 1000);
		this.faults.add(new Fault(1, 1, Fault.Kind.SLOW_LISTENER, "a", ms(1000), ms(1000)));
		lead("b", 2, 1010, 2000);
		this.slowDone.add(new SlowDone("b", 2, ms(5000)));
		assertThat(check(6000).problems()).anyMatch((problem) -> problem.contains("while its grant listener was slow"));
	}

	// A lease from a claim sent a millisecond before its grant, renewed every 500 ms until its release, with the
	// events that go with it.
	private void lead(String instance, long token, long from, long to) {
		acquire(instance, token, from);
		for (long renewal = from + 500; renewal < to; renewal += 500) {
			renew(instance, renewal, "ok");
		}
		this.calls.add(new Call(instance, Call.Kind.RELEASE, ms(to), ms(to) + 1, "true", 0));
		this.grants.add(new Grant(instance, token, ms(from)));
		this.revokes.add(new Revoke(instance, token, ms(to), "YIELDED"));
	}

	private void acquire(String instance, long token, long grantedMillis) {
		this.calls.add(new Call(instance, Call.Kind.ACQUIRE, ms(grantedMillis - 1), ms(grantedMillis), "GRANTED",
				token));
	}

	private void renew(String instance, long sentMillis, String result) {
		this.calls.add(new Call(instance, Call.Kind.RENEW, ms(sentMillis), ms(sentMillis) + 1, result, 0));
	}

	private void run(String instance, long token, long start, long end) {
		this.starts.add(new Start(instance, token, ms(start)));
		this.executions.add(new Exec(instance, token, ms(start), ms(end)));
	}

	private void clearLeases() {
		this.calls.clear();
		this.grants.clear();
		this.revokes.clear();
	}

	private Verdict check(long endedMillis) {
		return check(endedMillis, true);
	}

	private Verdict check(long endedMillis, boolean announcesReleases) {
		return Checker.check(new Snapshot(this.executions, this.starts, this.calls, this.grants, this.revokes,
				this.slowDone, this.lives, this.faults, this.phases), LEASE, announcesReleases, 0, ms(endedMillis));
	}

	private static long ms(long millis) {
		return Duration.ofMillis(millis).toNanos();
	}

}
