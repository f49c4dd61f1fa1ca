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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every benchmark once, with tiny counts and 2 s leases, so that the benchmarks cannot rot: JMH for a 100 ms
 * iteration in this JVM, each contender's process scenarios with two instances and one repetition each, the scale
 * cases with a few hundred roles, and the report. Measures nothing worth quoting.
 */
class BenchmarksSmokeTests {

	@Test
	void everyBenchmarkRunsAndTheReportIsWritten() throws Exception {
		Map<String, Object> results = Benchmarks.run(Settings.smoke(), Set.of());
		Path output = Path.of("target", "benchmarks-smoke");
		Report.write(results, output);
		Map<String, Object> jmh = Report.map(results.get("jmh"));
		assertThat(Report.map(jmh.get("benchmarks"))).containsOnlyKeys("baseline", "unannotatedOnProxy",
				"passThroughAdvice", "leaderOnlyOnLeader", "leaderOnlyOnFollower", "isLeaderOnLeader",
				"isLeaderOnFollower");
		Map<String, Object> contenders = Report.map(results.get("contenders"));
		assertThat(contenders).containsOnlyKeys("starter-redis", "starter-jdbc", "integration-expiry", "shedlock");
		for (String key : Set.of("starter-redis", "starter-jdbc", "integration-expiry")) {
			Map<String, Object> contender = Report.map(contenders.get(key));
			assertThat(Report.get(contender, "handoverMillis")).as(key).asList().hasSize(1);
			assertThat(Report.get(contender, "failoverMillis")).as(key).asList().hasSize(1);
			assertThat(Report.get(contender, "firstGrantWarm.readyToGrantMillis")).as(key).isNotNull();
			assertThat(Report.get(contender, "idleTraffic.leaderPerSecond")).as(key).isNotNull();
		}
		assertThat(Report.get(Report.map(contenders.get("starter-redis")), "drain.handoverMillis")).asList()
			.hasSize(1);
		assertThat((Integer) Report.get(Report.map(contenders.get("shedlock")), "executions.executions")).isPositive();
		Map<String, Object> scale = Report.map(results.get("scale"));
		assertThat(scale).containsKeys("starterOneJvm", "starterManyJvms");
		assertThat(Files.readString(output.resolve(Report.MARKDOWN))).contains("## Side by side", "## Targets",
				"## Scale", "this starter, Redis", "ShedLock");
		assertThat(Files.readString(output.resolve(Report.SVG))).startsWith("<svg").contains("circle");
		assertThat(Files.readString(output.resolve(Report.JSON))).startsWith("{");
	}

}
