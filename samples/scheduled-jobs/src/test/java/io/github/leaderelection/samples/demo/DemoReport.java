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


package io.github.leaderelection.samples.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.github.leaderelection.samples.demo.Recording.Change;
import io.github.leaderelection.samples.demo.Recording.Execution;
import io.github.leaderelection.samples.demo.Recording.Fault;
import io.github.leaderelection.samples.demo.Recording.Grant;
import io.github.leaderelection.samples.demo.Recording.Revoke;
import org.jspecify.annotations.Nullable;

/**
 * What a failover demo showed, checked: for each fault the time until a new leader was granted, the job runs of each
 * instance, runs of one role that overlapped in time on two instances, and whether fencing tokens only increased.
 */
final class DemoReport {

	static final String REPORTS = "reports";

	static final String CLEANUP = "cleanup";

	static final List<String> ROLES = List.of(REPORTS, CLEANUP);

	private final Recording recording;

	private final DemoSettings settings;

	private final List<Handover> handovers;

	private final Map<String, List<Overlap>> overlaps = new TreeMap<>();

	private final Map<String, List<Long>> tokens = new TreeMap<>();

	private final List<String> problems = new ArrayList<>();

	private DemoReport(Recording recording, DemoSettings settings) {
		this.recording = recording;
		this.settings = settings;
		this.handovers = recording.faults()
			.stream()
			.map((fault) -> new Handover(fault,
					recording.grantAfter(REPORTS, fault.nanos(), fault.targetsInstance() ? fault.target() : null)
						.orElse(null)))
			.toList();
		if (recording.abortReason() != null) {
			this.problems.add("The demo stopped early: " + recording.abortReason());
		}
		for (Handover handover : this.handovers) {
			if (handover.next() == null) {
				this.problems.add("Fault %d (%s): no new leader of '%s' followed".formatted(handover.fault().number(),
						handover.fault().label(), REPORTS));
			}
		}
		for (String role : ROLES) {
			List<Overlap> overlaps = overlaps(recording.executions(), role);
			this.overlaps.put(role, overlaps);
			overlaps.forEach((overlap) -> this.problems.add("'%s' ran on two instances at once: %s".formatted(role,
					overlap.describe(recording))));
			checkTokens(role);
		}
	}

	static DemoReport of(Recording recording, DemoSettings settings) {
		return new DemoReport(recording, settings);
	}

	/**
	 * Runs of the role on different instances whose times intersect.
	 */
	static List<Overlap> overlaps(List<Execution> executions, String role) {
		List<Execution> runs = executions.stream()
			.filter((execution) -> execution.role().equals(role))
			.sorted(Comparator.comparingLong(Execution::startNanos))
			.toList();
		List<Overlap> overlaps = new ArrayList<>();
		List<Execution> running = new ArrayList<>();
		for (Execution run : runs) {
			running.removeIf((earlier) -> earlier.endNanos() <= run.startNanos());
			for (Execution earlier : running) {
				if (!earlier.instance().equals(run.instance())) {
					overlaps.add(new Overlap(earlier, run));
				}
			}
			running.add(run);
		}
		return overlaps;
	}

	private void checkTokens(String role) {
		List<Long> granted = this.recording.grants()
			.stream()
			.filter((grant) -> grant.role().equals(role))
			.sorted(Comparator.comparingLong(Grant::nanos))
			.map(Grant::token)
			.toList();
		this.tokens.put(role, granted);
		for (int i = 1; i < granted.size(); i++) {
			if (granted.get(i) <= granted.get(i - 1)) {
				this.problems.add("Fencing token of '%s' went backwards: %d granted after %d".formatted(role,
						granted.get(i), granted.get(i - 1)));
			}
		}
		long highest = 0;
		Execution highestRun = null;
		List<Execution> runs = this.recording.executions()
			.stream()
			.filter((execution) -> execution.role().equals(role) && execution.token() != 0)
			.sorted(Comparator.comparingLong(Execution::startNanos))
			.toList();
		for (Execution run : runs) {
			if (run.token() < highest) {
				this.problems.add("A run of '%s' on %s at %s used token %d after %s had used %d".formatted(role,
						run.instance(), at(run.startNanos()), run.token(), highestRun.instance(), highest));
			}
			else {
				highest = run.token();
				highestRun = run;
			}
		}
	}

	boolean passed() {
		return this.problems.isEmpty();
	}

	List<String> problems() {
		return List.copyOf(this.problems);
	}

	List<Handover> handovers() {
		return this.handovers;
	}

	List<Overlap> overlaps(String role) {
		return this.overlaps.getOrDefault(role, List.of());
	}

	List<Long> tokens(String role) {
		return this.tokens.getOrDefault(role, List.of());
	}

	Recording recording() {
		return this.recording;
	}

