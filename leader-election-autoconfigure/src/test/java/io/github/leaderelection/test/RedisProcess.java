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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

/**
 * A {@code redis-server} child process on a free loopback port, with its own temporary directory: a plain server, a
 * Redis Cluster node, or a Sentinel ({@code redis-server <conf> --sentinel}) whose configuration file lives in that
 * directory, where Sentinel rewrites it. Signals go to its PID, never to a process name. Two safety nets end the
 * process with the JVM: a shutdown hook, and a watchdog process that also fires when the JVM is killed with
 * {@code SIGKILL}. Needs a POSIX system ({@code /bin/sh}, {@code kill}).
 */
final class RedisProcess implements RedisBackend {

	static final String HOST = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration PING_TIMEOUT = Duration.ofMillis(500);

	private static final int PORT_ATTEMPTS = 5;

	private static final int CLUSTER_BUS_OFFSET = 10000;

	private static final Set<RedisProcess> live = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> live.forEach(RedisProcess::reap), "redis-server-reaper"));
	}

	private final Path binary;

	private final boolean clusterNode;

	// Lines of sentinel.conf, without the port; null for a server that is no Sentinel.
	private final @Nullable List<String> sentinelConfig;

	private final Path directory;

	private final Path log;

	private final int port;

	private volatile List<String> options;

	private volatile @Nullable Process process;

	private volatile @Nullable Process watchdog;

	private boolean paused;

	private boolean closed;

	private RedisProcess(Path binary, boolean clusterNode, @Nullable List<String> sentinelConfig, List<String> options,
			int port) {
		this.binary = binary;
		this.clusterNode = clusterNode;
		this.sentinelConfig = sentinelConfig;
		this.options = options;
		this.port = port;
		try {
			this.directory = Files.createTempDirectory("redis-test-" + port + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for redis-server", ex);
		}
		this.log = this.directory.resolve("redis-server.log");
	}

	/**
	 * Starts {@code binary} on a free port and returns once it answers {@code PING}.
	 */
	static RedisProcess launch(Path binary) {
		return launch(binary, List.of());
	}

	/**
	 * Starts {@code binary} on a free port with extra command-line {@code options}, such as
	 * {@code --replicaof 127.0.0.1 6380}, and returns once it answers {@code PING}.
	 */
	static RedisProcess launch(Path binary, List<String> options) {
		return launch(binary, false, null, options);
	}

	/**
	 * Starts {@code binary} as a Sentinel on a free port, from a {@code sentinel.conf} of {@code config} lines (no
	 * {@code port} line: the port is chosen here) in the process's directory, and returns once it answers
	 * {@code PING}.
	 */
	static RedisProcess launchSentinel(Path binary, List<String> config) {
		return launch(binary, false, List.copyOf(config), List.of());
	}

	/**
	 * Starts {@code binary} as a Redis Cluster node that serves no slot yet, on a free port whose cluster bus port
	 * (the port + 10000) is free too, and returns once it answers {@code PING}.
	 */
	static RedisProcess launchClusterNode(Path binary) {
		return launch(binary, true, null, List.of());
	}

	private static RedisProcess launch(Path binary, boolean clusterNode, @Nullable List<String> sentinelConfig,
			List<String> options) {
		for (int attempt = 1;; attempt++) {
			RedisProcess redis = new RedisProcess(binary, clusterNode, sentinelConfig, List.copyOf(options),
					clusterNode ? freePortWithBusPort() : freePort());
			try {
				redis.start();
				return redis;
			}
			catch (PortTakenException ex) {
				redis.close();
				if (attempt == PORT_ATTEMPTS) {
					throw ex;
				}
			}
			catch (RuntimeException ex) {
				redis.close();
				throw ex;
			}
		}
	}

	private static int freePort() {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				int port = socket.getLocalPort();
				if (port != 6379) {
					return port;
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not find a free port", ex);
			}
		}
	}

	private static int freePortWithBusPort() {
		while (true) {
			int port = freePort();
			if (port + CLUSTER_BUS_OFFSET <= 65535) {
				try (ServerSocket bus = new ServerSocket(port + CLUSTER_BUS_OFFSET, 1,
						InetAddress.getLoopbackAddress())) {
					return bus.getLocalPort() - CLUSTER_BUS_OFFSET;
				}
				catch (IOException ex) {
					// The bus port is taken: try another port.
				}
			}
		}
	}

	@Override
	public String host() {
		return HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public long pid() {
		return current().pid();
	}

	/**
	 * Replaces the extra command-line options from the next {@link #start()} on, for example to restart a former
	 * master as a replica.
	 */
	synchronized void options(List<String> options) {
		this.options = List.copyOf(options);
	}

	@Override
	public boolean isRunning() {
		Process process = this.process;
		return process != null && process.isAlive();
	}

	@Override
	public synchronized void start() {
		Assert.state(!this.closed, () -> "redis-server on port " + this.port + " is closed");
		stop();
		Process process;
		try {
			List<String> command = new ArrayList<>(List.of(this.binary.toString()));
			if (this.sentinelConfig != null) {
				// The file must come first and stay writable: Sentinel saves what it learns into it.
				command.addAll(List.of(sentinelConfigFile().toString(), "--sentinel"));
			}
			command.addAll(List.of("--port", Integer.toString(this.port), "--bind", HOST, "--save", "", "--appendonly",
					"no", "--daemonize", "no", "--dir", this.directory.toString()));
			command.addAll(this.options);
			if (this.clusterNode) {
				// Redis reads and writes nodes.conf in --dir.
				command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
						"--cluster-node-timeout", "5000"));
			}
			process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(Redirect.appendTo(this.log.toFile()))
				.start();
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + this.binary, ex);
		}
		this.process = process;
		live.add(this);
		this.watchdog = watch(process);
		try {
			awaitReady(process);
		}
		catch (RuntimeException ex) {
			process.destroyForcibly();
			awaitExit(process, STOP_TIMEOUT);
			throw ex;
		}
	}

	// Written at the first start only: a restarted Sentinel goes on from what it saved.
	private Path sentinelConfigFile() throws IOException {
		Path file = this.directory.resolve("sentinel.conf");
		List<String> config = this.sentinelConfig;
		if (config != null && !Files.exists(file)) {
			Files.write(file, config);
		}
		return file;
	}

	// Kills redis-server and deletes its directory when this JVM dies, even by SIGKILL where no shutdown hook
	// runs: the JVM holds the write end of the watchdog's stdin, so its read returns when the JVM is gone.
	private @Nullable Process watch(Process redis) {
		try {
			Process watchdog = new ProcessBuilder("/bin/sh", "-c",
					"read -r _; kill -KILL \"$1\" 2>/dev/null; rm -rf \"$2\"", "redis-watchdog",
					Long.toString(redis.pid()), this.directory.toString())
				.redirectOutput(Redirect.DISCARD)
				.redirectError(Redirect.DISCARD)
				.start();
			redis.onExit().thenRun(watchdog::destroyForcibly);
			return watchdog;
		}
		catch (IOException ex) {
			// The shutdown hook still covers a JVM that exits normally.
			return null;
		}
	}

	private void awaitReady(Process process) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (!RespClient.ping(HOST, this.port, PING_TIMEOUT)) {
			// Waiting for an exit paces the attempts and notices at once a server that could not start.
			if (awaitExit(process, Duration.ofMillis(20))) {
				String log = logTail();
				if (log.contains("Address already in use")) {
					throw new PortTakenException(this.port, log);
				}
				throw new IllegalStateException("redis-server on port %d exited with code %d while starting; %s"
					.formatted(this.port, process.exitValue(), log));
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("redis-server on port %d did not answer PING within %ds; %s"
					.formatted(this.port, STARTUP_TIMEOUT.toSeconds(), logTail()));
			}
		}
		// Another server may have taken the port first and answered in place of ours.
		String info = RespClient.command(HOST, this.port, PING_TIMEOUT, "INFO", "server");
		if (!info.contains("process_id:" + process.pid() + "\r\n")) {
			throw new PortTakenException(this.port, logTail());
		}
	}

	@Override
	public synchronized void stop() {
		Process process = this.process;
		if (process == null || !process.isAlive()) {
			return;
		}
		if (this.paused) {
			// A stopped process handles SIGTERM only once continued.
			resume();
		}
		process.destroy();
		if (!awaitExit(process, STOP_TIMEOUT)) {
			kill();
		}
	}

	@Override
	public synchronized void kill() {
		Process process = this.process;
		if (process == null) {
			return;
		}
		process.destroyForcibly();
		if (!awaitExit(process, STOP_TIMEOUT)) {
			throw new IllegalStateException("redis-server (pid %d) survived SIGKILL".formatted(process.pid()));
		}
		this.paused = false;
	}

	@Override
	public synchronized void pause() {
		if (!this.paused) {
			signal("STOP");
			this.paused = true;
		}
	}

	@Override
	public synchronized void resume() {
		if (this.paused && isRunning()) {
			signal("CONT");
		}
		this.paused = false;
	}

	@Override
	public synchronized void close() {
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

	private Process current() {
		Process process = this.process;
		Assert.state(process != null, "redis-server was never started");
		return process;
	}

	private void signal(String signal) {
		long pid = current().pid();
		try {
			Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
				.start();
			String output = new String(kill.getInputStream().readAllBytes());
			if (kill.waitFor() != 0) {
				throw new IllegalStateException("kill -s %s %d failed: %s".formatted(signal, pid, output.strip()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run kill -s " + signal, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

	private static boolean awaitExit(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server to exit", ex);
		}
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
			return "last lines of " + this.log + ":" + System.lineSeparator()
					+ String.join(System.lineSeparator(), tail);
		}
		catch (IOException ex) {
			return "no log (" + ex + ")";
		}
	}

	// Runs in the shutdown hook, maybe while another thread holds this object's lock: no locking.
	private void reap() {
		Process watchdog = this.watchdog;
		if (watchdog != null) {
			watchdog.destroyForcibly();
		}
		Process process = this.process;
		if (process != null) {
			// SIGKILL ends a paused process too.
			process.destroyForcibly();
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
		Process process = this.process;
		return "%s %s:%d (pid %s)".formatted((this.sentinelConfig != null) ? "redis-sentinel" : "redis-server", HOST,
				this.port, (process != null) ? process.pid() : "-");
	}

	private static final class PortTakenException extends IllegalStateException {

		PortTakenException(int port, String log) {
			super("Port %d was taken by another process before redis-server could bind it; %s".formatted(port, log));
		}

	}

}
