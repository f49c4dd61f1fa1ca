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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Writes what a run measured: {@code results.json} (everything, raw), {@code results.md} (the tables) and
 * {@code handover-failover.svg} (every handover and failover, one dot each).
 */
final class Report {

	static final String JSON = "results.json";

	static final String MARKDOWN = "results.md";

	static final String SVG = "handover-failover.svg";

	private static final String NA = "n/a";

	private final Map<String, Object> results;

	private final Map<String, Object> contenders;

	private Report(Map<String, Object> results) {
		this.results = results;
		this.contenders = map(results.get("contenders"));
	}

	static void write(Map<String, Object> results, Path directory) {
		Report report = new Report(results);
		try {
			Files.createDirectories(directory);
			Files.writeString(directory.resolve(JSON), Json.write(results) + "\n");
			Files.writeString(directory.resolve(MARKDOWN), report.markdown());
			Files.writeString(directory.resolve(SVG), report.svg());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the results to " + directory, ex);
		}
	}

	// Markdown

	private String markdown() {
		StringBuilder md = new StringBuilder();
		Map<String, Object> environment = map(this.results.get("environment"));
		md.append("# Benchmark results\n\n");
		md.append("Written by `").append(this.results.get("command")).append("` (profile `")
			.append(this.results.get("profile")).append("`), started ").append(this.results.get("started"))
			.append(", ").append(this.results.get("durationSeconds")).append(" s in all. Every figure below comes from ")
			.append("this one run; `results.json` beside this file has every sample.\n\n");
		md.append("| | |\n| --- | --- |\n");
		md.append("| machine | ").append(environment.get("cpu")).append(", ").append(environment.get("cores"))
			.append(" cores, ").append(environment.get("memory")).append(", ").append(environment.get("os"))
			.append("; load average at the start: ").append(environment.get("loadAverageAtStart")).append(" |\n");
		md.append("| JDK | ").append(environment.get("jdk")).append("; the applications run with `")
			.append(environment.get("childJvmOptions")).append("` |\n");
		md.append("| stores | ").append(String.join(", ", stores())).append(", each started anew for each contender |\n");
		map(environment.get("versions"))
			.forEach((name, version) -> md.append("| ").append(name).append(" | ").append(version).append(" |\n"));
		md.append('\n');
		md.append("The machine has 2 cores shared with other work: compare the contenders within this run, as ratios, ")
			.append("rather than the figures with those of another machine.\n\n");
		sideBySide(md);
		this.contenders.forEach((key, value) -> {
			Object error = map(value).get("error");
			if (error != null) {
				md.append("**").append(key).append(" failed:** `").append(error).append("`\n\n");
			}
		});
		targets(md);
		jmh(md);
		scale(md);
		md.append("## How each figure is measured\n\n");
		md.append("""
				- Each contender runs %s instances, each a small Spring Boot application in a JVM of its own \
				(`benchmarks/src/main/java/io/github/leaderelection/benchmarks/apps`), started at once on a store \
				started for that contender. Every application prints `READY`, `GRANTED`, `REVOKED`, `JOB-START` and \
				`JOB-END` lines with `System.nanoTime()`, which is CLOCK_MONOTONIC on Linux and so comparable with \
				the harness's own clock. Settings are each library's defaults unless a column says otherwise.
				- First grant: from the granted instance's `ApplicationReadyEvent` to its grant (negative when the \
				grant came first: electors start before the application reports ready). Fresh: the store started \
				just before the instances (its uptime at "ready" is in results.json, since the starter's new-server \
				quarantine lasts one lease minus that uptime). Warm: a role nobody led yet, on the store after all \
				the other scenarios, which ran for several leases.
				- Graceful handover: `SIGTERM` to the leader, then the time to the next `GRANTED` of another \
				instance; the stopped instance is replaced by a new JVM before the next repetition. With a job in \
				flight: the same, sent as soon as the leader printed `JOB-START` of a %s ms job that ignores \
				interrupts, as blocking I/O does.
				- Crash failover: `kill -9` of the leader, then the time to the next `GRANTED`.
				- Percentiles are nearest-rank: p99 of 20 samples or fewer is their maximum.
				- Idle traffic on Redis: every command each instance's connections sent during the window, \
				counted with `MONITOR` and told apart by the client name each instance sets \
				(`spring.data.redis.client-name`, shown by `CLIENT LIST`); commands a script runs inside Redis are \
				not counted there. `INFO commandstats` of the same window counts those too (the harness's own \
				commands left out). On PostgreSQL: the JDBC statements each instance executed, counted by a \
				wrapper of its `DataSource` (pg_stat_statements needs a preload library), beside \
				`pg_stat_database.xact_commit` of the database.
				- ShedLock: a `@Scheduled(cron = "* * * * * *")` `@SchedulerLock` job of %d ms on every instance; \
				a duplicate is a second execution in the same second, an overlap two executions on different \
				instances at the same time.
				""".formatted(this.results.get("contenders") instanceof Map<?, ?> all && !all.isEmpty()
				? map(map(all).values().iterator().next()).get("instances") : "?",
				drainJobMillis(), shedLockJobMillis()));
		return md.toString();
	}

