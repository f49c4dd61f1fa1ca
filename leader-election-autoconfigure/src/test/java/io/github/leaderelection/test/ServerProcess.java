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

package io.github.leaderelection.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

/**
 * A database server process on a loopback port, with its own temporary directory that holds its data and log. When
 * this JVM runs as root the server runs as an unprivileged system user, since PostgreSQL refuses to run as root.
 * Signals go to the PIDs of the server and of its child processes, never to a process name. Two safety nets end the
 * server with the JVM, as for {@link RedisProcess}: a shutdown hook, and a watchdog process that also fires when the
 * JVM is killed with {@code SIGKILL}. Needs a POSIX system ({@code /bin/sh}, {@code kill}).
 */
final class ServerProcess {

	static final String HOST = "127.0.0.1";

	// The machine's own servers listen there: a test must never reach them by accident.
	private static final Set<Integer> RESERVED_PORTS = Set.of(3306, 5432, 6379);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Set<ServerProcess> live = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> live.forEach(ServerProcess::reap), "database-server-reaper"));
	}

	private final String name;

	private final Path directory;

	private final Path log;

	private final String stopSignal;

	private volatile @Nullable ProcessHandle handle;

	private volatile @Nullable Process watchdog;

	private boolean paused;

	private boolean closed;

	/**
	 * A server named {@code name} in logs and errors, living in {@code directory}, that shuts down cleanly on
	 * {@code stopSignal} ({@code INT} for PostgreSQL's fast shutdown, {@code TERM} for MariaDB).
	 */
	ServerProcess(String name, Path directory, String stopSignal) {
		this.name = name;
		this.directory = directory;
		this.log = directory.resolve(name + ".log");
		this.stopSignal = stopSignal;
		live.add(this);
	}

	/**
	 * Skips the current test or test class, logging {@code reason} at WARN since build tools do not show why a class
	 * was skipped, unless {@code condition} holds.
	 */
	static void assume(boolean condition, LogAccessor logger, Supplier<String> reason) {
		if (!condition) {
			String text = reason.get();
			logger.warn(() -> "Skipping: " + text);
			Assumptions.abort(text);
		}
	}

	static boolean runsAsRoot() {
		return new UnixSystem().getUid() == 0;
	}

	/**
	 * Creates a temporary directory for a server, owned by {@code owner} when that is not {@code null}.
	 */
	static Path createDirectory(String prefix, @Nullable String owner) {
		try {
			Path directory = Files.createTempDirectory(prefix);
			if (owner != null) {
				UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
				UserPrincipal user = users.lookupPrincipalByName(owner);
				Files.setOwner(directory, user);
			}
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for a database server owned by " + owner,
					ex);
		}
	}

	/**
	 * The command to run {@code command} as {@code user}, or {@code command} itself when {@code user} is
	 * {@code null}.
	 */
	static List<String> runAs(@Nullable String user, List<String> command) {
		if (user == null) {
			return command;
		}
		// Not runuser: it forks and waits, so a SIGSTOP or SIGKILL sent to its PID would miss the server, and once
		// the server is stopped runuser stops itself too. setpriv switches user and then execs in place.
		List<String> asUser = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user,
				"--init-groups", "--reset-env", "--"));
		asUser.addAll(command);
		return asUser;
	}

	/**
	 * A free port on the loopback interface, other than the standard ports of the machine's own servers.
	 */
	static int freePort() {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				int port = socket.getLocalPort();
				if (!RESERVED_PORTS.contains(port)) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not find a free port", ex);
			}
		}
	}

	/**
	 * Whether {@code file} is an executable regular file.
	 */
	static boolean isExecutable(Path file) {
		return Files.isRegularFile(file) && Files.isExecutable(file);
	}

	/**
	 * The first executable named {@code name} in a directory of the {@code PATH}, else in one of
	 * {@code directories}.
	 */
	static @Nullable Path find(String name, String... directories) {
		String path = System.getenv("PATH");
		List<String> candidates = new ArrayList<>();
		if (path != null) {
			candidates.addAll(List.of(path.split(File.pathSeparator)));
		}
		candidates.addAll(List.of(directories));
		for (String directory : candidates) {
			if (!directory.isEmpty() && isExecutable(Path.of(directory, name))) {
				return Path.of(directory, name);
			}
		}
		return null;
	}

	Path directory() {
		return this.directory;
	}

	Path log() {
		return this.log;
	}

	/**
	 * Runs {@code command} to its end, its output appended to the log.
	 * @throws IllegalStateException when it fails or runs longer than {@code timeout}; the message ends with the log
	 */
	void run(List<String> command, Duration timeout) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.log.toFile()))
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("%s did not finish within %ds; %s".formatted(command.get(0),
						timeout.toSeconds(), logTail()));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("%s failed with exit code %d; %s".formatted(String.join(" ", command),
						process.exitValue(), logTail()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command.get(0), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command.get(0), ex);
		}
	}

	/**
	 * Starts the server with {@code command}, its output appended to the log, and returns at once.
	 */
	synchronized void start(List<String> command) {
		Assert.state(!this.closed, () -> this.name + " in " + this.directory + " is closed");
		Assert.state(!isRunning(), () -> this.name + " runs already");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.log.toFile()))
				.start();
			process.getOutputStream().close();
			watch(process.toHandle());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command.get(0), ex);
		}
	}

	/**
	 * Takes charge of a server that another program started, such as {@code pg_ctl}.
	 */
	synchronized void adopt(long pid) {
		Assert.state(!this.closed, () -> this.name + " in " + this.directory + " is closed");
		ProcessHandle handle = ProcessHandle.of(pid)
			.orElseThrow(() -> new IllegalStateException("%s (pid %d) is not running; %s".formatted(this.name, pid,
					logTail())));
		watch(handle);
	}

	// Kills the server and deletes its directory when this JVM dies, even by SIGKILL where no shutdown hook runs:
	// the JVM holds the write end of the watchdog's stdin, so its read returns when the JVM is gone. Child processes
	// of PostgreSQL end on their own once the postmaster is gone.
	private void watch(ProcessHandle server) {
		this.handle = server;
		this.paused = false;
		try {
			Process watchdog = new ProcessBuilder("/bin/sh", "-c",
					"read -r _; kill -KILL \"$1\" 2>/dev/null; rm -rf \"$2\"", this.name + "-watchdog",
					Long.toString(server.pid()), this.directory.toString())
				.redirectOutput(Redirect.DISCARD)
				.redirectError(Redirect.DISCARD)
				.start();
			server.onExit().thenRun(watchdog::destroyForcibly);
			this.watchdog = watchdog;
		}
		catch (IOException ex) {
			// The shutdown hook still covers a JVM that exits normally.
			this.watchdog = null;
		}
	}

	/**
	 * Waits until {@code probe} reports that the server answers on {@code port}.
	 * @throws PortTakenException when the server could not bind the port, or another server answered on it
	 * @throws IllegalStateException when the server exits or does not answer within {@code timeout}; the message ends
	 * with the log
	 */
	void awaitReady(int port, Duration timeout, Probe probe) {
		ProcessHandle handle = current();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!probe.answers()) {
			// Waiting for an exit paces the attempts and notices at once a server that could not start.
			if (awaitExit(handle, Duration.ofMillis(20))) {
				String log = logTail();
				if (log.contains("Address already in use")) {
					throw new PortTakenException(this.name, port, log);
				}
				throw new IllegalStateException(
						"%s on port %d exited while starting; %s".formatted(this.name, port, log));
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("%s on port %d did not answer within %ds; %s".formatted(this.name,
						port, timeout.toSeconds(), logTail()));
			}
		}
	}

	long pid() {
		return current().pid();
	}

	boolean isRunning() {
		ProcessHandle handle = this.handle;
		return handle != null && handle.isAlive();
	}

	/**
	 * Shuts the server down with its stop signal, continuing it first if paused, and waits for it and its child
	 * processes to exit; kills them when they do not exit within 5 seconds. Does nothing when it is not running.
	 */
	synchronized void stop() {
		ProcessHandle handle = this.handle;
		if (handle == null || !handle.isAlive()) {
			return;
		}
		List<ProcessHandle> tree = tree(handle);
		resume();
		signal(this.stopSignal, List.of(handle));
		if (!awaitExit(handle, STOP_TIMEOUT) || !awaitExit(tree, STOP_TIMEOUT)) {
			kill();
		}
	}

	/**
	 * Kills the server and its child processes with {@code SIGKILL}, like a crash, and waits for them to exit.
	 */
	synchronized void kill() {
		ProcessHandle handle = this.handle;
		if (handle == null) {
			return;
		}
		List<ProcessHandle> tree = tree(handle);
		// SIGKILL ends a paused process too.
		tree.forEach(ProcessHandle::destroyForcibly);
		if (!awaitExit(tree, STOP_TIMEOUT)) {
			throw new IllegalStateException("%s (pid %d) survived SIGKILL".formatted(this.name, handle.pid()));
		}
		this.paused = false;
	}

	/**
	 * Freezes the server and its child processes with {@code SIGSTOP}: connections stay open, statements hang.
	 */
	synchronized void pause() {
		if (!this.paused) {
			ProcessHandle server = current();
			// Paused first: should some process miss the signal, resume() still continues the others.
			this.paused = true;
			// The server first, so that it forks no child after the list of its children was taken.
			signal("STOP", List.of(server));
			List<ProcessHandle> children = server.descendants().toList();
			if (!children.isEmpty()) {
				signal("STOP", children);
			}
		}
	}

	/**
	 * Continues a paused server and its child processes with {@code SIGCONT}; does nothing otherwise.
	 */
	synchronized void resume() {
		ProcessHandle handle = this.handle;
		if (this.paused && handle != null && handle.isAlive()) {
			signal("CONT", tree(handle));
		}
		this.paused = false;
	}

	/**
	 * Stops the server, also when paused, and deletes its directory. Later calls do nothing.
	 */
	synchronized void close() {
		if (this.closed) {
			return;
		}
		try {
			stop();
		}
		finally {
			this.closed = true;
			Process watchdog = this.watchdog;
			if (watchdog != null) {
				watchdog.destroyForcibly();
			}
			live.remove(this);
			deleteDirectory();
		}
	}

	String logTail() {
		try {
			List<String> lines = Files.exists(this.log) ? Files.readAllLines(this.log) : List.of();
			List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
			return "last lines of " + this.log + ":" + System.lineSeparator()
					+ String.join(System.lineSeparator(), tail);
		}
		catch (IOException ex) {
			return "no log (" + ex + ")";
		}
	}

	private ProcessHandle current() {
		ProcessHandle handle = this.handle;
		Assert.state(handle != null, () -> this.name + " was never started");
		return handle;
	}

	private static List<ProcessHandle> tree(ProcessHandle root) {
		return Stream.concat(Stream.of(root), root.descendants()).toList();
	}

	private void signal(String signal, List<ProcessHandle> processes) {
		List<String> command = new ArrayList<>(List.of("kill", "-s", signal));
		processes.forEach((process) -> command.add(Long.toString(process.pid())));
		try {
			Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(kill.getInputStream().readAllBytes());
			// kill signals every process it can; one that exited meanwhile (a backend whose client left) is no
			// failure.
			List<String> errors = output.lines().filter((line) -> !line.contains("No such process")).toList();
			if (kill.waitFor() != 0 && (!errors.isEmpty() || !isRunning())) {
				throw new IllegalStateException("%s failed: %s".formatted(String.join(" ", command), output.strip()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -s " + signal, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + this.name, ex);
		}
	}

	private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ProcessHandle process : processes) {
			if (!awaitExit(process, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
				return false;
			}
		}
		return true;
	}

	// The JDK polls a process that is not its child (the children of a postmaster, a server pg_ctl started) at
	// growing intervals, seconds apart: look every few milliseconds instead.
	private static boolean awaitExit(ProcessHandle process, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		CompletableFuture<ProcessHandle> exit = process.onExit();
		while (process.isAlive() && !(isZombie(process) && !isChildOfThisJvm(process))) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			try {
				exit.get(Math.min(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, 10), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				// Look again.
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("Could not wait for pid " + process.pid() + " to exit", ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for pid " + process.pid() + " to exit", ex);
			}
		}
		return true;
	}

	// The JDK reaps its own children at once, and until then they count as alive: wait for that, so that nothing
	// sees the PID of a killed server alive.
	private static boolean isChildOfThisJvm(ProcessHandle process) {
		return process.parent().map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid();
	}

	// A process that has exited but whose parent has not reaped it yet counts as alive to the JDK. When the
	// postmaster is killed, its children go to init, which may reap them only a second later.
	private static boolean isZombie(ProcessHandle process) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			// pid (command) state ...: the command may hold spaces and parentheses.
			int end = stat.lastIndexOf(')');
			return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'Z';
		}
		catch (IOException ex) {
			// No /proc (macOS), or the process is gone.
			return false;
		}
	}

	// Runs in the shutdown hook, maybe while another thread holds this object's lock: no locking.
	private void reap() {
		Process watchdog = this.watchdog;
		if (watchdog != null) {
			watchdog.destroyForcibly();
		}
		ProcessHandle handle = this.handle;
		if (handle != null) {
			tree(handle).forEach(ProcessHandle::destroyForcibly);
		}
		deleteDirectory();
	}

	private void deleteDirectory() {
		try {
			FileSystemUtils.deleteRecursively(this.directory);
		}
		catch (IOException ex) {
			// A temporary directory left behind is harmless.
		}
	}

	@Override
	public String toString() {
		ProcessHandle handle = this.handle;
		return "%s (pid %s) in %s".formatted(this.name, (handle != null) ? handle.pid() : "-", this.directory);
	}

	/**
	 * Tells whether the server answers; throws {@link PortTakenException} when another server answered instead.
	 */
	@FunctionalInterface
	interface Probe {

		boolean answers();

	}

	/**
	 * Another process had the port first: try another one.
	 */
	static final class PortTakenException extends IllegalStateException {

		PortTakenException(String name, int port, String detail) {
			super("Port %d was taken by another process before %s could bind it; %s".formatted(port, name, detail));
		}

	}

}
