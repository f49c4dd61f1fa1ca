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


package io.github.leaderelection.samples.scheduledjobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.FileSystemUtils;

/**
 * Starts a {@code redis-server} when none answers at {@code spring.data.redis.host} and {@code port}, so that the
 * sample runs on a machine with nothing installed but a JDK. The binary comes from the
 * {@code com.github.codemonstur:embedded-redis} jar; the server binds 127.0.0.1, saves nothing, and runs as a daemon
 * in a session of its own, so that a Ctrl+C in the terminal of the instance that started it does not stop it.
 * <p>
 * Instances started next on the machine find the server and compete for leadership on it. The server outlives the
 * instance that started it: whichever instance exits last, leaving no other client connected, stops it. A server
 * that the sample did not start (one whose process id is not the one the sample recorded) is never stopped. Runs for
 * a host on this machine only, and not at all with {@code sample.embedded-redis=false}.
 */
final class EmbeddedRedis implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final LogAccessor logger = new LogAccessor(EmbeddedRedis.class);

	private static final String BIND_ADDRESS = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Pattern PROCESS_ID = Pattern.compile("process_id:(\\d+)");

	private static final Pattern CONNECTED_CLIENTS = Pattern.compile("connected_clients:(\\d+)");

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Environment environment = event.getEnvironment();
		String host = environment.getProperty("spring.data.redis.host", "localhost");
		int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
		if (!environment.getProperty("sample.embedded-redis", Boolean.class, true) || !isLoopback(host)) {
			return;
		}
		OptionalLong started = startUnlessAnswering(host, port);
		// Runs after the application context closed, so this instance's own connections are gone by then.
		SpringApplication.getShutdownHandlers().add(() -> stopIfUnused(port));
		if (started.isPresent()) {
			logger.info(() -> ("No Redis answered at %s:%d: started an embedded redis-server there (pid %d); the "
					+ "last instance to exit stops it").formatted(host, port, started.getAsLong()));
		}
		else {
			logger.info(() -> "Redis answers at %s:%d: using it".formatted(host, port));
		}
	}

	/**
	 * Starts a server on the port unless a Redis answers there already.
	 * @return the process id of the server started, or empty when a Redis answered
	 */
	static OptionalLong startUnlessAnswering(String host, int port) {
		return underLock(port, () -> answers(host, port) ? OptionalLong.empty() : OptionalLong.of(start(port)));
	}

	/**
	 * Stops the server on the port if the sample started it and no client is connected to it any more.
	 * @return whether it stopped the server
	 */
	static boolean stopIfUnused(int port) {
		return underLock(port, () -> {
			Path directory = directory(port);
			Optional<Long> recorded = readPid(directory);
			Optional<String> info = info(port);
			if (recorded.isEmpty() || info.isEmpty() || !recorded.equals(find(PROCESS_ID, info.get()))) {
				// Not a server of ours, or it is gone already.
				return false;
			}
			long pid = recorded.get();
			// This connection is one of the clients.
			long others = find(CONNECTED_CLIENTS, info.get()).orElse(1L) - 1;
			if (others > 0) {
				logger.info(() -> "Leaving the embedded redis-server (pid %d) to the %d other client(s) connected to it"
					.formatted(pid, others));
				return false;
			}
			stop(port, pid);
			FileSystemUtils.deleteRecursively(directory);
			logger.info(() -> "Stopped the embedded redis-server (pid %d): no instance uses it any more".formatted(pid));
			return true;
		});
	}

	/**
	 * Whether a Redis answers {@code PING} at the address: with {@code +PONG}, or with an error such as
	 * {@code -NOAUTH} from a Redis that wants a password.
	 */
	static boolean answers(String host, int port) {
		try (Socket socket = connect(host, port)) {
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			int reply = socket.getInputStream().read();
			return reply == '+' || reply == '-';
		}
		catch (IOException ex) {
			return false;
		}
	}

	static Path directory(int port) {
		return Path.of(System.getProperty("java.io.tmpdir"), "leader-election-sample-redis-" + port);
	}

	static Path lockFile(int port) {
		return Path.of(System.getProperty("java.io.tmpdir"), "leader-election-sample-redis-" + port + ".lock");
	}

	private static long start(int port) throws IOException {
		Path directory = directory(port);
		Files.createDirectories(directory);
		Path binary = directory.resolve("redis-server");
		String resource = binaryResource();
		try (InputStream in = EmbeddedRedis.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("No " + resource + " on the class path: add embedded-redis");
			}
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
		}
		if (!binary.toFile().setExecutable(true, true)) {
			throw new IllegalStateException("Could not make " + binary + " executable");
		}
		Path log = directory.resolve("redis-server.log");
		Path pidFile = directory.resolve("redis-server.pid");
		Path output = directory.resolve("redis-server.out");
		Files.deleteIfExists(pidFile);
		Files.deleteIfExists(log);
		// As a daemon, redis-server forks, starts a session of its own and writes its process id to the pid file.
		Process launcher = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
				BIND_ADDRESS, "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--daemonize", "yes",
				"--pidfile", pidFile.toString(), "--logfile", log.toString())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		if (!waitFor(launcher, STARTUP_TIMEOUT) || launcher.exitValue() != 0) {
			launcher.destroyForcibly();
			throw new IllegalStateException("redis-server did not start on port %d; it said:%n%s%s".formatted(port,
					readQuietly(output), readQuietly(log)));
		}
		while (!answers(BIND_ADDRESS, port) || readPid(directory).isEmpty()) {
			if (System.nanoTime() - deadline > 0) {
				readPid(directory).ifPresent((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
				throw new IllegalStateException("redis-server did not start on port %d within %d s; it said:%n%s"
					.formatted(port, STARTUP_TIMEOUT.toSeconds(), readQuietly(log)));
			}
			// Paces the attempts; the server is usually up within a few of them.
			waitFor(launcher, Duration.ofMillis(20));
		}
		return readPid(directory).orElseThrow();
	}

	private static void stop(int port, long pid) {
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		try (Socket socket = connect(BIND_ADDRESS, port)) {
			socket.getOutputStream().write("SHUTDOWN NOSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
			// The server closes the connection as it exits.
			socket.getInputStream().read();
		}
		catch (IOException ex) {
			// Stopped anyway by its process id below.
		}
		process.ifPresent((handle) -> {
			if (!awaitExit(handle, STOP_TIMEOUT)) {
				handle.destroyForcibly();
				awaitExit(handle, STOP_TIMEOUT);
			}
		});
	}

	// INFO as one string, or empty when nothing answers.
	private static Optional<String> info(int port) {
		try (Socket socket = connect(BIND_ADDRESS, port)) {
			socket.getOutputStream().write("INFO\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			// A bulk string: "$<length>\r\n", then the text.
			StringBuilder header = new StringBuilder();
			for (int c = in.read(); c != '\n'; c = in.read()) {
				if (c < 0) {
					return Optional.empty();
				}
				header.append((char) c);
			}
			if (header.charAt(0) != '$') {
				return Optional.empty();
			}
			int length = Integer.parseInt(header.substring(1).trim());
			return Optional.of(new String(in.readNBytes(length), StandardCharsets.UTF_8));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static Optional<Long> find(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
	}

	private static Optional<Long> readPid(Path directory) {
		try {
			String text = Files.readString(directory.resolve("redis-server.pid")).trim();
			return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static String readQuietly(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			return "(no output)";
		}
	}

	private static Socket connect(String host, int port) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	// Instances that start or stop together take turns, so that only one starts a server and the last one stops it.
	private static <T> T underLock(int port, IoAction<T> action) {
		try (FileChannel channel = FileChannel.open(lockFile(port), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.lock()) {
			return action.run();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start or stop an embedded redis-server on port " + port, ex);
		}
	}

	private static String binaryResource() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.equals("aarch64") || arch.equals("arm64");
		if (os.contains("linux")) {
			return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("mac")) {
			return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		throw new IllegalStateException(("embedded-redis has no redis-server for %s: start a Redis and point "
				+ "spring.data.redis.host and spring.data.redis.port at it").formatted(os));
	}

	private static boolean isLoopback(String host) {
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	private static boolean awaitExit(ProcessHandle process, Duration timeout) {
		try {
			process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return !process.isAlive();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@FunctionalInterface
	private interface IoAction<T> {

		T run() throws IOException;

	}

}