	private Object drainJobMillis() {
		for (Object contender : this.contenders.values()) {
			Object drain = map(contender).get("drain");
			if (drain != null) {
				return String.valueOf(map(drain).get("jobMillis"));
			}
		}
		return 0;
	}

	private Object shedLockJobMillis() {
		return 100;
	}

	private List<String> stores() {
		List<String> stores = new ArrayList<>();
		for (Object contender : this.contenders.values()) {
			String store = String.valueOf(map(contender).get("store"));
			if (!stores.contains(store)) {
				stores.add(store);
			}
		}
		return stores;
	}

	private void sideBySide(StringBuilder md) {
		md.append("## Side by side\n\n");
		List<String> keys = new ArrayList<>(this.contenders.keySet());
		md.append("| |");
		keys.forEach((key) -> md.append(' ').append(map(this.contenders.get(key)).get("label")).append(" |"));
		md.append("\n| ---");
		keys.forEach((key) -> md.append(" | ---"));
		md.append(" |\n");
		row(md, keys, "lease or lock expiry", (c) -> ms(number(c, "expiryMillis")));
		row(md, keys, "first grant after \"ready\", fresh store",
				(c) -> ms(number(c, "firstGrantFresh.readyToGrantMillis"))
						+ (c.get("executions") != null ? " (first execution)" : ""));
		row(md, keys, "first grant after \"ready\", warm store", (c) -> ms(number(c, "firstGrantWarm.readyToGrantMillis")));
		row(md, keys, "graceful handover (SIGTERM to next grant), p50 / p99", (c) -> percentiles(c, "handoverMillis"));
		row(md, keys, "... of which SIGTERM to the old leader's revocation event, p50",
				(c) -> ms(median(list(c, "handoverSignalToRevokedMillis"))));
		row(md, keys, "the same with a job in flight, p50 / p99", (c) -> percentiles(c, "drain.handoverMillis"));
		row(md, keys, "... next grant after the old job's end, p50",
				(c) -> ms(median(list(c, "drain.grantAfterJobEndMillis"))));
		row(md, keys, "... granted while the old job still ran / job cut short by the exit",
				(c) -> (get(c, "drain") == null) ? NA
						: get(c, "drain.grantedWhileOldJobRan") + " / " + get(c, "drain.jobCutShortByExit"));
		row(md, keys, "crash failover (kill -9 to next grant), p50 / max", (c) -> percentiles(c, "failoverMillis"));
		row(md, keys, "idle store traffic of the leader, per second", (c) -> rate(number(c, "idleTraffic.leaderPerSecond")));
		row(md, keys, "idle store traffic of each follower (each instance for ShedLock), per second",
				(c) -> rates(list(c, "idleTraffic.followersPerSecond"), list(c, "idleTraffic.instancesPerSecond")));
		row(md, keys, "... per follower and lease period", (c) -> {
			List<Double> followers = list(c, "idleTraffic.followersPerSecond");
			Double expiry = number(c, "expiryMillis");
			if (followers.isEmpty() || expiry == null) {
				return NA;
			}
			return "%.2f".formatted(followers.stream().mapToDouble(Double::doubleValue).max().orElse(0) * expiry
					/ 1000);
		});
		row(md, keys, "all instances, per second", (c) -> rate(number(c, "idleTraffic.totalPerSecond")));
		row(md, keys, "Redis `INFO commandstats` calls per second, scripts' commands included",
				(c) -> rate(number(c, "idleTraffic.commandstatsCallsPerSecond")));
		row(md, keys, "PostgreSQL `xact_commit` per second",
				(c) -> rate(number(c, "idleTraffic.xactCommitPerSecond")));
		row(md, keys, "store calls per job run", (c) -> (c.get("executions") != null)
				? "%.1f".formatted(number(c, "executions.commandsPerExecution")) : "0 (a local check)");
		row(md, keys, "ShedLock: executions / seconds with one / duplicates / overlaps",
				(c) -> (c.get("executions") == null) ? NA
						: "%s / %s / %s / %s in %.0f s".formatted(get(c, "executions.executions"),
								get(c, "executions.secondsWithAnExecution"),
								get(c, "executions.duplicateExecutions"),
								get(c, "executions.overlappingExecutions"), number(c, "executions.windowSeconds")));
		md.append('\n');
	}

