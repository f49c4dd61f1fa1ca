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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One contender's application in a JVM of its own, started from this JVM's class path as the integration tests
 * start theirs: its standard output lines are kept with the {@link System#nanoTime()} they arrived at, and the
 * harness waits on them. Signals go to its PID; {@link #close()} kills it if it still runs, and so does a shutdown
 * hook of this JVM. Closing its standard input, as this JVM's death does, makes the application exit.
 */
final class Child implements AutoCloseable {

	private static final Set<Child> live = ConcurrentHashMap.newKeySet();

	// Notified on every line of every child, for awaitAny.
	private static final Object anyLine = new Object();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> live.forEach(Child::close), "benchmark-child-reaper"));
	}

	private final String name;

	private final Process process;

	private final long spawnedNanos;

	private final List<Line> lines = new ArrayList<>();

	private final Thread reader;

	private Child(String name, Process process, long spawnedNanos) {
		this.name = name;
		this.process = process;
		this.spawnedNanos = spawnedNanos;
		this.reader = new Thread(this::read, "benchmark-child-" + name);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts {@code mainClass} with the JVM options and then the application's arguments.
	 */
	static Child start(String name, String mainClass, List<String> jvmOptions, List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath());
		command.add(mainClass);
		command.addAll(arguments);
		long spawned = System.nanoTime();
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			Child child = new Child(name, process, spawned);
			live.add(child);
			return child;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
	}

	/**
	 * This JVM's class path: Surefire starts tests from a manifest-only jar, whose class path is in
	 * {@code surefire.test.class.path}.
	 */
	static String classPath() {
		return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	long spawnedNanos() {
		return this.spawnedNanos;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Sends one command line to the application's standard input.
	 */
	void send(String command) {
		try {
			OutputStream in = this.process.getOutputStream();
			in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
			in.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not send '%s' to %s".formatted(command, this.name), ex);
		}
	}

	/**
	 * Sends {@code SIGTERM}, as an orchestrator stopping the instance would.
	 */
	void terminate() {
		// Through the handle: Process.destroy() also closes the pipes, losing what the process prints on its way out.
		this.process.toHandle().destroy();
	}

	/**
	 * Sends {@code SIGKILL}: the process dies without running anything.
	 */
	void kill() {
		this.process.toHandle().destroyForcibly();
	}

	/**
	 * Waits until the process exited and all it printed was read.
	 */
	void awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("%s did not exit within %s; its output:%n%s".formatted(this.name,
						timeout, output()));
			}
			this.reader.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		live.remove(this);
	}

	/**
	 * Number of lines read so far, to wait for lines after it.
	 */
	synchronized int mark() {
		return this.lines.size();
	}

	synchronized List<Line> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * The first line from index {@code from} on that starts with {@code kind}, if one arrived already.
	 */
	synchronized Optional<Line> find(String kind, int from) {
		for (int i = from; i < this.lines.size(); i++) {
			if (this.lines.get(i).is(kind)) {
				return Optional.of(this.lines.get(i));
			}
		}
		return Optional.empty();
	}

	/**
	 * Waits for the first line from index {@code from} on that starts with {@code kind}.
	 * @throws IllegalStateException with the output so far when none arrives within the timeout, or the process
	 * ends first
	 */
	Line await(String kind, int from, Duration timeout) {
		return await((line) -> line.is(kind), from, timeout, kind);
	}

	synchronized Line await(Predicate<Line> wanted, int from, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int next = from;
		while (true) {
			for (; next < this.lines.size(); next++) {
				if (wanted.test(this.lines.get(next))) {
					return this.lines.get(next);
				}
			}
			long left = deadline - System.nanoTime();
			if (left <= 0 || (!this.reader.isAlive())) {
				throw new IllegalStateException("No '%s' from %s within %s; its output:%n%s".formatted(what,
						this.name, timeout, output()));
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	/**
	 * Waits for the first line of {@code kind} that one of the children printed after {@code afterNanos}.
	 * @throws IllegalStateException with their output when none arrives within the timeout
	 */
	static Found awaitAny(List<Child> children, String kind, long afterNanos, Duration timeout) {
		return awaitAny(children, (line) -> line.is(kind), kind, afterNanos, timeout);
	}

	/**
	 * Waits for the first line {@code wanted} that one of the children printed after {@code afterNanos}.
	 * @throws IllegalStateException with their output when none arrives within the timeout
	 */
	static Found awaitAny(List<Child> children, Predicate<Line> wanted, String kind, long afterNanos,
			Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (anyLine) {
			while (true) {
				Found first = null;
				for (Child child : children) {
					for (Line line : child.lines()) {
						if (wanted.test(line) && line.nanos() > afterNanos
								&& (first == null || line.nanos() < first.line().nanos())) {
							first = new Found(child, line);
						}
					}
				}
				if (first != null) {
					return first;
				}
				long left = deadline - System.nanoTime();
				boolean allEnded = children.stream().noneMatch((child) -> child.reader.isAlive());
				if (left <= 0 || allEnded) {
					StringBuilder output = new StringBuilder();
					children.forEach((child) -> output.append(child.output()));
					throw new IllegalStateException(
							"No '%s' from %s within %s%s; their output:%n%s".formatted(kind, children, timeout,
									allEnded ? " (all ended)" : "", output));
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(anyLine, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
			}
		}
	}

	synchronized String output() {
		StringBuilder output = new StringBuilder();
		int from = Math.max(0, this.lines.size() - 200);
		for (int i = from; i < this.lines.size(); i++) {
			output.append(this.name).append("| ").append(this.lines.get(i).text()).append('\n');
		}
		return output.toString();
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		live.remove(this);
	}

	@Override
	public String toString() {
		return "%s (pid %d)".formatted(this.name, this.process.pid());
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String text;
			while ((text = reader.readLine()) != null) {
				Line line = new Line(System.nanoTime(), text);
				synchronized (this) {
					this.lines.add(line);
					notifyAll();
				}
				synchronized (anyLine) {
					anyLine.notifyAll();
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
		synchronized (this) {
			notifyAll();
		}
	}

	/**
	 * A line and the child that printed it.
	 */
	record Found(Child child, Line line) {

	}

	/**
	 * A line of output and the time it arrived here.
	 */
	record Line(long arrivedNanos, String text) {

		boolean is(String kind) {
			return this.text.startsWith(kind + " ");
		}

		/**
		 * The time the application printed the line at: its second word.
		 */
		long nanos() {
			return Long.parseLong(word(1));
		}

		String word(int index) {
			String[] words = this.text.split(" ");
			return words[index];
		}

		/**
		 * A {@code key=value} word of a {@code STATS} line.
		 */
		long stat(String key) {
			for (String word : this.text.split(" ")) {
				if (word.startsWith(key + "=")) {
					return Long.parseLong(word.substring(key.length() + 1));
				}
			}
			throw new IllegalArgumentException("No " + key + " in " + this.text);
		}

	}

}
