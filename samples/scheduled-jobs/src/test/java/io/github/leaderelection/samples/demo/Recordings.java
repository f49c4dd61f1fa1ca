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

import io.github.leaderelection.samples.demo.Recording.Change;
import io.github.leaderelection.samples.demo.Recording.Fault;

/**
 * Recordings of made-up demos, for tests of the report and the page.
 */
final class Recordings {

	static final long ORIGIN = 5_000_000_000L;

	private Recordings() {
	}

	/**
	 * A demo that went well, shaped like a real run: the faults in the usual order, one new leader after each.
	 */
	static Recording failover() {
		Recording recording = new Recording(ORIGIN);
		recording.started("node-1", 1, 101, at(1.0));
		recording.started("node-2", 2, 102, at(1.02));
		recording.started("node-3", 3, 103, at(1.05));
		ready(recording, "node-1", 12.4);
		ready(recording, "node-2", 12.7);
		ready(recording, "node-3", 14.0);
		lead(recording, "reports", "node-1", 1001, 15.0, 18.1, "SHUTDOWN");
		lead(recording, "cleanup", "node-1", 2001, 15.0, 18.1, "SHUTDOWN");
		recording.fault(Fault.Kind.SIGTERM, "node-1", at(18.0));
		recording.changed("node-1", Change.Kind.TERMINATED, at(18.0));
		lead(recording, "reports", "node-3", 1002, 18.15, 0, null);
		lead(recording, "cleanup", "node-2", 2002, 18.17, 34.9, "LEASE_LOST");
		recording.changed("node-1", Change.Kind.EXITED, at(18.3));
		recording.started("node-1.2", 1, 104, at(18.31));
		ready(recording, "node-1.2", 22.9);
		recording.fault(Fault.Kind.SIGKILL, "node-3", at(22.9));
		recording.changed("node-3", Change.Kind.KILLED, at(22.9));
		jobs(recording, "reports", "node-3", 1002, 18.15, 22.9);
		recording.changed("node-3", Change.Kind.EXITED, at(22.92));
		lead(recording, "reports", "node-1.2", 1003, 24.8, 31.36, "LEASE_EXPIRED");
		recording.started("node-3.2", 3, 105, at(24.8));
		ready(recording, "node-3.2", 28.3);
		recording.fault(Fault.Kind.SIGSTOP, "node-1.2", at(28.35));
		recording.changed("node-1.2", Change.Kind.PAUSED, at(28.35));
		lead(recording, "reports", "node-2", 1004, 30.45, 34.52, "LEASE_LOST");
		recording.changed("node-1.2", Change.Kind.RESUMED, at(31.35));
		recording.fault(Fault.Kind.REDIS_RESTART, "redis", at(34.36));
		lead(recording, "reports", "node-1.2", 1795427360845708L, 36.6, 39.65, "SHUTDOWN");
		lead(recording, "cleanup", "node-3.2", 1795427361150797L, 36.9, 39.65, "SHUTDOWN");
		for (String instance : new String[] { "node-2", "node-1.2", "node-3.2" }) {
			recording.changed(instance, Change.Kind.TERMINATED, at(39.6));
			recording.changed(instance, Change.Kind.EXITED, at(39.8));
		}
		recording.ended(at(39.9));
		return recording;
	}

	static long at(double seconds) {
		return ORIGIN + (long) (seconds * 1e9);
	}

	static void ready(Recording recording, String instance, double seconds) {
		recording.report(DemoProbe.PREFIX + "ready " + instance + " " + at(seconds));
	}

	/**
	 * A grant, the runs of its job every 100 ms (those of a paused instance stop at its pause), and a revoke unless
	 * {@code reason} is {@code null}.
	 */
	static void lead(Recording recording, String role, String instance, long token, double from, double to,
			String reason) {
		recording.report(DemoProbe.PREFIX + "granted %s %s %d %d".formatted(role, instance, token, at(from)));
		if (reason != null) {
			double lastRun = ("LEASE_EXPIRED".equals(reason)) ? 28.3 : to;
			jobs(recording, role, instance, token, from, lastRun);
			recording.report(DemoProbe.PREFIX + "revoked %s %s %d %s %d".formatted(role, instance, token, reason,
					at(to)));
		}
	}

	static void jobs(Recording recording, String role, String instance, long token, double from, double to) {
		for (double start = from + 0.01; start < to - 0.01; start += 0.1) {
			job(recording, role, instance, token, start, start + 0.0005);
		}
	}

	static void job(Recording recording, String role, String instance, long token, double start, double end) {
		recording.report(DemoProbe.PREFIX + "job %s %s %d %d %d".formatted(role, instance, token, at(start),
				at(end)));
	}

}
