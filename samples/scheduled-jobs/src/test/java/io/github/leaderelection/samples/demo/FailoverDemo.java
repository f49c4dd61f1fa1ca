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

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.github.leaderelection.samples.demo.Recording.Change;
import io.github.leaderelection.samples.demo.Recording.Fault;
import io.github.leaderelection.samples.demo.Recording.Grant;
import io.github.leaderelection.samples.demo.Recording.Revoke;
import io.github.leaderelection.test.RedisServer;
import org.jspecify.annotations.Nullable;

/**
 * Starts one Redis and three instances of the sample, each in a JVM of its own, and walks through the faults a
 * leader election must survive: the leader stops gracefully ({@code SIGTERM}), the next leader crashes
 * ({@code SIGKILL}), a leader is paused for longer than its lease ({@code SIGSTOP}, then {@code SIGCONT}), and Redis
 * restarts with the loss of its data. A stopped instance is started again, so that three compete at each fault.
 * <p>
 * It prints its progress, then a timeline and a summary, and writes {@code timeline.html} (an SVG timeline),
 * {@code summary.md}, {@code summary.json} and each instance's log to its output directory. It fails when a fault is
 * not followed by a new leader, when runs of a job overlap in time on two instances, or when a fencing token goes
 * backwards.
 */
public final class FailoverDemo {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	private final DemoSettings settings;

	private final Path directory;

	private final PrintStream out;

	private final Map<Integer, Integer> incarnations = new HashMap<>();

	private @Nullable Recording recording;

	FailoverDemo(DemoSettings settings, Path directory, PrintStream out) {
		this.settings = settings;
		this.directory = directory;
		this.out = out;
	}

	/**
	 * Runs the demo of the README.
	 * @param args the output directory, {@code target/failover-demo} by default
	 */
	public static void main(String[] args) throws Exception {
		Path directory = Path.of((args.length > 0) ? args[0] : "target/failover-demo");
		DemoReport report = new FailoverDemo(DemoSettings.full(), directory, System.out).run();
		System.exit(report.passed() ? 0 : 1);
	}

	/**
	 * Runs the demo, stops every process it started, also on failure, and writes its files.
	 */
	DemoReport run() throws IOException, InterruptedException {
		Files.createDirectories(this.directory.resolve("logs"));
		Recording recording = new Recording(System.nanoTime());
		this.recording = recording;
		recording.onEvent(this::progress);
		List<InstanceProcess> instances = new ArrayList<>();
		RedisServer redis = null;
		try {
			redis = RedisServer.start();
			say("Started %s", redis);
			walkThrough(redis, recording, instances);
		}
		catch (AbortedException ex) {
			recording.aborted(ex.getMessage());
			say("STOPPED EARLY: %s", ex.getMessage());
		}
		finally {
			for (InstanceProcess instance : instances) {
				instance.destroy();
			}
			if (redis != null) {
				redis.close();
			}
			recording.ended(System.nanoTime());
		}
		DemoReport report = DemoReport.of(recording, this.settings);
		this.out.println();
		this.out.println(report.timelineText());
		this.out.println(report.summaryText());
		Files.writeString(this.directory.resolve("timeline.html"), TimelinePage.render(report), StandardCharsets.UTF_8);
		Files.writeString(this.directory.resolve("summary.md"), report.markdown(), StandardCharsets.UTF_8);
		Files.writeString(this.directory.resolve("summary.json"), report.json(), StandardCharsets.UTF_8);
		this.out.println("Wrote " + this.directory.resolve("timeline.html").toAbsolutePath() + " (and summary.md, "
				+ "summary.json, logs/ beside it)");
		return report;
	}