	private void row(StringBuilder md, List<String> keys, String name, Function<Map<String, Object>, String> cell) {
		md.append("| ").append(name).append(" |");
		for (String key : keys) {
			String value;
			try {
				value = cell.apply(map(this.contenders.get(key)));
			}
			catch (RuntimeException ex) {
				value = NA;
			}
			md.append(' ').append(value).append(" |");
		}
		md.append('\n');
	}

	private void targets(StringBuilder md) {
		md.append("## Targets\n\n| target | value | measured | |\n| --- | --- | --- | --- |\n");
		Map<String, Object> redis = map(this.contenders.get("starter-redis"));
		Map<String, Object> jdbc = map(this.contenders.get("starter-jdbc"));
		List<Double> handovers = list(redis, "handoverMillis");
		if (!handovers.isEmpty()) {
			double p50 = percentile(handovers, 50);
			double p99 = percentile(handovers, 99);
			target(md, "graceful handover, no job running", "p50 under 5 ms, p99 under 20 ms",
					"p50 %s, p99 %s (%d handovers)".formatted(ms(p50), ms(p99), handovers.size()),
					p50 < 5 && p99 < 20);
		}
		List<Double> failovers = list(redis, "failoverMillis");
		Double lease = number(redis, "expiryMillis");
		if (!failovers.isEmpty() && lease != null) {
			double max = failovers.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
			target(md, "crash failover", "at most the lease plus 200 ms (%s)".formatted(ms(lease + 200)),
					"max %s (%d failovers)".formatted(ms(max), failovers.size()), max <= lease + 200);
		}
		List<Double> followers = list(redis, "idleTraffic.followersPerSecond");
		if (!followers.isEmpty() && lease != null) {
			double worst = followers.stream().mapToDouble(Double::doubleValue).max().orElseThrow() * lease / 1000;
			target(md, "an idle follower", "at most 1 Redis command per lease period",
					"%.2f commands per lease period (the busier follower)".formatted(worst), worst <= 1);
		}
		Double warm = number(redis, "firstGrantWarm.readyToGrantMillis");
		if (warm != null) {
			target(md, "first grant on a warm Redis", "within the jitter plus 20 ms of \"ready\" (220 ms)",
					ms(warm) + " after \"ready\"", warm <= 220);
		}
		Map<String, Object> jmh = map(this.results.get("jmh"));
		Double leader = number(jmh, "addedOnLeaderNanos");
		Double follower = number(jmh, "addedOnFollowerNanos");
		Double followerBytes = number(jmh, "benchmarks.leaderOnlyOnFollower.bytesPerCall");
		if (leader != null && follower != null) {
			target(md, "`@LeaderOnly`, added", "at most 50 ns",
					"%.1f ns on the leader, %.1f ns on a follower".formatted(leader, follower),
					leader <= 50 && follower <= 50);
		}
		if (followerBytes != null) {
			target(md, "`@LeaderOnly`, follower path", "no allocation",
					"%.1f bytes per call".formatted(followerBytes), followerBytes < 1);
		}
		List<Double> jdbcHandovers = list(jdbc, "handoverMillis");
		if (!jdbcHandovers.isEmpty()) {
			double p50 = percentile(jdbcHandovers, 50);
			target(md, "PostgreSQL handover with `NOTIFY`", "p50 under 50 ms",
					"p50 %s (%d handovers)".formatted(ms(p50), jdbcHandovers.size()), p50 < 50);
		}
		md.append('\n');
	}

