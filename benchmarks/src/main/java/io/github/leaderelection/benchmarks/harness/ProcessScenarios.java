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


package io.github.leaderelection.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The process scenarios of one contender, each on instances in JVMs of their own, on a store started for it: the
 * first grant on the fresh store, idle traffic, graceful handovers, handovers with a job in flight, crash
 * failovers, and the first grant on the store once it is warm. Times are {@link System#nanoTime()}: the harness
 * reads it as it signals, the applications as they print.
 */
final class ProcessScenarios implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);

	private final Contender contender;

	private final Settings settings;

	private final Store store;

	private final List<Child> live = new ArrayList<>();

	private final List<Child> all = new ArrayList<>();

	private String role = "bench";

	private Duration job = Duration.ZERO;

	private int started;

	private ProcessScenarios(Contender contender, Settings settings, Store store) {
		this.contender = contender;
		this.settings = settings;
		this.store = store;
	}

	/**
	 * Runs every scenario that applies to the contender and returns what they measured.
	 */
	static Map<String, Object> run(Contender contender, Settings settings) {
		Log.info("%s: starting %s", contender.label(), contender.postgres() ? "PostgreSQL" : "Redis");
		try (Store store = contender.postgres() ? new Store.Postgres() : new Store.Redis();
				ProcessScenarios scenarios = new ProcessScenarios(contender, settings, store)) {
			Map<String, Object> results = new LinkedHashMap<>();
			results.put("label", contender.label());
			results.put("store", store.version());
			results.put("instances", settings.instances());
			results.put("expiryMillis", contender.expiry().toMillis());
			if (contender.leadership()) {
				scenarios.leadership(results);
			}
			else {
				scenarios.lockPerRun(results);
			}
			return results;
		}
	}

	private void leadership(Map<String, Object> results) {
		results.put("firstGrantFresh", firstGrant(this.settings.instances()));
		awaitSteadyState();
		results.put("idleTraffic", idleTraffic());
		List<Double> handovers = new ArrayList<>();
		List<@Nullable Double> revoked = new ArrayList<>();
		for (int i = 0; i < this.contender.handovers(); i++) {
			long[] times = handover();
			handovers.add(millis(times[0]));
			revoked.add((times[1] >= 0) ? millis(times[1]) : null);
			Log.info("%s: handover %d/%d: %.1f ms", this.contender.label(), i + 1, this.contender.handovers(),
					handovers.get(i));
		}
		results.put("handoverMillis", handovers);
		// Where the time goes: from the signal to the old leader's OnRevokedEvent, which the engine sends as it
		// begins to stop; the rest is the release reaching the next leader and its grant.
		results.put("handoverSignalToRevokedMillis", revoked);
		if (this.contender.drains() > 0) {
			results.put("drain", drains());
		}
		List<Double> failovers = new ArrayList<>();
		for (int i = 0; i < this.contender.failovers(); i++) {
			failovers.add(millis(failover()));
			Log.info("%s: failover %d/%d: %.0f ms", this.contender.label(), i + 1, this.contender.failovers(),
					failovers.get(i));
		}
		results.put("failoverMillis", failovers);
		stopAll();
		// A role nobody has led yet, on the store that has run for several leases now.
		this.role = "warm";
		results.put("firstGrantWarm", firstGrant(this.settings.isFull() ? this.settings.instances() : 1));
		stopAll();
	}

	private void lockPerRun(Map<String, Object> results) {
		long before = System.nanoTime();
		startAll();
		Child.Found first = Child.awaitAny(this.live, "JOB-START", before, START_TIMEOUT);
		Child.Line ready = first.child().await("READY", 0, START_TIMEOUT);
		Map<String, Object> firstRun = new LinkedHashMap<>();
		firstRun.put("readyToGrantMillis", millis(first.line().nanos() - ready.nanos()));
		firstRun.put("spawnToGrantMillis", millis(first.line().nanos() - first.child().spawnedNanos()));
		results.put("firstGrantFresh", firstRun);
		awaitReady();
		long windowStart = System.nanoTime();
		Store.Traffic traffic = this.store.startTraffic(this.live);
		pause(this.settings.shedLockWindow());
		Store.Measured measured = traffic.stop();
		long windowEnd = windowStart + (long) (measured.seconds() * 1e9);
		List<long[]> runs = new ArrayList<>();
		Map<Long, Integer> perSecond = new TreeMap<>();
		for (int i = 0; i < this.live.size(); i++) {
			Child child = this.live.get(i);
			List<Child.Line> lines = child.lines();
			for (int j = 0; j < lines.size(); j++) {
				Child.Line line = lines.get(j);
				if (line.is("JOB-START") && line.nanos() >= windowStart && line.nanos() < windowEnd) {
					long end = endOf(lines, j);
					runs.add(new long[] { i, line.nanos(), end });
					perSecond.merge(Long.parseLong(line.word(2)) / 1000, 1, Integer::sum);
				}
			}
		}
		int overlaps = 0;
		for (int i = 0; i < runs.size(); i++) {
			for (int j = i + 1; j < runs.size(); j++) {
				long[] a = runs.get(i);
				long[] b = runs.get(j);
				if (a[0] != b[0] && a[1] < b[2] && b[1] < a[2]) {
					overlaps++;
				}
			}
		}
		int duplicates = perSecond.values().stream().mapToInt((count) -> count - 1).sum();
		Map<String, Object> executions = new LinkedHashMap<>();
		executions.put("windowSeconds", measured.seconds());
		executions.put("executions", runs.size());
		executions.put("secondsWithAnExecution", perSecond.size());
		executions.put("duplicateExecutions", duplicates);
		executions.put("overlappingExecutions", overlaps);
		executions.put("commandsPerExecution",
				runs.isEmpty() ? null : measured.totalPerSecond() * measured.seconds() / runs.size());
		results.put("executions", executions);
		results.put("idleTraffic", traffic(measured, null));
		stopAll();
	}

	private static long endOf(List<Child.Line> lines, int start) {
		for (int i = start + 1; i < lines.size(); i++) {
			if (lines.get(i).is("JOB-END")) {
				return lines.get(i).nanos();
			}
		}
		return Long.MAX_VALUE;
	}

	// Starts all instances at once, as a deployment would, and times the first grant after the granted instance's
	// "ready" (which may come first: electors start before the application reports ready).
	private Map<String, Object> firstGrant(int instances) {
		long before = System.nanoTime();
		for (int i = 0; i < instances; i++) {
			startOne();
		}
		Child.Found grant = Child.awaitAny(this.live, "GRANTED", before,
				START_TIMEOUT.plus(this.settings.leaseTimeout(this.contender.expiry())));
		Child.Line ready = grant.child().await("READY", 0, START_TIMEOUT);
		awaitReady();
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("readyToGrantMillis", millis(grant.line().nanos() - ready.nanos()));
		result.put("spawnToGrantMillis", millis(grant.line().nanos() - grant.child().spawnedNanos()));
		result.put("spawnToReadyMillis", millis(ready.nanos() - grant.child().spawnedNanos()));
		// The new-server quarantines count from the store's start.
		result.put("storeUptimeAtReadyMillis", millis(ready.nanos() - this.store.startedNanos()));
		Log.info("%s: first grant on role '%s' %.0f ms after ready", this.contender.label(), this.role,
				(double) result.get("readyToGrantMillis"));
		return result;
	}

	private void awaitSteadyState() {
		awaitReady();
		leader();
		// Past every instance's first attempts.
		pause(this.contender.expiry().dividedBy(2));
	}

	private Map<String, Object> idleTraffic() {
		Child leader = leader();
		int mark = leader.mark();
		Store.Traffic traffic = this.store.startTraffic(List.copyOf(this.live));
		pause(this.settings.idleWindow());
		Store.Measured measured = traffic.stop();
		Map<String, Object> result = traffic(measured, leader);
		result.put("leadershipChangedInWindow", leader.find("REVOKED", mark).isPresent() || leader() != leader);
		return result;
	}

	private Map<String, Object> traffic(Store.Measured measured, @Nullable Child leader) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("method", measured.method());
		result.put("windowSeconds", measured.seconds());
		result.put("totalPerSecond", measured.totalPerSecond());
		List<Double> followers = new ArrayList<>();
		measured.perSecondByInstance().forEach((name, perSecond) -> {
			if (leader != null && name.equals(leader.name())) {
				result.put("leaderPerSecond", perSecond);
			}
			else {
				followers.add(perSecond);
			}
		});
		result.put((leader != null) ? "followersPerSecond" : "instancesPerSecond", followers);
		result.put("perInstance", measured.perSecondByInstance());
		result.putAll(measured.details());
		return result;
	}

	// The time from the signal to the next grant, and to the old leader's revocation (-1 when it printed none).
	private long[] handover() {
		ensureInstances();
		Child old = leader();
		List<Child> others = others(old);
		int mark = old.mark();
		long signalled = System.nanoTime();
		old.terminate();
		Child.Found grant = Child.awaitAny(others, "GRANTED", signalled,
				this.settings.leaseTimeout(this.contender.expiry()));
		retire(old);
		Optional<Child.Line> revoked = old.find("REVOKED", mark);
		return new long[] { grant.line().nanos() - signalled,
				revoked.map((line) -> line.nanos() - signalled).orElse(-1L) };
	}

	private Map<String, Object> drains() {
		this.job = this.settings.job();
		this.live.forEach((child) -> child.send("job " + this.job.toMillis()));
		List<Double> handovers = new ArrayList<>();
		List<@Nullable Double> jobLeft = new ArrayList<>();
		List<@Nullable Double> afterJobEnd = new ArrayList<>();
		int cutShort = 0;
		int overlapping = 0;
		for (int i = 0; i < this.contender.drains(); i++) {
			ensureInstances();
			Child old = leader();
			List<Child> others = others(old);
			Child.Line start = old.await("JOB-START", old.mark(), this.job.multipliedBy(2).plusSeconds(30));
			long signalled = System.nanoTime();
			old.terminate();
			Child.Found grant = Child.awaitAny(others, "GRANTED", signalled,
					this.settings.leaseTimeout(this.contender.expiry()).plus(this.job));
			old.awaitExit(EXIT_TIMEOUT);
			Optional<Child.Line> end = old.find("JOB-END", old.lines().indexOf(start));
			handovers.add(millis(grant.line().nanos() - signalled));
			jobLeft.add(millis(start.nanos() + this.job.toNanos() - signalled));
			if (end.isPresent()) {
				afterJobEnd.add(millis(grant.line().nanos() - end.get().nanos()));
				if (grant.line().nanos() < end.get().nanos()) {
					overlapping++;
				}
			}
			else {
				// The process ended before the job did: the next leader may start while it would still have run.
				afterJobEnd.add(null);
				cutShort++;
			}
			Log.info("%s: handover with a job in flight %d/%d: %.0f ms", this.contender.label(), i + 1,
					this.contender.drains(), handovers.get(i));
			this.live.remove(old);
		}
		this.job = Duration.ZERO;
		this.live.forEach((child) -> child.send("job 0"));
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("jobMillis", this.settings.job().toMillis());
		result.put("handoverMillis", handovers);
		result.put("jobLeftAtSignalMillis", jobLeft);
		result.put("grantAfterJobEndMillis", afterJobEnd);
		result.put("grantedWhileOldJobRan", overlapping);
		result.put("jobCutShortByExit", cutShort);
		return result;
	}

	private long failover() {
		ensureInstances();
		Child old = leader();
		List<Child> others = others(old);
		long killed = System.nanoTime();
		old.kill();
		Child.Found grant = Child.awaitAny(others, "GRANTED", killed,
				this.settings.leaseTimeout(this.contender.expiry()));
		retire(old);
		return grant.line().nanos() - killed;
	}

	private void retire(Child old) {
		old.awaitExit(EXIT_TIMEOUT);
		this.live.remove(old);
	}

	// Before each repetition: instances that were stopped are replaced by new JVMs, ready before the leader goes.
	private void ensureInstances() {
		List<Child> fresh = new ArrayList<>();
		while (this.live.size() < this.settings.instances()) {
			fresh.add(startOne());
		}
		fresh.forEach((child) -> child.await("READY", 0, START_TIMEOUT));
	}

	private List<Child> others(Child old) {
		List<Child> others = new ArrayList<>(this.live);
		others.remove(old);
		return others;
	}

	// The one live instance whose last leadership event was a grant; waits while there is none.
	private Child leader() {
		long deadline = System.nanoTime() + this.settings.leaseTimeout(this.contender.expiry()).toNanos();
		while (true) {
			// Lines printed just before the scan may arrive just after it.
			long scanned = System.nanoTime() - Duration.ofMillis(100).toNanos();
			List<Child> leaders = new ArrayList<>();
			for (Child child : this.live) {
				String last = null;
				for (Child.Line line : child.lines()) {
					if (line.is("GRANTED") || line.is("REVOKED")) {
						last = line.word(0);
					}
				}
				if ("GRANTED".equals(last)) {
					leaders.add(child);
				}
			}
			if (leaders.size() == 1) {
				return leaders.get(0);
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException((leaders.isEmpty() ? "No leader among " : "More than one leader: ")
						+ (leaders.isEmpty() ? this.live : leaders));
			}
			// None yet, or a former leader has not printed its revocation yet: wait for the next event.
			try {
				Child.awaitAny(this.live, (line) -> line.is("GRANTED") || line.is("REVOKED"), "GRANTED or REVOKED",
						scanned, Duration.ofSeconds(1));
			}
			catch (IllegalStateException ex) {
				// Nothing within a second: look again.
			}
		}
	}

	private void startAll() {
		for (int i = 0; i < this.settings.instances(); i++) {
			startOne();
		}
	}

	private void awaitReady() {
		this.live.forEach((child) -> child.await("READY", 0, START_TIMEOUT));
	}

	private Child startOne() {
		String name = "%s-%d".formatted(this.contender.key(), ++this.started);
		List<String> arguments = new ArrayList<>(this.contender.arguments());
		arguments.addAll(this.store.arguments(name));
		arguments.add("--leader.election.role=" + this.role);
		arguments.add("--leader.election.instance-id=" + name);
		arguments.add("--bench.role=" + this.role);
		if (!this.job.isZero()) {
			arguments.add("--bench.job=" + this.job.toMillis() + "ms");
		}
		arguments.add("--spring.main.banner-mode=off");
		Child child = Child.start(name, this.contender.mainClass(), jvmOptions(), arguments);
		this.live.add(child);
		this.all.add(child);
		return child;
	}

	static List<String> jvmOptions() {
		return List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
	}

	private void stopAll() {
		this.live.forEach(Child::terminate);
		this.live.forEach((child) -> child.awaitExit(EXIT_TIMEOUT));
		this.live.clear();
	}

	/**
	 * Lets a measurement window pass; nothing waits on it to happen.
	 */
	static void pause(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		for (long left = duration.toNanos(); left > 0; left = until - System.nanoTime()) {
			try {
				TimeUnit.NANOSECONDS.sleep(left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	static double millis(long nanos) {
		return Math.round(nanos / 1e4) / 100.0;
	}

	@Override
	public void close() {
		this.all.forEach(Child::close);
	}

}
