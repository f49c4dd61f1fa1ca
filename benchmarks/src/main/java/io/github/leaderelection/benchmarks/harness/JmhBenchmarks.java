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

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.leaderelection.benchmarks.jmh.LeaderOnlyBenchmark;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link LeaderOnlyBenchmark} through JMH's runner, with its GC profiler for the bytes allocated per call.
 */
final class JmhBenchmarks {

	private JmhBenchmarks() {
	}

	static Map<String, Object> run(Settings settings) {
		Log.info("JMH: %d forks, %d warm-up and %d measurement iterations of %s", settings.jmhForks(),
				settings.jmhWarmups(), settings.jmhIterations(), settings.jmhIterationTime());
		TimeValue time = TimeValue.milliseconds(settings.jmhIterationTime().toMillis());
		Options options = new OptionsBuilder().include(LeaderOnlyBenchmark.class.getName() + "\\.")
			.forks(settings.jmhForks())
			.warmupIterations(settings.jmhWarmups())
			.warmupTime(time)
			.measurementIterations(settings.jmhIterations())
			.measurementTime(time)
			.threads(1)
			.jvmArgs("-Xmx512m")
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.build();
		Collection<RunResult> runs;
		try {
			runs = new Runner(options).run();
		}
		catch (RunnerException ex) {
			throw new IllegalStateException("JMH failed", ex);
		}
		Map<String, Object> benchmarks = new LinkedHashMap<>();
		for (RunResult run : runs) {
			String name = run.getParams().getBenchmark();
			name = name.substring(name.lastIndexOf('.') + 1);
			Map<String, Object> result = new LinkedHashMap<>();
			Result<?> primary = run.getPrimaryResult();
			result.put("nanosPerCall", primary.getScore());
			result.put("error", Double.isNaN(primary.getScoreError()) ? null : primary.getScoreError());
			Result<?> allocation = run.getSecondaryResults().get("gc.alloc.rate.norm");
			result.put("bytesPerCall", (allocation != null) ? allocation.getScore() : null);
			benchmarks.put(name, result);
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("forks", settings.jmhForks());
		results.put("warmupIterations", settings.jmhWarmups());
		results.put("iterations", settings.jmhIterations());
		results.put("iterationMillis", settings.jmhIterationTime().toMillis());
		results.put("benchmarks", benchmarks);
		double baseline = nanos(benchmarks, "baseline");
		results.put("addedOnLeaderNanos", nanos(benchmarks, "leaderOnlyOnLeader") - baseline);
		results.put("addedOnFollowerNanos", nanos(benchmarks, "leaderOnlyOnFollower") - baseline);
		// What Spring AOP's proxy and invocation cost for any advice, and what is left for the starter's own.
		double passThrough = nanos(benchmarks, "passThroughAdvice");
		results.put("passThroughAdviceAddedNanos", passThrough - baseline);
		results.put("leaderOnlyOverPassThroughOnLeaderNanos", nanos(benchmarks, "leaderOnlyOnLeader") - passThrough);
		results.put("leaderOnlyOverPassThroughOnFollowerNanos",
				nanos(benchmarks, "leaderOnlyOnFollower") - passThrough);
		return results;
	}

	private static double nanos(Map<String, Object> benchmarks, String name) {
		Object result = benchmarks.get(name);
		if (!(result instanceof Map<?, ?> map)) {
			throw new IllegalStateException("JMH ran no " + name);
		}
		return (map.get("nanosPerCall") instanceof Double nanos) ? nanos : Double.NaN;
	}

}