	private static void target(StringBuilder md, String target, String value, String measured, boolean met) {
		md.append("| ").append(target).append(" | ").append(value).append(" | ").append(measured).append(" | ")
			.append(met ? "met" : "**missed**").append(" |\n");
	}

	private void jmh(StringBuilder md) {
		Map<String, Object> jmh = map(this.results.get("jmh"));
		if (jmh.isEmpty()) {
			return;
		}
		md.append("## `@LeaderOnly` and `isLeader()` (JMH)\n\n");
		md.append("`LeaderOnlyBenchmark`: %s forks, %s warm-up and %s measurement iterations of %s ms, one thread, "
			.formatted(jmh.get("forks"), jmh.get("warmupIterations"), jmh.get("iterations"), jmh.get("iterationMillis")))
			.append("GC profiler. Two application contexts in the benchmark's JVM elect one role on a private Redis: ")
			.append("one leads, one follows. `baseline` is the method on a plain object, as without the annotation; ")
			.append("`unannotatedOnProxy` the same method, unannotated, on the proxied bean.\n\n");
		md.append("| benchmark | ns per call | bytes allocated per call |\n| --- | --- | --- |\n");
		map(jmh.get("benchmarks")).forEach((name, value) -> {
			Map<String, Object> result = map(value);
			Double error = number(result, "error");
			md.append("| `").append(name).append("` | ")
				.append("%.2f".formatted(number(result, "nanosPerCall")))
				.append((error != null) ? " ± %.2f".formatted(error) : "")
				.append(" | ").append(Json.number(number(result, "bytesPerCall"), "%.1f")).append(" |\n");
		});
		md.append("\nAdded by `@LeaderOnly` over the baseline: %.1f ns on the leader, %.1f ns on a follower. "
			.formatted(number(jmh, "addedOnLeaderNanos"), number(jmh, "addedOnFollowerNanos")))
			.append("An advice that only proceeds adds %s ns: Spring AOP's proxy and method invocation, which any "
				.formatted(Json.number(number(jmh, "passThroughAdviceAddedNanos"), "%.1f")))
			.append("advice pays; `@LeaderOnly` costs %s ns more than that on the leader and %s ns on a follower.\n\n"
				.formatted(Json.number(number(jmh, "leaderOnlyOverPassThroughOnLeaderNanos"), "%.1f"),
						Json.number(number(jmh, "leaderOnlyOverPassThroughOnFollowerNanos"), "%.1f")));
	}