	private void walkThrough(RedisServer redis, Recording recording, List<InstanceProcess> instances)
			throws InterruptedException {
		say("Starting 3 instances of the sample: %s", this.settings.describe());
		for (int slot = 1; slot <= TimelinePage.LANES; slot++) {
			instances.add(launch(slot, redis, recording));
		}
		for (InstanceProcess instance : instances) {
			awaitReady(instance, recording);
		}
		long started = recording.originNanos();
		require(recording.await((r) -> r.grantAfter(DemoReport.REPORTS, started, null).isPresent(),
				this.settings.handoverTimeout()), "no instance became leader");
		say("%s leads '%s', %s leads '%s'", recording.leader(DemoReport.REPORTS).orElse("nobody"),
				DemoReport.REPORTS, recording.leader(DemoReport.CLEANUP).orElse("nobody"), DemoReport.CLEANUP);
		recording.pass(this.settings.settle());

		InstanceProcess leader = leader(instances, recording);
		Fault fault = fault(recording, Fault.Kind.SIGTERM, leader.name());
		leader.terminate();
		awaitNewLeader(recording, fault);
		replace(leader, redis, recording, instances);

		leader = leader(instances, recording);
		fault = fault(recording, Fault.Kind.SIGKILL, leader.name());
		leader.kill();
		awaitNewLeader(recording, fault);
		replace(leader, redis, recording, instances);

		leader = leader(instances, recording);
		String paused = leader.name();
		long now = System.nanoTime();
		// Pause it between two runs of its job, not in the middle of one: a run paused half-way ends after the
		// next leader's first runs, which no lease can prevent. That is what the fencing token is for: the late
		// run carries the lower token, and a store that checks tokens rejects what it writes.
		require(recording.await((r) -> r.hasExecutionAfter(DemoReport.REPORTS, paused, now),
				this.settings.handoverTimeout()), paused + " ran no job");
		fault = fault(recording, Fault.Kind.SIGSTOP, paused);
		leader.pause();
		long pausedAt = fault.nanos();
		awaitNewLeader(recording, fault);
		long resumeAt = fault.nanos() + this.settings.pause().toNanos();
		recording.pass(Duration.ofNanos(Math.max(0, resumeAt - System.nanoTime())));
		leader.resume();
		// The instance may report its revocation before this JVM notes that it sent SIGCONT: count any revocation
		// since the pause began.
		require(recording.await((r) -> r.hasRevokeAfter(DemoReport.REPORTS, paused, pausedAt),
				this.settings.handoverTimeout()), paused + " did not notice, once continued, that it lost the lease");
		recording.pass(this.settings.settle());

		fault = fault(recording, Fault.Kind.REDIS_RESTART, "redis");
		redis.restart();
		say("%s is back, empty", redis);
		awaitNewLeader(recording, fault);
		recording.pass(this.settings.settle());

		say("Stopping the instances");
		for (InstanceProcess instance : instances) {
			if (instance.isAlive()) {
				instance.terminate();
			}
		}
		for (InstanceProcess instance : instances) {
			require(instance.awaitExit(EXIT_TIMEOUT), instance + " did not exit");
		}
	}

	private InstanceProcess launch(int slot, RedisServer redis, Recording recording) {
		int incarnation = this.incarnations.merge(slot, 1, Integer::sum);
		String name = "node-" + slot + ((incarnation > 1) ? "." + incarnation : "");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				// Quick to start on a small machine: these JVMs live for a minute.
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(),
				DemoInstance.class.getName(), "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port(), "--leader.election.instance-id=" + name));
		command.addAll(this.settings.arguments());
		return InstanceProcess.start(name, slot, command, this.directory.resolve("logs").resolve(name + ".log"),
				recording);
	}

