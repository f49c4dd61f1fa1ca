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

/**
 * Many roles: the starter with 10,000 roles in one JVM, and 10 JVMs that each elect the same 1,000 roles (neither
 * this starter nor Spring Integration balances roles across instances: whoever claims a role first leads it), and
 * Spring Integration with one initiator per role in one JVM. Each case runs on a Redis of its own, every instance
 * at the default lease settings; the starter skips the new-server quarantine, as on a Redis that has run for longer
 * than a lease. Counted once every role is led: Redis commands per second, threads, CPU of each JVM, and heap per
 * role after a full GC.
 */
final class ScaleScenarios {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private ScaleScenarios() {
	}

	static Map<String, Object> run(Settings settings) {
		Map<String, Object> results = new LinkedHashMap<>();
		List<String> starter = List.of("--leader.election.mode=redis",
				"--spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"--leader.election.redis.quarantine-new-server=false");
		String starterMain = "io.github.leaderelection.benchmarks.apps.StarterApplication";
		results.put("starterOneJvm", scale("this starter, %,d roles in one JVM".formatted(settings.scaleRoles()),
				starterMain, starter, settings.scaleRoles(), 1, settings));
		results.put("starterManyJvms",
				scale("this starter, %d JVMs with the same %,d roles each".formatted(settings.scaleJvms(),
						settings.scaleRolesPerJvm()), starterMain, starter, settings.scaleRolesPerJvm(),
						settings.scaleJvms(), settings));
		if (settings.integrationScaleRoles() > 0) {
			results.put("integrationOneJvm", scale(
					"Spring Integration, %,d roles in one JVM, %ds expiry".formatted(settings.integrationScaleRoles(),
							settings.lease().toSeconds()),
					"io.github.leaderelection.benchmarks.apps.IntegrationApplication",
					List.of("--bench.si.expire=" + settings.lease().toMillis() + "ms"),
					settings.integrationScaleRoles(), 1, settings));
		}
		return results;
	}

	private static Map<String, Object> scale(String label, String mainClass, List<String> arguments, int roles,
			int jvms, Settings settings) {
		Log.info("Scale: %s", label);
		List<Child> children = new ArrayList<>();
		try (Store.Redis store = new Store.Redis()) {
			for (int i = 1; i <= jvms; i++) {
				String name = "scale-" + i;
				List<String> all = new ArrayList<>(arguments);
				all.addAll(settings.leaseArguments());
				all.addAll(store.arguments(name));
				all.addAll(List.of("--leader.election.role=bench", "--leader.election.instance-id=" + name,
						"--spring.main.banner-mode=off", "--logging.level.io.github.leaderelection=warn",
						"--logging.level.org.springframework.integration=warn"));
				List<String> jvmOptions = List.of((jvms > 1) ? "-Xmx128m" : "-Xmx512m", "-XX:TieredStopAtLevel=1",
						"-XX:+UseSerialGC");
				children.add(Child.start(name, mainClass, jvmOptions, all));
			}
			children.forEach((child) -> child.await("READY", 0, START_TIMEOUT));
			List<Child.Line> before = stats(children, true);
			long asked = System.nanoTime();
			children.forEach((child) -> child.send("roles " + roles));
			children.forEach((child) -> child.await("ROLES", 0, START_TIMEOUT));
			// Every role and the default one, each led by exactly one of the JVMs.
			long allLed = awaitLed(children, roles + 1, settings.leaseTimeout(settings.lease()).plus(START_TIMEOUT));
			// Past the first renewals, which bring the leases into batches.
			ProcessScenarios.pause(settings.lease().dividedBy(2));
			List<Child.Line> windowStart = stats(children, false);
			RedisTraffic traffic = RedisTraffic.start(store.server());
			ProcessScenarios.pause(settings.scaleWindow());
			RedisTraffic.Window window = traffic.stop();
			List<Child.Line> windowEnd = stats(children, false);
			List<Child.Line> after = stats(children, true);
			List<Map<String, Object>> perJvm = new ArrayList<>();
			double cpu = 0;
			long heap = 0;
			for (int i = 0; i < jvms; i++) {
				Child child = children.get(i);
				Map<String, Object> jvm = new LinkedHashMap<>();
				double cores = (windowEnd.get(i).stat("cpuNanos") - windowStart.get(i).stat("cpuNanos"))
						/ (double) (windowEnd.get(i).nanos() - windowStart.get(i).nanos());
				long heapGrowth = after.get(i).stat("heapUsed") - before.get(i).stat("heapUsed");
				cpu += cores;
				heap += heapGrowth;
				jvm.put("name", child.name());
				jvm.put("rolesLed", after.get(i).stat("leading"));
				jvm.put("redisCommandsPerSecond", window.commands(child.name()) / window.seconds());
				jvm.put("threads", after.get(i).stat("threads"));
				jvm.put("electionThreads", after.get(i).stat("electionThreads"));
				jvm.put("cpuCores", cores);
				jvm.put("heapPerRoleBytes", heapGrowth / roles);
				perJvm.add(jvm);
			}
			Map<String, Object> result = new LinkedHashMap<>();
			result.put("label", label);
			result.put("rolesPerJvm", roles);
			result.put("jvms", jvms);
			result.put("allLedMillis", ProcessScenarios.millis(allLed - asked));
			result.put("redisCommandsPerSecond", window.allCommands() / window.seconds());
			result.put("commandstatsCallsPerSecond", window.commandStatsCalls() / window.seconds());
			result.put("windowSeconds", window.seconds());
			result.put("cpuCoresAllJvms", cpu);
			result.put("heapPerRoleBytes", heap / ((long) roles * jvms));
			result.put("perJvm", perJvm);
			result.put("commandsByClient", window.commandsByClient());
			long stopping = System.nanoTime();
			children.forEach(Child::terminate);
			children.forEach((child) -> child.awaitExit(Duration.ofSeconds(120)));
			result.put("stopMillis", ProcessScenarios.millis(System.nanoTime() - stopping));
			Log.info("Scale: %s: all led after %.1f s, %.1f Redis commands/s, %.2f cores, %d bytes per role", label,
					(allLed - asked) / 1e9, window.allCommands() / window.seconds(), cpu,
					heap / ((long) roles * jvms));
			return result;
		}
		finally {
			children.forEach(Child::close);
		}
	}

	private static long awaitLed(List<Child> children, int roles, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<Child.Line> stats = stats(children, false);
			long led = stats.stream().mapToLong((line) -> line.stat("leading")).sum();
			if (led >= roles) {
				return stats.stream().mapToLong(Child.Line::nanos).max().orElseThrow();
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Only %d of %d roles led after %s".formatted(led, roles, timeout));
			}
			// The roles are being claimed: ask again shortly.
			ProcessScenarios.pause(Duration.ofMillis(200));
		}
	}

	private static List<Child.Line> stats(List<Child> children, boolean gc) {
		List<Integer> marks = new ArrayList<>();
		for (Child child : children) {
			marks.add(child.mark());
			child.send(gc ? "stats gc" : "stats");
		}
		List<Child.Line> lines = new ArrayList<>();
		for (int i = 0; i < children.size(); i++) {
			lines.add(children.get(i).await("STATS", marks.get(i), Duration.ofSeconds(60)));
		}
		return lines;
	}

}