	private void scale(StringBuilder md) {
		Map<String, Object> scale = map(this.results.get("scale"));
		if (scale.isEmpty()) {
			return;
		}
		md.append("## Scale\n\n");
		md.append("Each case on a Redis of its own, at the default lease settings, counted over %s s once every role "
			.formatted(Json.number(number(map(scale.values().iterator().next()), "windowSeconds"), "%.0f")))
			.append("was led (the starter skips its new-server quarantine there). Heap per role: the growth of the ")
			.append("heap in use after a full GC, from before the roles were added to after the window, divided by ")
			.append("the roles. Neither this starter nor Spring Integration balances roles across instances: the ")
			.append("instance that claims a role first leads it.\n\n");
		md.append("| case | all led after | Redis commands/s (commandstats) | threads per JVM (election) | ")
			.append("CPU, cores | heap per role | roles led per JVM | stop |\n");
		md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
		scale.values().forEach((value) -> {
			Map<String, Object> result = map(value);
			List<Object> jvms = listOf(result.get("perJvm"));
			List<String> threads = new ArrayList<>();
			List<String> led = new ArrayList<>();
			for (Object jvm : jvms) {
				threads.add("%s (%s)".formatted(map(jvm).get("threads"), map(jvm).get("electionThreads")));
				led.add(Json.number(number(map(jvm), "rolesLed"), "%,.0f"));
			}
			md.append("| ").append(result.get("label")).append(" | ")
				.append(ms(number(result, "allLedMillis"))).append(" | ")
				.append(String.format(Locale.ROOT, "%,.1f (%,.1f)", number(result, "redisCommandsPerSecond"),
						number(result, "commandstatsCallsPerSecond")))
				.append(" | ").append(summary(threads)).append(" | ")
				.append("%.2f".formatted(number(result, "cpuCoresAllJvms"))).append(" | ")
				.append(Json.number(number(result, "heapPerRoleBytes"), "%,.0f bytes")).append(" | ")
				.append(String.join(", ", led)).append(" | ")
				.append(ms(number(result, "stopMillis"))).append(" |\n");
		});
		md.append('\n');
	}

	private static String summary(List<String> values) {
		return values.stream().distinct().count() == 1 ? values.get(0) : String.join(", ", values);
	}

	// SVG

