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
package io.github.leaderelection.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.support.ElectionRuntime;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseSettings;
import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many roles in one JVM on one local Redis, at the default timings: threads, heap per role, time until every role
 * is led, Redis script calls per renew interval, handover of one role, and the stop of all. Runs only when asked:
 * {@code ./mvnw -B -o test -pl leader-election-autoconfigure -Dtest=ElectionScaleBenchmark -Dbenchmark.roles=10000}.
 * Prints its figures and writes them to {@code target/benchmarks/scale-<roles>.md}.
 */
@EnabledIfSystemProperty(named = "benchmark.roles", matches = "\\d+")
class ElectionScaleBenchmark {

	private static final LeaseSettings DEFAULTS = new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(3),
			Duration.ofSeconds(1), Duration.ofSeconds(2), true);

	private static final int HANDOVERS = 5;

	// As on a Redis that has run for longer than a lease: the test's server is new, and would quarantine every role
	// for the rest of its first lease.
	private static final RedisLeaseStore.Options WARM = RedisLeaseStore.Options.DEFAULTS.withQuarantineNewServer(false);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void manyRolesInOneJvm() throws Exception {
		int roles = Integer.getInteger("benchmark.roles");
		List<String> report = new ArrayList<>();
		report.add("| figure | value |");
		report.add("| --- | --- |");
		report.add("| roles | %,d |".formatted(roles));
		int threadsBefore = electionThreads();
		RedisLeaseStore store = new RedisLeaseStore(redis.connectionFactory(), "scale", Duration.ofSeconds(1), WARM);
		store.start();
		LeadershipEventPublisher events = new LeadershipEventPublisher((event) -> {
		});
		ElectionRuntime runtime = ElectionRuntime.platformThreads(ElectionRuntime.DEFAULT_IO_THREADS);
		LeaderElectors electors = new LeaderElectors("role-0", (role) -> new LeaseLeaderElector(role, "bench-1",
				"localhost", store, DEFAULTS, events, runtime), DEFAULTS.stopTimeout());
		// A tenth of the roles first, so that the heap per role leaves out what any number of roles needs.
		int first = Math.max(1, roles / 10);
		for (int i = 0; i < first; i++) {
			electors.forRole("role-" + i);
		}
		long started = System.nanoTime();
		electors.start();
		awaitAllLed(electors);
		Duration allLed = Duration.ofNanos(System.nanoTime() - started);
		long heapBefore = usedHeapAfterGc();
		long more = System.nanoTime();
		for (int i = first; i < roles; i++) {
			electors.forRole("role-" + i);
		}
		awaitAllLed(electors);
		Duration moreLed = Duration.ofNanos(System.nanoTime() - more);
		report.add("| first %,d roles all led after their start | %.1f s |"
			.formatted(first, allLed.toMillis() / 1000.0));
		report.add("| the other %,d all led after they were started | %.1f s |".formatted(roles - first,
				moreLed.toMillis() / 1000.0));
		int threads = electionThreads();
		report.add("| election threads (leader-election-*) | %d (before: %d) |".formatted(threads, threadsBefore));
		report.add("| all live threads of the JVM | %d |".formatted(Thread.activeCount()));
		long heapAfter = usedHeapAfterGc();
		report.add("| heap per role, after a full GC | %,d bytes |"
			.formatted((heapAfter - heapBefore) / (roles - first)));
		// Steady state: every lease renewed at least once since the last grant.
		Duration window = DEFAULTS.renewInterval().multipliedBy(5);
		await().pollDelay(DEFAULTS.renewInterval().multipliedBy(2)).until(() -> true);
		long scriptsBefore = scriptCalls();
		long cpuBefore = processCpuNanos();
		long windowStart = System.nanoTime();
		await().pollDelay(window).atMost(window.plusSeconds(5)).until(() -> true);
		double intervals = (System.nanoTime() - windowStart) / (double) DEFAULTS.renewInterval().toNanos();
		double scriptsPerInterval = (scriptCalls() - scriptsBefore) / intervals;
		double cpu = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - windowStart);
		report.add("| Redis script calls per renew interval, all roles led | %.1f |".formatted(scriptsPerInterval));
		report.add("| CPU of the JVM while leading, in cores | %.3f |".formatted(cpu));
		assertThat(electors.electors()).allMatch(LeaderElector::isLeader);
		report.add("| graceful handover of one role to another instance, each of %d | %s |".formatted(HANDOVERS,
				handovers(electors)));
		long stopping = System.nanoTime();
		electors.stop();
		Duration stop = Duration.ofNanos(System.nanoTime() - stopping);
		report.add("| stop of all roles (drain bound %s) | %.2f s |".formatted(DEFAULTS.drainTimeout(),
				stop.toMillis() / 1000.0));
		events.close();
		runtime.close();
		store.stop();
		write(roles, report);
		assertThat(threads).isLessThanOrEqualTo(64);
	}

	// Yields one role at a time to a follower in another elector, and times yield to grant.
	private String handovers(LeaderElectors electors) throws Exception {
		RedisLeaseStore otherStore = new RedisLeaseStore(redis.connectionFactory(), "scale", Duration.ofSeconds(1),
				WARM);
		otherStore.start();
		LeadershipEventPublisher otherEvents = new LeadershipEventPublisher((event) -> {
		});
		List<String> millis = new ArrayList<>();
		try (ElectionRuntime otherRuntime = ElectionRuntime.platformThreads(1)) {
			for (int i = 0; i < HANDOVERS; i++) {
				LeaseLeaderElector follower = new LeaseLeaderElector("role-" + (i + 1), "bench-2", "localhost",
						otherStore, DEFAULTS, otherEvents, otherRuntime);
				follower.start();
				try {
					await().pollDelay(Duration.ofMillis(500)).until(() -> true);
					long yielded = System.nanoTime();
					electors.forRole("role-" + (i + 1)).yieldLeadership();
					while (!follower.isLeader()) {
						Thread.onSpinWait();
						if (System.nanoTime() - yielded > Duration.ofSeconds(30).toNanos()) {
							throw new IllegalStateException("No handover within 30 s");
						}
					}
					millis.add("%.1f".formatted((System.nanoTime() - yielded) / 1e6));
				}
				finally {
					follower.stop();
				}
			}
		}
		finally {
			otherEvents.close();
			otherStore.stop();
		}
		return String.join(", ", millis) + " ms";
	}

	private static void awaitAllLed(LeaderElectors electors) {
		await().atMost(DEFAULTS.leaseDuration().multipliedBy(4))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> electors.electors().stream().allMatch(LeaderElector::isLeader));
	}

	private static int electionThreads() {
		return (int) Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("leader-election"))
			.count();
	}

	private static long usedHeapAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			memory.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static long processCpuNanos() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
				? os.getProcessCpuTime() : 0;
	}

	private static long scriptCalls() {
		try (RedisConnection connection = redis.connectionFactory().getConnection()) {
			Properties stats = connection.serverCommands().info("commandstats");
			return Arrays.asList("cmdstat_evalsha", "cmdstat_eval").stream()
				.map(stats::getProperty)
				.filter((value) -> value != null)
				.mapToLong((value) -> Long.parseLong(value.replaceAll("^calls=(\\d+),.*", "$1")))
				.sum();
		}
	}

	private static void write(int roles, List<String> report) throws IOException {
		String text = String.join(System.lineSeparator(), report) + System.lineSeparator();
		System.out.println(text);
		Path file = Path.of("target", "benchmarks", "scale-" + roles + ".md");
		Files.createDirectories(file.getParent());
		Files.writeString(file, "Java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
				+ " cores" + System.lineSeparator() + System.lineSeparator() + text);
	}

}