	// The class path of this JVM, which has the sample, the starter and this demo; the Failsafe and Surefire
	// boot jar hides it in a manifest, and then names it in a property.
	private static String classPath() {
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		return Arrays.stream(classPath.split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.collect(Collectors.joining(File.pathSeparator));
	}

	private void replace(InstanceProcess stopped, RedisServer redis, Recording recording,
			List<InstanceProcess> instances) throws InterruptedException {
		require(stopped.awaitExit(EXIT_TIMEOUT), stopped + " did not exit");
		InstanceProcess replacement = launch(stopped.slot(), redis, recording);
		instances.add(replacement);
		recording.pass(this.settings.settle());
		awaitReady(replacement, recording);
	}

	private void awaitReady(InstanceProcess instance, Recording recording) throws InterruptedException {
		require(recording.await((r) -> r.hasChange(instance.name(), Change.Kind.READY)
				|| r.hasChange(instance.name(), Change.Kind.EXITED), STARTUP_TIMEOUT),
				instance + " did not start within " + STARTUP_TIMEOUT.toSeconds() + " s");
		require(!recording.hasChange(instance.name(), Change.Kind.EXITED),
				instance + " exited while starting; see logs/" + instance.name() + ".log");
	}

	private InstanceProcess leader(List<InstanceProcess> instances, Recording recording) {
		Optional<String> leader = recording.leader(DemoReport.REPORTS);
		return instances.stream()
			.filter((instance) -> instance.isAlive() && leader.isPresent() && instance.name().equals(leader.get()))
			.findFirst()
			.orElseThrow(() -> new AbortedException("no live instance leads '" + DemoReport.REPORTS + "'"));
	}

	private Fault fault(Recording recording, Fault.Kind kind, String target) {
		Fault fault = recording.fault(kind, target, System.nanoTime());
		return fault;
	}

	private void awaitNewLeader(Recording recording, Fault fault) throws InterruptedException {
		String except = fault.targetsInstance() ? fault.target() : null;
		if (!recording.await((r) -> r.grantAfter(DemoReport.REPORTS, fault.nanos(), except).isPresent(),
				this.settings.handoverTimeout())) {
			throw new AbortedException("no new leader within %d s of fault %d (%s)".formatted(
					this.settings.handoverTimeout().toSeconds(), fault.number(), fault.label()));
		}
	}

	private static void require(boolean condition, String failure) {
		if (!condition) {
			throw new AbortedException(failure);
		}
	}

	// Called for everything recorded, on the thread that recorded it.
	private void progress(Object event) {
		Recording recording = this.recording;
		if (recording == null) {
			return;
		}
		if (event instanceof Fault fault) {
			say("FAULT %d: %s (%s)", fault.number(), fault.label(), fault.kind().description());
		}
		else if (event instanceof Grant grant) {
			Optional<Fault> fault = recording.faults()
				.stream()
				.filter((candidate) -> candidate.nanos() < grant.nanos())
				.reduce((first, second) -> second);
			String after = fault.filter((candidate) -> grant.role().equals(DemoReport.REPORTS)
					&& recording.grantAfter(DemoReport.REPORTS, candidate.nanos(),
							candidate.targetsInstance() ? candidate.target() : null).orElse(null) == grant)
				.map((candidate) -> ", %.2f s after fault %d".formatted((grant.nanos() - candidate.nanos()) / 1e9,
						candidate.number()))
				.orElse("");
			say("%s now leads '%s' (token %d)%s", grant.instance(), grant.role(), grant.token(), after);
		}
		else if (event instanceof Revoke revoke) {
			say("%s no longer leads '%s' (token %d): %s", revoke.instance(), revoke.role(), revoke.token(),
					revoke.reason());
		}
		else if (event instanceof Change change) {
			switch (change.kind()) {
				case STARTED -> say("%s starting (pid %d)", change.instance(), recording.pid(change.instance()));
				case READY -> say("%s ready", change.instance());
				case EXITED -> say("%s exited", change.instance());
				case RESUMED -> say("%s continued (SIGCONT)", change.instance());
				default -> {
				}
			}
		}
	}

	private void say(String format, Object... args) {
		Recording recording = this.recording;
		double seconds = (recording != null) ? recording.seconds(System.nanoTime()) : 0;
		this.out.println("[%7.2f s] %s".formatted(seconds, format.formatted(args)));
	}

	/**
	 * The demo could not go on: a process did not start or exit, or a fault was not followed by a new leader.
	 */
	static final class AbortedException extends RuntimeException {

		AbortedException(String message) {
			super(message);
		}

	}

}
