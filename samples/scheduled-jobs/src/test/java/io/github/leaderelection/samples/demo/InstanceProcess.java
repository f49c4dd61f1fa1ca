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

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.samples.demo.Recording.Change;

/**
 * One instance of the sample in a JVM of its own. Its output goes to a log file, and the lines of its
 * {@link DemoProbe} also to the {@link Recording}. Signals go to its PID.
 */
final class InstanceProcess {

	private final String name;

	private final int slot;

	private final Process process;

	private final Recording recording;

	private InstanceProcess(String name, int slot, Process process, Recording recording) {
		this.name = name;
		this.slot = slot;
		this.process = process;
		this.recording = recording;
	}

	/**
	 * Starts an instance with the given command, which must end with its arguments.
	 * @param name the instance id, also passed to the instance
	 * @param slot the lane of the timeline, 1 to 3
	 * @param command the command that starts a {@link DemoInstance}
	 * @param log the file the instance's output goes to
	 * @param recording where its reports go
	 */
	static InstanceProcess start(String name, int slot, List<String> command, Path log, Recording recording) {
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
		recording.started(name, slot, process.pid(), System.nanoTime());
		InstanceProcess instance = new InstanceProcess(name, slot, process, recording);
		process.onExit().thenRun(() -> recording.changed(name, Change.Kind.EXITED, System.nanoTime()));
		Thread reader = new Thread(() -> instance.read(log), "demo-" + name);
		reader.setDaemon(true);
		reader.start();
		return instance;
	}

	// Drains the output at once, so that the instance never blocks on a full pipe while it logs.
	private void read(Path log) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith(DemoProbe.PREFIX)) {
					this.recording.report(line);
				}
				out.write(line);
				out.newLine();
			}
		}
		catch (IOException | RuntimeException ex) {
			// The instance is gone, or reported something unreadable: its log has the rest.
		}
	}

	String name() {
		return this.name;
	}

	int slot() {
		return this.slot;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Sends {@code SIGTERM}: the application shuts down gracefully.
	 */
	void terminate() {
		this.recording.changed(this.name, Change.Kind.TERMINATED, System.nanoTime());
		this.process.destroy();
	}

	/**
	 * Sends {@code SIGKILL}: a crash.
	 */
	void kill() {
		this.recording.changed(this.name, Change.Kind.KILLED, System.nanoTime());
		this.process.destroyForcibly();
	}

	/**
	 * Sends {@code SIGSTOP}: every thread stops, connections stay open.
	 */
	void pause() {
		long nanos = System.nanoTime();
		signal("STOP");
		this.recording.changed(this.name, Change.Kind.PAUSED, nanos);
	}

	/**
	 * Sends {@code SIGCONT}.
	 */
	void resume() {
		signal("CONT");
		this.recording.changed(this.name, Change.Kind.RESUMED, System.nanoTime());
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Kills the process with {@code SIGKILL}, which ends a paused process too, and waits a little for its exit.
	 */
	void destroy() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			awaitExit(Duration.ofSeconds(5));
		}
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -%s %d failed: %s".formatted(signal, pid(), output.strip()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -" + signal, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid(), ex);
		}
	}

	@Override
	public String toString() {
		return "%s (pid %d)".formatted(this.name, pid());
	}

}
