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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.leaderelection.samples.demo.DemoReport.Handover;
import io.github.leaderelection.samples.demo.Recording.Change;
import io.github.leaderelection.samples.demo.Recording.Execution;
import io.github.leaderelection.samples.demo.Recording.Fault;
import io.github.leaderelection.samples.demo.Recording.Grant;
import io.github.leaderelection.samples.demo.Recording.Revoke;
import org.jspecify.annotations.Nullable;

/**
 * A self-contained XHTML page with an SVG timeline of a failover demo: one lane per instance, showing when it
 * started, followed, led, was paused or stopped, with the faults, the time without a leader after each, and the
 * tables of the summary. Well-formed XML, so that tests can parse it.
 */
final class TimelinePage {

	static final int LANES = 3;

	private static final int WIDTH = 1240;

	private static final int LEFT = 96;

	private static final int RIGHT = 24;

	private static final int MARKER_ROW = 19;

	// A white outline under the letters keeps a label readable where it crosses a line.
	private static final String HALO = " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"";

	// Narrower bars are not drawn: a state that lasted less than a pixel's worth of time shows as nothing, not as a
	// sliver that looks like a rendering fault.
	private static final double MIN_WIDTH = 1.0;

	private static final int LANE_HEIGHT = 48;

	private static final int LANE_GAP = 22;

	private static final int AXIS_HEIGHT = 46;

	private static final int LEGEND_HEIGHT = 64;

	private final DemoReport report;

	private final Recording recording;

	private final double totalSeconds;

	private final List<Marker> markers = new ArrayList<>();

	private final int top;

	private TimelinePage(DemoReport report) {
		this.report = report;
		this.recording = report.recording();
		for (Handover handover : report.handovers()) {
			this.markers.add(new Marker(handover.fault().nanos(), handover, null));
		}
		for (Change change : this.recording.changes()) {
			if (change.kind() == Change.Kind.RESUMED) {
				this.markers.add(new Marker(change.nanos(), null, change));
			}
		}
		this.markers.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
		// One row of labels per marker, like stairs, so that no two labels collide.
		this.top = 28 + Math.max(1, this.markers.size()) * MARKER_ROW;
		long end = Math.max(this.recording.endNanos(), this.recording.timeline()
			.stream()
			.mapToLong(Recording::nanos)
			.max()
			.orElse(this.recording.originNanos()));
		this.totalSeconds = Math.max(1, this.recording.seconds(end));
	}

	static String render(DemoReport report) {
		return new TimelinePage(report).page();
	}

	/**
	 * The states of a lane in time order, with the leadership of the given role.
	 */
	static List<Segment> segments(DemoReport report, int slot, String role) {
		return new TimelinePage(report).segments(slot, role);
	}

	private String page() {
		StringBuilder html = new StringBuilder();
		html.append("""
				<!DOCTYPE html>
				<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
				<head>
				<meta charset="utf-8"/>
				<title>Failover demo: leader election on Redis</title>
				<style>
				body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px 32px; color: #222; }
				h1 { font-size: 22px; margin: 0 0 4px; }
				h2 { font-size: 16px; margin: 24px 0 8px; }
				p.settings { margin: 0 0 12px; color: #555; }
				p.reading { margin: 4px 0 12px; max-width: 1180px; font-size: 14px; line-height: 1.45; }
				.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
				.passed { background: #2e7d32; }
				.failed { background: #c62828; }
				table { border-collapse: collapse; font-size: 14px; }
				th, td { border-bottom: 1px solid #ddd; padding: 4px 12px 4px 0; text-align: left; }
				td.number { text-align: right; font-variant-numeric: tabular-nums; }
				svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
				</style>
				</head>
				<body>
				""");
		html.append("<h1>Failover demo: leader election on Redis</h1>\n");
		html.append("<p class=\"settings\">3 instances of the sample, each its own JVM, on one Redis; %s. <span class=\"verdict %s\">%s</span></p>\n"
			.formatted(esc(this.report.settings().describe()), this.report.passed() ? "passed" : "failed",
					this.report.passed() ? "PASSED" : "FAILED"));
		html.append(svg());
		html.append(reading());
		html.append(tables());
		html.append("</body>\n</html>\n");
		return html.toString();
	}