	DemoSettings settings() {
		return this.settings;
	}

	/**
	 * Runs of the role on the instance; with {@code token} other than 0, only those of that grant.
	 */
	long runs(String role, String instance, long token) {
		return this.recording.executions()
			.stream()
			.filter((execution) -> execution.role().equals(role) && execution.instance().equals(instance)
					&& (token == 0 || execution.token() == token))
			.count();
	}

	/**
	 * One line per change, fault, grant and revoke, by time.
	 */
	String timelineText() {
		StringBuilder text = new StringBuilder("Timeline (seconds since the demo began)\n");
		for (Object event : this.recording.timeline()) {
			text.append("  %8.3f s  %s%n".formatted(this.recording.seconds(Recording.nanos(event)), describe(event)));
		}
		return text.toString();
	}

	String describe(Object event) {
		if (event instanceof Fault fault) {
			return "FAULT %d: %s (%s)".formatted(fault.number(), fault.label(), fault.kind().description());
		}
		if (event instanceof Grant grant) {
			return "%s now leads '%s' (token %d)".formatted(grant.instance(), grant.role(), grant.token());
		}
		if (event instanceof Revoke revoke) {
			return "%s no longer leads '%s' (token %d, %d runs): %s".formatted(revoke.instance(), revoke.role(),
					revoke.token(), runs(revoke.role(), revoke.instance(), revoke.token()), revoke.reason());
		}
		if (event instanceof Change change) {
			return switch (change.kind()) {
				case STARTED -> "%s starting (pid %d)".formatted(change.instance(),
						this.recording.pid(change.instance()));
				case READY -> change.instance() + " ready";
				case TERMINATED -> change.instance() + " sent SIGTERM";
				case KILLED -> change.instance() + " sent SIGKILL";
				case PAUSED -> change.instance() + " sent SIGSTOP";
				case RESUMED -> change.instance() + " sent SIGCONT";
				case EXITED -> change.instance() + " exited";
			};
		}
		return String.valueOf(event);
	}

	/**
	 * The table of faults, the runs per instance, overlaps, tokens and the verdict.
	 */
	String summaryText() {
		StringBuilder text = new StringBuilder();
		text.append("Summary: 3 instances of the sample on one Redis; %s%n%n".formatted(this.settings.describe()));
		text.append("  #  %-52s %9s  %-26s %7s%n".formatted("fault", "at", "new leader of '" + REPORTS + "'",
				"after"));
		for (Handover handover : this.handovers) {
			Fault fault = handover.fault();
			Grant next = handover.next();
			text.append("  %d  %-52s %7.2f s  %-26s %7s%n".formatted(fault.number(),
					fault.label() + " (" + fault.kind().description() + ")", this.recording.seconds(fault.nanos()),
					(next != null) ? next.instance() : "NONE",
					(next != null) ? "%.2f s".formatted(handover.seconds()) : "-"));
		}
		text.append("%n  %-10s %8s  %14s  %14s%n".formatted("instance", "pid", "'" + REPORTS + "' runs",
				"'" + CLEANUP + "' runs"));
		long[] totals = new long[2];
		for (String instance : this.recording.instances()) {
			long reports = runs(REPORTS, instance, 0);
			long cleanups = runs(CLEANUP, instance, 0);
			totals[0] += reports;
			totals[1] += cleanups;
			text.append("  %-10s %8d  %14d  %14d%n".formatted(instance, this.recording.pid(instance), reports,
					cleanups));
		}
		text.append("  %-10s %8s  %14d  %14d%n%n".formatted("total", "", totals[0], totals[1]));
		for (String role : ROLES) {
			text.append("  Runs of '%s' that overlapped in time on two instances: %d%n".formatted(role,
					overlaps(role).size()));
		}
		for (String role : ROLES) {
			List<Long> tokens = tokens(role);
			text.append("  Fencing tokens granted for '%s', in order: %s; only increasing: %s%n".formatted(role,
					tokens.stream().map(String::valueOf).collect(Collectors.joining(" < ")),
					isIncreasing(tokens) ? "yes" : "NO"));
		}
		text.append("%n  Result: %s%n".formatted(passed() ? "PASSED" : "FAILED"));
		this.problems.forEach((problem) -> text.append("    - ").append(problem).append('\n'));
		return text.toString();
	}

