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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.FileSystemUtils;

/**
 * Starts a {@code redis-server} when none answers at {@code spring.data.redis.host} and {@code port}, so that the
 * sample runs on a machine with nothing installed but a JDK. The binary comes from the
 * {@code com.github.codemonstur:embedded-redis} jar; the server binds 127.0.0.1 and saves nothing.
 * <p>
 * The first instance on a machine starts the server on the configured port and owns it: it stops the server, by its
 * PID, when its JVM exits, even if other instances still use it. Instances started next find the server there and
 * compete for leadership on it. A server whose owner was killed with {@code SIGKILL} stays up, and later instances
 * use it. Runs for a host on this machine only, and not at all with {@code sample.embedded-redis=false}.
 */
final class EmbeddedRedis implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final LogAccessor logger = new LogAccessor(EmbeddedRedis.class);

	private static final String BIND_ADDRESS = "127.0.0.1";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		Environment environment = event.getEnvironment();
		String host = environment.getProperty("spring.data.redis.host", "localhost");
		int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
		if (environment.getProperty("sample.embedded-redis", Boolean.class, true) && isLoopback(host)) {
			Server server = startUnlessAnswering(host, port);
			if (server != null) {
				SpringApplication.getShutdownHandlers().add(server::stop);
				logger.info(() -> ("No Redis answered at %s:%d: started an embedded redis-server there (pid %d), "
						+ "which stops when this instance exits").formatted(host, port, server.pid()));
			}
			else {
				logger.info(() -> "Redis answers at %s:%d: using it".formatted(host, port));
			}
		}
	}

	/**
	 * Starts a server on the port unless a Redis answers there already.
	 * @return the server started, or {@code null} when a Redis answered
	 */
	static @Nullable Server startUnlessAnswering(String host, int port) {
		// Instances that start together take turns here, so that only the first one starts a server.
		Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "leader-election-sample-redis-" + port + ".lock");
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.lock()) {
			return answers(host, port) ? null : start(port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start an embedded redis-server on port " + port, ex);
		}
	}

	/**
	 * Whether a Redis answers {@code PING} at the address: with {@code +PONG}, or with an error such as
	 * {@code -NOAUTH} from a Redis that wants a password.
	 */
	static boolean answers(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			int reply = socket.getInputStream().read();
			return reply == '+' || reply == '-';
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Server start(int port) throws IOException {
		Path directory = Files.createTempDirectory("leader-election-sample-redis-");
		Path binary = directory.resolve("redis-server");
		String resource = binaryResource();
		try (InputStream in = EmbeddedRedis.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException("No " + resource + " on the class path: add embedded-redis");
			}
			Files.copy(in, binary);
		}
		if (!binary.toFile().setExecutable(true, true)) {
			throw new IllegalStateException("Could not make " + binary + " executable");
		}
		Path log = directory.resolve("redis-server.log");
		Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
				BIND_ADDRESS, "--save", "", "--appendonly", "no", "--dir", directory.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Server server = new Server(process, directory);
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (!answers(BIND_ADDRESS, port)) {
			// Waiting for an exit paces the attempts and notices at once a server that cannot start.
			if (waitFor(process, Duration.ofMillis(50)) || System.nanoTime() - deadline > 0) {
				String output = Files.readString(log);
				server.stop();
				throw new IllegalStateException("redis-server did not start on port %d; it said:%n%s".formatted(port,
						output));
			}
		}
		return server;
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

	/**
	 * A {@code redis-server} this JVM started, and the temporary directory that holds its binary and log.
	 */
	record Server(Process process, Path directory) {

		long pid() {
			return this.process.pid();
		}

		/**
		 * Stops the server with {@code SIGTERM} to its PID, or {@code SIGKILL} when it does not exit in time, and
		 * deletes its directory.
		 */
		void stop() {
			this.process.destroy();
			if (!waitFor(this.process, STOP_TIMEOUT)) {
				this.process.destroyForcibly();
				waitFor(this.process, STOP_TIMEOUT);
			}
			try {
				FileSystemUtils.deleteRecursively(this.directory);
			}
			catch (IOException ex) {
				// A temporary directory left behind is harmless.
			}
			logger.info(() -> "Stopped the embedded redis-server (pid %d)".formatted(pid()));
		}

	}

}