	private String svg() {
		int lanesBottom = laneTop(LANES) + LANE_HEIGHT;
		int height = lanesBottom + AXIS_HEIGHT + LEGEND_HEIGHT;
		StringBuilder svg = new StringBuilder();
		svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"Timeline of the failover demo\">\n"
			.formatted(WIDTH, height, WIDTH, height));
		svg.append("""
				<defs>
				<pattern id="stopped" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
				<rect width="6" height="6" fill="#f4f4f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/>
				</pattern>
				</defs>
				""");
		svg.append(gaps(lanesBottom));
		for (int slot = 1; slot <= LANES; slot++) {
			svg.append(lane(slot));
		}
		svg.append(axis(lanesBottom));
		svg.append(markers(lanesBottom));
		svg.append(legend(lanesBottom + AXIS_HEIGHT));
		svg.append("</svg>\n");
		return svg.toString();
	}

	// Shades, across all lanes, the time in which no instance led: from the end of the old leader's bar (its
	// revocation, crash, stop or pause), not from the fault, which may come before it, to the next grant.
	private String gaps(int lanesBottom) {
		StringBuilder svg = new StringBuilder("<g class=\"gaps\">\n");
		for (Handover handover : this.report.handovers()) {
			Grant next = handover.next();
			if (next != null) {
				long since = leaderlessSince(next.nanos(), handover.fault().nanos());
				double from = x(since);
				double to = x(next.nanos());
				if (to - from >= MIN_WIDTH) {
					svg.append("<rect class=\"leaderless\" data-fault=\"%d\" data-from=\"%.2f\" data-to=\"%.2f\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"%d\" fill=\"#d62728\" fill-opacity=\"0.16\"><title>%s</title></rect>\n"
						.formatted(handover.fault().number(), this.recording.seconds(since),
								this.recording.seconds(next.nanos()), num(from), this.top - 6, num(to - from),
								lanesBottom - this.top + 10,
								esc("No instance led '%s' from %.2f s to %.2f s (fault %d at %.2f s)".formatted(
										DemoReport.REPORTS, this.recording.seconds(since),
										this.recording.seconds(next.nanos()), handover.fault().number(),
										this.recording.seconds(handover.fault().nanos())))));
				}
			}
		}
		return svg.append("</g>\n").toString();
	}

	/**
	 * The end of the last leadership of 'reports', on any lane, before the given grant; the fault's time when there
	 * was none.
	 */
	long leaderlessSince(long grantNanos, long faultNanos) {
		long since = Long.MIN_VALUE;
		for (int slot = 1; slot <= LANES; slot++) {
			for (Segment segment : segments(slot, DemoReport.REPORTS)) {
				if (segment.state() == State.LEADING && segment.toNanos() <= grantNanos) {
					since = Math.max(since, segment.toNanos());
				}
			}
		}
		return (since == Long.MIN_VALUE) ? faultNanos : since;
	}

	private String lane(int slot) {
		int top = laneTop(slot);
		StringBuilder svg = new StringBuilder("<g class=\"lane\" data-lane=\"%d\">\n".formatted(slot));
		svg.append("<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"600\" text-anchor=\"end\">node-%d</text>\n"
			.formatted(LEFT - 12, top + 29, slot));
		svg.append("<rect x=\"%d\" y=\"%d\" width=\"%s\" height=\"30\" fill=\"url(#stopped)\"/>\n".formatted(LEFT,
				top + 8, num(WIDTH - LEFT - RIGHT)));
		for (Segment segment : segments(slot, DemoReport.REPORTS)) {
			double from = x(segment.fromNanos());
			double width = x(segment.toNanos()) - from;
			if (width < MIN_WIDTH) {
				continue;
			}
			svg.append("<rect class=\"%s\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"30\" fill=\"%s\"><title>%s</title></rect>\n"
				.formatted(segment.state().cssClass(), num(from), top + 8, num(width), segment.state().fill(),
						esc(segment.describe(this.recording))));
			if (segment.state() == State.LEADING && width > 96) {
				svg.append("<text x=\"%s\" y=\"%d\" font-size=\"11\" fill=\"#fff\">token %s</text>\n"
					.formatted(num(from + 5), top + 27, esc(shortToken(segment.token()))));
			}
		}
		for (Segment segment : segments(slot, DemoReport.CLEANUP)) {
			double from = x(segment.fromNanos());
			double width = x(segment.toNanos()) - from;
			if (segment.state() == State.LEADING && width >= MIN_WIDTH) {
				svg.append("<rect class=\"cleanup\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"5\" fill=\"#7b4fb0\"><title>%s</title></rect>\n"
					.formatted(num(from), top + 1, num(width), esc(segment.describe(this.recording))));
			}
		}
		svg.append("<g class=\"runs\">");
		for (Execution run : this.recording.executions()) {
			if (run.role().equals(DemoReport.REPORTS) && this.recording.slot(run.instance()) == slot) {
				double at = x(run.startNanos());
				svg.append("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#0b3d1a\" stroke-width=\"1\"/>"
					.formatted(num(at), top + 40, num(at), top + 47));
			}
		}
		svg.append("</g>\n");
		@Nullable String previous = null;
		for (Change change : this.recording.changes()) {
			if (change.kind() == Change.Kind.STARTED && this.recording.slot(change.instance()) == slot) {
				String label = "%s · pid %d".formatted(change.instance(), this.recording.pid(change.instance()));
				if (previous != null) {
					label += " · replacement JVM for " + previous;
				}
				// A label that would run off the right edge ends at it instead.
				double at = x(change.nanos()) + 2;
				boolean flip = at + label.length() * 6.2 > WIDTH - RIGHT;
				svg.append("<text class=\"started\" x=\"%s\" y=\"%d\" font-size=\"11\" fill=\"#555\" text-anchor=\"%s\"%s>%s</text>\n"
					.formatted(num(flip ? WIDTH - RIGHT : at), top - 3, flip ? "end" : "start", HALO, esc(label)));
				previous = change.instance();
			}
		}
		return svg.append("</g>\n").toString();
	}

	private String axis(int lanesBottom) {
		StringBuilder svg = new StringBuilder("<g class=\"axis\">\n");
		int y = lanesBottom + 8;
		svg.append("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n".formatted(LEFT, y,
				WIDTH - RIGHT, y));
		int step = tickStep();
		for (int second = 0; second <= this.totalSeconds; second += step) {
			double at = LEFT + second / this.totalSeconds * (WIDTH - LEFT - RIGHT);
			svg.append("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#888\"/>".formatted(num(at), y, num(at),
					y + 5));
			svg.append("<text x=\"%s\" y=\"%d\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">%d s</text>\n"
				.formatted(num(at), y + 18, second));
		}
		return svg.append("</g>\n").toString();
	}

	private String markers(int lanesBottom) {
		StringBuilder svg = new StringBuilder();
		for (int row = 0; row < this.markers.size(); row++) {
			Marker marker = this.markers.get(row);
			double at = x(marker.nanos());
			int labelY = 22 + row * MARKER_ROW;
			Handover handover = marker.handover();
			Change resumed = marker.resumed();
			String label = (handover != null) ? label(handover) : (resumed != null) ? "SIGCONT " + resumed.instance() : "";
			// Labels that would run off the right edge go to the left of their marker.
			boolean flip = at + 16 + label.length() * 6.8 > WIDTH;
			if (handover != null) {
				Fault fault = handover.fault();
				svg.append("<g class=\"fault\" data-number=\"%d\" data-kind=\"%s\">\n".formatted(fault.number(),
						fault.kind().name()));
				svg.append("<title>%s</title>\n".formatted(esc("Fault %d at %.2f s: %s (%s)".formatted(
						fault.number(), this.recording.seconds(fault.nanos()), fault.label(),
						fault.kind().description()))));
				svg.append("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
					.formatted(num(at), labelY + 4, num(at), lanesBottom + 4));
				svg.append("<circle cx=\"%s\" cy=\"%d\" r=\"8\" fill=\"#d62728\"/>\n".formatted(num(at), labelY - 4));
				svg.append("<text x=\"%s\" y=\"%d\" font-size=\"11\" font-weight=\"700\" fill=\"#fff\" text-anchor=\"middle\">%d</text>\n"
					.formatted(num(at), labelY, fault.number()));
				svg.append("<text x=\"%s\" y=\"%d\" font-size=\"12\" fill=\"#a31515\" text-anchor=\"%s\"%s>%s</text>\n"
					.formatted(num(flip ? at - 13 : at + 13), labelY, flip ? "end" : "start", HALO, esc(label)));
				svg.append("</g>\n");
			}
			else if (resumed != null) {
				svg.append("<g class=\"resume\">\n<title>%s</title>\n".formatted(esc("SIGCONT %s at %.2f s"
					.formatted(resumed.instance(), this.recording.seconds(resumed.nanos())))));
				svg.append("<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"#e6550d\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n"
					.formatted(num(at), labelY + 4, num(at), lanesBottom + 4));
				svg.append("<text x=\"%s\" y=\"%d\" font-size=\"12\" fill=\"#c2410c\" text-anchor=\"%s\"%s>%s</text>\n"
					.formatted(num(flip ? at - 6 : at + 6), labelY, flip ? "end" : "start", HALO, esc(label)));
				svg.append("</g>\n");
			}
		}
		return svg.toString();
	}

	private static String label(Handover handover) {
		Grant next = handover.next();
		return handover.fault().label() + ((next != null)
				? ": %s leads %.2f s later".formatted(next.instance(), handover.seconds()) : ": no new leader");
	}

	private String legend(int top) {
		record Item(String label, String swatch) {
		}
		List<Item> items = List.of(
				new Item("leading 'reports'", "<rect width=\"22\" height=\"12\" fill=\"%s\"/>".formatted(State.LEADING.fill())),
				new Item("following", "<rect width=\"22\" height=\"12\" fill=\"%s\"/>".formatted(State.FOLLOWING.fill())),
				new Item("starting", "<rect width=\"22\" height=\"12\" fill=\"%s\"/>".formatted(State.STARTING.fill())),
				new Item("paused (SIGSTOP)", "<rect width=\"22\" height=\"12\" fill=\"%s\"/>".formatted(State.PAUSED.fill())),
				new Item("stopped", "<rect width=\"22\" height=\"12\" fill=\"url(#stopped)\" stroke=\"#bbb\"/>"),
				new Item("leading 'cleanup'", "<rect y=\"4\" width=\"22\" height=\"5\" fill=\"#7b4fb0\"/>"),
				new Item("one run of the report job", "<line x1=\"6\" y1=\"0\" x2=\"6\" y2=\"12\" stroke=\"#0b3d1a\"/><line x1=\"11\" y1=\"0\" x2=\"11\" y2=\"12\" stroke=\"#0b3d1a\"/><line x1=\"16\" y1=\"0\" x2=\"16\" y2=\"12\" stroke=\"#0b3d1a\"/>"),
				new Item("fault", "<line x1=\"11\" y1=\"-2\" x2=\"11\" y2=\"14\" stroke=\"#d62728\" stroke-width=\"2\"/>"),
				new Item("no instance leads 'reports'", "<rect width=\"22\" height=\"12\" fill=\"#d62728\" fill-opacity=\"0.16\"/>"),
				new Item("SIGCONT", "<line x1=\"11\" y1=\"-2\" x2=\"11\" y2=\"14\" stroke=\"#e6550d\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"));
		StringBuilder svg = new StringBuilder("<g class=\"legend\">\n");
		int x = LEFT;
		int y = top;
		for (Item item : items) {
			int width = 34 + item.label().length() * 7;
			if (x + width > WIDTH - RIGHT) {
				x = LEFT;
				y += 24;
			}
			svg.append("<g transform=\"translate(%d,%d)\">%s<text x=\"28\" y=\"10\" font-size=\"12\">%s</text></g>\n"
				.formatted(x, y, item.swatch(), esc(item.label())));
			x += width;
		}
		return svg.append("</g>\n").toString();
	}

	// What the picture does not say by itself: where the x.2 instances come from, and what the red band spans.
	private String reading() {
		@Nullable String replacement = null;
		@Nullable String replaced = null;
		Map<Integer, String> firsts = new HashMap<>();
		for (Change change : this.recording.changes()) {
			if (change.kind() == Change.Kind.STARTED) {
				String first = firsts.putIfAbsent(this.recording.slot(change.instance()), change.instance());
				if (first != null && replacement == null) {
					replacement = change.instance();
					replaced = first;
				}
			}
		}
		StringBuilder html = new StringBuilder("<p class=\"reading\">");
		html.append("Each lane is one place where an instance of the sample runs, as a container or a VM would be. ");
		html.append("When the demo stops or kills an instance, it starts a <b>replacement JVM</b> in the same lane, as an orchestrator would");
		if (replacement != null) {
			html.append(esc(": %s is the second JVM of lane %s, which replaced %s, with a pid and an instance id of its own"
				.formatted(replacement, replaced, replaced)));
		}
		html.append(". A replacement competes like any other instance: it follows until it is granted the lease. ");
		html.append("A red line marks the moment of a fault; the red band the time in which no instance led 'reports', ");
		html.append("from the end of the old leader's bar (its revocation, or its crash, stop or pause) to the next grant. ");
		html.append("After a Redis restart that lost the data, the old leader leads on until its next renewal is refused; ");
		html.append("after a crash or a pause, its lease stays in Redis until it expires.</p>\n");
		return html.toString();
	}

	private String tables() {
		StringBuilder html = new StringBuilder("<h2>Faults</h2>\n<table>\n");
		html.append("<tr><th>#</th><th>fault</th><th>at</th><th>new leader of 'reports'</th><th>token</th><th>after</th></tr>\n");
		for (Handover handover : this.report.handovers()) {
			Fault fault = handover.fault();
			Grant next = handover.next();
			html.append("<tr><td>%d</td><td>%s</td><td class=\"number\">%.2f s</td><td>%s</td><td class=\"number\">%s</td><td class=\"number\">%s</td></tr>\n"
				.formatted(fault.number(), esc(fault.label() + " (" + fault.kind().description() + ")"),
						this.recording.seconds(fault.nanos()), (next != null) ? esc(next.instance()) : "none",
						(next != null) ? next.token() : "-",
						(next != null) ? "%.2f s".formatted(handover.seconds()) : "-"));
		}
		html.append("</table>\n<h2>Instances</h2>\n<table>\n");
		html.append("<tr><th>instance</th><th>pid</th><th>runs of 'reports'</th><th>runs of 'cleanup'</th></tr>\n");
		for (String instance : this.recording.instances()) {
			html.append("<tr><td>%s</td><td class=\"number\">%d</td><td class=\"number\">%d</td><td class=\"number\">%d</td></tr>\n"
				.formatted(esc(instance), this.recording.pid(instance),
						this.report.runs(DemoReport.REPORTS, instance, 0),
						this.report.runs(DemoReport.CLEANUP, instance, 0)));
		}
		html.append("</table>\n<h2>Checks</h2>\n<ul>\n");
		for (String role : DemoReport.ROLES) {
			html.append("<li>Runs of '%s' that overlapped in time on two instances: <b>%d</b></li>\n".formatted(role,
					this.report.overlaps(role).size()));
		}
		for (String role : DemoReport.ROLES) {
			List<Long> tokens = this.report.tokens(role);
			html.append("<li>Fencing tokens granted for '%s': %s; only increasing: <b>%s</b></li>\n".formatted(role,
					esc(tokens.stream().map(String::valueOf).collect(Collectors.joining(" < "))),
					DemoReport.isIncreasing(tokens) ? "yes" : "no"));
		}
		for (String problem : this.report.problems()) {
			html.append("<li style=\"color:#c62828\">%s</li>\n".formatted(esc(problem)));
		}
		html.append("</ul>\n");
		html.append("<p class=\"settings\">Times are seconds since the demo began, by System.nanoTime() of each process (CLOCK_MONOTONIC, shared by the processes of one machine). Token labels show the last six digits: after a loss of its data Redis restarts the counter from its clock in microseconds, above every token before.</p>\n");
		return html.toString();
	}

	/**
	 * The lane's states in time order, by what its instances reported and what the demo did to them.
	 */
	List<Segment> segments(int slot, String role) {
		List<Object> events = new ArrayList<>();
		for (Object event : this.recording.timeline()) {
			String instance = instance(event);
			if (instance != null && this.recording.slot(instance) == slot) {
				events.add(event);
			}
		}
		List<Segment> segments = new ArrayList<>();
		boolean alive = false;
		boolean ready = false;
		boolean paused = false;
		long token = 0;
		String instance = "";
		State state = State.STOPPED;
		long stateToken = 0;
		String stateInstance = "";
		long since = this.recording.originNanos();
		for (int i = 0; i < events.size(); i++) {
			Object event = events.get(i);
			if (event instanceof Change change) {
				switch (change.kind()) {
					case STARTED -> {
						alive = true;
						ready = false;
						paused = false;
						token = 0;
						instance = change.instance();
					}
					case READY -> ready = true;
					case PAUSED -> paused = true;
					case RESUMED -> {
						paused = false;
						// The lease ran out during the pause: the instance does not lead again, it only notices.
						if (expiredDuringPause(events, i, role)) {
							token = 0;
						}
					}
					case KILLED, EXITED -> {
						alive = false;
						token = 0;
					}
					default -> {
					}
				}
			}
			else if (event instanceof Grant grant && grant.role().equals(role)) {
				token = grant.token();
			}
			else if (event instanceof Revoke revoke && revoke.role().equals(role)) {
				token = 0;
			}
			State next = !alive ? State.STOPPED : paused ? State.PAUSED
					: (token != 0) ? State.LEADING : ready ? State.FOLLOWING : State.STARTING;
			long nextToken = (next == State.LEADING) ? token : 0;
			if (next != state || nextToken != stateToken) {
				long at = Recording.nanos(event);
				if (state != State.STOPPED && at > since) {
					segments.add(new Segment(stateInstance, state, since, at, stateToken));
				}
				state = next;
				stateToken = nextToken;
				stateInstance = instance;
				since = at;
			}
		}
		long end = Math.max(since, this.recording.endNanos());
		if (state != State.STOPPED && end > since) {
			segments.add(new Segment(stateInstance, state, since, end, stateToken));
		}
		return segments.stream().map((segment) -> endedByNextLeader(segment, role)).toList();
	}

	// An instance stopped by SIGTERM may exit before its revocation reaches the recording. Its lease was released
	// before the next instance could be granted, so its leadership ends at that grant, not at its exit.
	private Segment endedByNextLeader(Segment segment, String role) {
		if (segment.state() != State.LEADING) {
			return segment;
		}
		long end = segment.toNanos();
		for (Object event : this.recording.timeline()) {
			if (event instanceof Revoke revoke && revoke.role().equals(role)
					&& revoke.instance().equals(segment.instance()) && revoke.token() == segment.token()) {
				return segment;
			}
			if (event instanceof Grant grant && grant.role().equals(role) && !grant.instance().equals(segment.instance())
					&& grant.nanos() > segment.fromNanos() && grant.nanos() < end) {
				end = grant.nanos();
			}
		}
		return new Segment(segment.instance(), segment.state(), segment.fromNanos(), end, segment.token());
	}

	// Whether the next leadership event of the role after events[index] is a revocation for an expired lease.
	private static boolean expiredDuringPause(List<Object> events, int index, String role) {
		for (Object event : events.subList(index + 1, events.size())) {
			if (event instanceof Grant grant && grant.role().equals(role)) {
				return false;
			}
			if (event instanceof Revoke revoke && revoke.role().equals(role)) {
				return "LEASE_EXPIRED".equals(revoke.reason());
			}
		}
		return false;
	}

	private static @Nullable String instance(Object event) {
		if (event instanceof Change change) {
			return change.instance();
		}
		if (event instanceof Grant grant) {
			return grant.instance();
		}
		if (event instanceof Revoke revoke) {
			return revoke.instance();
		}
		return null;
	}

	private int laneTop(int slot) {
		return this.top + (slot - 1) * (LANE_HEIGHT + LANE_GAP);
	}

	private double x(long nanos) {
		double seconds = Math.min(this.totalSeconds, Math.max(0, this.recording.seconds(nanos)));
		return LEFT + seconds / this.totalSeconds * (WIDTH - LEFT - RIGHT);
	}

	private int tickStep() {
		for (int step : new int[] { 1, 2, 5, 10, 15, 30, 60, 120 }) {
			if (this.totalSeconds / step <= 16) {
				return step;
			}
		}
		return 300;
	}

	static String shortToken(long token) {
		String digits = Long.toString(token);
		return (digits.length() > 6) ? "…" + digits.substring(digits.length() - 6) : digits;
	}

	private static String num(double value) {
		return String.format(Locale.ROOT, "%.1f", value);
	}

	static String esc(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/**
	 * A fault, or the continuation of a paused instance, marked on the timeline.
	 */
	private record Marker(long nanos, @Nullable Handover handover, @Nullable Change resumed) {

	}

	/**
	 * What a lane shows for a while.
	 */
	enum State {

		STARTING("starting", "#d0d0d0"), FOLLOWING("following", "#a6cee3"), LEADING("leading", "#2e8b47"),
		PAUSED("paused", "#f59a23"), STOPPED("stopped", "url(#stopped)");

		private final String cssClass;

		private final String fill;

		State(String cssClass, String fill) {
			this.cssClass = cssClass;
			this.fill = fill;
		}

		String cssClass() {
			return this.cssClass;
		}

		String fill() {
			return this.fill;
		}

	}

	/**
	 * One state of one instance, from one time to another.
	 */
	record Segment(String instance, State state, long fromNanos, long toNanos, long token) {

		String describe(Recording recording) {
			String what = (this.state == State.LEADING) ? "leading (token %d)".formatted(this.token)
					: this.state.cssClass();
			return "%s %s from %.2f s to %.2f s".formatted(this.instance, what, recording.seconds(this.fromNanos),
					recording.seconds(this.toNanos));
		}

	}

}