	private String svg() {
		String[][] panels = { { "handoverMillis", "Graceful handover: SIGTERM to the next grant" },
				{ "drain.handoverMillis", "Graceful handover with a job in flight" },
				{ "failoverMillis", "Crash failover: kill -9 to the next grant" } };
		int width = 960;
		int left = 270;
		int right = 30;
		int rowHeight = 26;
		double minLog = 0;
		double maxLog = 5;
		List<String> keys = new ArrayList<>();
		this.contenders.forEach((key, value) -> {
			if (!list(map(value), "handoverMillis").isEmpty() || !list(map(value), "failoverMillis").isEmpty()) {
				keys.add(key);
			}
		});
		StringBuilder body = new StringBuilder();
		int y = 20;
		for (String[] panel : panels) {
			y += 24;
			body.append(text(left, y, panel[1], "start", 14, "bold"));
			y += 12;
			int top = y;
			for (String key : keys) {
				Map<String, Object> contender = map(this.contenders.get(key));
				List<Double> values = list(contender, panel[0]);
				int cy = y + rowHeight / 2;
				body.append(text(left - 10, cy + 4, String.valueOf(contender.get("label")), "end", 12, "normal"));
				body.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n".formatted(left, cy,
						width - right, cy));
				Double expiry = number(contender, "expiryMillis");
				if (expiry != null && !values.isEmpty()) {
					double x = x(expiry, left, width - right, minLog, maxLog);
					body.append(("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
							+ "stroke-dasharray=\"3,2\"><title>lease or expiry %s</title></line>\n")
						.formatted(x, cy - 9, x, cy + 9, ms(expiry)));
				}
				for (Double value : values) {
					body.append(("<circle cx=\"%.1f\" cy=\"%d\" r=\"3.5\" fill=\"#1f77b4\" fill-opacity=\"0.5\">"
							+ "<title>%s</title></circle>\n")
						.formatted(x(value, left, width - right, minLog, maxLog), cy, ms(value)));
				}
				if (!values.isEmpty()) {
					double median = percentile(values, 50);
					double mx = x(median, left, width - right, minLog, maxLog);
					body.append("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\"/>\n"
						.formatted(mx, cy - 8, mx, cy + 8));
					// Near the right edge the label goes to the left of its tick.
					boolean nearEdge = mx > width - right - 120;
					body.append(text((int) mx + (nearEdge ? -6 : 6), cy - 6, "p50 " + ms(median),
							nearEdge ? "end" : "start", 10, "normal"));
				}
				else {
					body.append(text(left + 4, cy + 4, NA, "start", 11, "normal"));
				}
				y += rowHeight;
			}
			for (int decade = (int) minLog; decade <= maxLog; decade++) {
				double x = x(Math.pow(10, decade), left, width - right, minLog, maxLog);
				body.append("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\"/>\n".formatted(x, top, x,
						y));
				body.append(text((int) x, y + 14, decadeLabel(decade), "middle", 11, "normal"));
			}
			y += 20;
		}
		y += 10;
		body.append(text(left, y, "One dot per repetition, log scale; black tick: p50; red dashes: the lease or "
				+ "lock expiry. Values under 1 ms are drawn at 1 ms.", "start", 11, "normal"));
		y += 16;
		return """
				<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" \
				font-family="sans-serif">
				<rect width="100%%" height="100%%" fill="#fff"/>
				%s</svg>
				""".formatted(width, y, width, y, body);
	}

	private static double x(double millis, int from, int to, double minLog, double maxLog) {
		double log = Math.log10(Math.max(millis, 1));
		return from + (to - from) * (Math.min(log, maxLog) - minLog) / (maxLog - minLog);
	}

	private static String decadeLabel(int decade) {
		return switch (decade) {
			case 0 -> "1 ms";
			case 1 -> "10 ms";
			case 2 -> "100 ms";
			case 3 -> "1 s";
			case 4 -> "10 s";
			case 5 -> "100 s";
			default -> "1e" + decade + " ms";
		};
	}

	private static String text(int x, int y, String text, String anchor, int size, String weight) {
		return "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>\n".formatted(
				x, y, anchor, size, weight, text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
	}

	// Values

	private static String percentiles(Map<String, Object> contender, String path) {
		List<Double> values = list(contender, path);
		if (values.isEmpty()) {
			return NA;
		}
		String high = path.equals("failoverMillis") ? ms(values.stream().mapToDouble(Double::doubleValue).max()
			.orElseThrow()) : ms(percentile(values, 99));
		return "%s / %s (n = %d)".formatted(ms(percentile(values, 50)), high, values.size());
	}

	/**
	 * Nearest-rank percentile.
	 */
	static double percentile(Collection<Double> values, double percentile) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int rank = (int) Math.ceil(percentile / 100 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

	private static @Nullable Double median(List<Double> values) {
		return values.isEmpty() ? null : percentile(values, 50);
	}

	private static String ms(@Nullable Double millis) {
		if (millis == null) {
			return NA;
		}
		if (Math.abs(millis) < 100) {
			return String.format(Locale.ROOT, "%.1f ms", millis);
		}
		return String.format(Locale.ROOT, "%,.0f ms", millis);
	}

	private static String rate(@Nullable Double perSecond) {
		return (perSecond == null) ? NA : String.format(Locale.ROOT, "%.2f", perSecond);
	}

	private static String rates(List<Double> followers, List<Double> instances) {
		List<Double> values = followers.isEmpty() ? instances : followers;
		if (values.isEmpty()) {
			return NA;
		}
		List<String> each = values.stream().map(Report::rate).toList();
		return String.join(", ", each);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(@Nullable Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

	@SuppressWarnings("unchecked")
	private static List<Object> listOf(@Nullable Object value) {
		return (value instanceof List<?> list) ? (List<Object>) list : List.of();
	}

	static @Nullable Object get(Map<String, Object> map, String path) {
		Object value = map;
		for (String part : path.split("\\.")) {
			if (!(value instanceof Map<?, ?> current)) {
				return null;
			}
			value = current.get(part);
		}
		return value;
	}

	private static @Nullable Double number(Map<String, Object> map, String path) {
		return (get(map, path) instanceof Number number) ? number.doubleValue() : null;
	}

	private static List<Double> list(Map<String, Object> map, String path) {
		List<Double> values = new ArrayList<>();
		for (Object value : listOf(get(map, path))) {
			if (value instanceof Number number) {
				values.add(number.doubleValue());
			}
		}
		return values;
	}

}
