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

package io.github.leaderelection.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JVM started from the test's class path, whose standard output lines are kept with the monotonic time they
 * arrived. {@link #close()} kills it by PID if it still runs.
 */
final class ChildJvm implements AutoCloseable {

	private final String name;

	private final Process process;

	private final List<Line> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private ChildJvm(String name, Process process) {
		this.name = name;
		this.process = process;
		this.reader = new Thread(this::read, "child-jvm-" + name);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	static ChildJvm start(String name, Class<?> mainClass, String... args) throws IOException {
		return start(name, Path.of(System.getProperty("java.home")), mainClass, args);
	}

	/**
	 * Starts a JVM of the given Java installation, which must run the test's class files.
	 */
	static ChildJvm start(String name, Path javaHome, Class<?> mainClass, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.add("-Xmx256m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(classPath());
		command.add(mainClass.getName());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new ChildJvm(name, process);
	}

	/**
	 * The test class path: Surefire and Failsafe start tests from a manifest-only jar, whose class path is in
	 * {@code surefire.test.class.path}.
	 */
	static String classPath() {
		return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Sends SIGTERM, as an orchestrator stopping the instance would.
	 */
	void terminate() {
		// Through the handle: Process.destroy() also closes the pipes, losing what the process prints on its way out.
		this.process.toHandle().destroy();
	}

	/**
	 * Sends SIGKILL: the process dies without running anything.
	 */
	void kill() {
		this.process.toHandle().destroyForcibly();
	}

	/**
	 * Waits until the process exited and all it printed was read.
	 */
	boolean awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			return false;
		}
		this.reader.join(timeout.toMillis());
		return !this.reader.isAlive();
	}

	List<Line> lines() {
		return List.copyOf(this.lines);
	}

	/**
	 * Arrival time of the first line that starts with the prefix, or -1.
	 */
	long firstLineNanos(String prefix) {
		return this.lines.stream().filter((line) -> line.text().startsWith(prefix)).mapToLong(Line::nanos).findFirst()
			.orElse(-1);
	}

	/**
	 * Waits until the process printed a line that starts with the prefix; fails with its output otherwise.
	 */
	void awaitLine(String prefix, Duration timeout) {
		await()
			.atMost(timeout)
			.untilAsserted(() -> assertThat(count(prefix))
				.as(() -> "'%s' from %s; output so far:%n%s".formatted(prefix, this.name, output()))
				.isPositive());
	}

	long count(String prefix) {
		return this.lines.stream().filter((line) -> line.text().startsWith(prefix)).count();
	}

	String output() {
		StringBuilder output = new StringBuilder();
		this.lines.forEach((line) -> output.append(this.name).append("| ").append(line.text()).append('\n'));
		return output.toString();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String text;
			while ((text = reader.readLine()) != null) {
				this.lines.add(new Line(System.nanoTime(), text));
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

	record Line(long nanos, String text) {

	}

}