	String markdown() {
		StringBuilder text = new StringBuilder("# Failover demo\n\n");
		text.append("3 instances of the sample on one Redis; %s.%n%n".formatted(this.settings.describe()));
		text.append("| # | fault | at | new leader of `%s` | after |%n|---|---|---|---|---|%n".formatted(REPORTS));
		for (Handover handover : this.handovers) {
			Fault fault = handover.fault();
			Grant next = handover.next();
			text.append("| %d | %s (%s) | %.2f s | %s | %s |%n".formatted(fault.number(), fault.label(),
					fault.kind().description(), this.recording.seconds(fault.nanos()),
					(next != null) ? next.instance() : "none",
					(next != null) ? "%.2f s".formatted(handover.seconds()) : "-"));
		}
		text.append("%n| instance | pid | `%s` runs | `%s` runs |%n|---|---|---|---|%n".formatted(REPORTS, CLEANUP));
		for (String instance : this.recording.instances()) {
			text.append("| %s | %d | %d | %d |%n".formatted(instance, this.recording.pid(instance),
					runs(REPORTS, instance, 0), runs(CLEANUP, instance, 0)));
		}
		text.append('\n');
		for (String role : ROLES) {
			text.append("- `%s`: %d overlapping runs; tokens %s%n".formatted(role, overlaps(role).size(),
					tokens(role).stream().map(String::valueOf).collect(Collectors.joining(" < "))));
		}
		text.append("%n**%s**%n".formatted(passed() ? "PASSED" : "FAILED"));
		this.problems.forEach((problem) -> text.append("- ").append(problem).append('\n'));
		return text.toString();
	}

	String json() {
		StringBuilder json = new StringBuilder("{\n");
		json.append("  \"settings\": %s,%n".formatted(quote(this.settings.describe())));
		json.append("  \"passed\": %s,%n".formatted(passed()));
		json.append("  \"problems\": [%s],%n".formatted(
				this.problems.stream().map(DemoReport::quote).collect(Collectors.joining(", "))));
		json.append("  \"faults\": [\n");
		json.append(this.handovers.stream().map((handover) -> {
			Fault fault = handover.fault();
			Grant next = handover.next();
			return "    {\"number\": %d, \"kind\": %s, \"target\": %s, \"atSeconds\": %s, \"newLeader\": %s, \"newToken\": %s, \"secondsToNewLeader\": %s}"
				.formatted(fault.number(), quote(fault.kind().name()), quote(fault.target()),
						decimal(this.recording.seconds(fault.nanos())),
						(next != null) ? quote(next.instance()) : "null",
						(next != null) ? Long.toString(next.token()) : "null",
						(next != null) ? decimal(handover.seconds()) : "null");
		}).collect(Collectors.joining(",\n")));
		json.append("\n  ],\n  \"instances\": [\n");
		json.append(this.recording.instances()
			.stream()
			.map((instance) -> "    {\"id\": %s, \"pid\": %d, \"lane\": %d, \"runs\": {%s}}".formatted(
					quote(instance), this.recording.pid(instance), this.recording.slot(instance),
					ROLES.stream()
						.map((role) -> quote(role) + ": " + runs(role, instance, 0))
						.collect(Collectors.joining(", "))))
			.collect(Collectors.joining(",\n")));
		json.append("\n  ],\n  \"overlaps\": {%s},%n".formatted(ROLES.stream()
			.map((role) -> quote(role) + ": " + overlaps(role).size())
			.collect(Collectors.joining(", "))));
		json.append("  \"tokens\": {%s}%n}%n".formatted(ROLES.stream()
			.map((role) -> quote(role) + ": ["
					+ tokens(role).stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]")
			.collect(Collectors.joining(", "))));
		return json.toString();
	}

	static boolean isIncreasing(List<Long> tokens) {
		for (int i = 1; i < tokens.size(); i++) {
			if (tokens.get(i) <= tokens.get(i - 1)) {
				return false;
			}
		}
		return true;
	}

	private String at(long nanos) {
		return "%.3f s".formatted(this.recording.seconds(nanos));
	}

	private static String decimal(double value) {
		return String.format(Locale.ROOT, "%.3f", value);
	}

	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				default -> {
					if (c < 0x20) {
						quoted.append("\\u%04x".formatted((int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

	/**
	 * A fault and the first grant of the role that followed it, to another instance unless Redis was the fault.
	 */
	record Handover(Fault fault, @Nullable Grant next) {

		/**
		 * Seconds from the fault to the grant.
		 */
		double seconds() {
			return (this.next != null) ? (this.next.nanos() - this.fault.nanos()) / 1e9 : Double.NaN;
		}

	}

	/**
	 * Two runs of one role, on different instances, whose times intersect.
	 */
	record Overlap(Execution first, Execution second) {

		String describe(Recording recording) {
			return "%s (token %d) from %.3f s to %.3f s and %s (token %d) from %.3f s to %.3f s".formatted(
					this.first.instance(), this.first.token(), recording.seconds(this.first.startNanos()),
					recording.seconds(this.first.endNanos()), this.second.instance(), this.second.token(),
					recording.seconds(this.second.startNanos()), recording.seconds(this.second.endNanos()));
		}

	}

}
