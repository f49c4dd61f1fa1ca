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

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.springframework.util.Assert;

/**
 * One real Redis server for tests, on a free port (never 6379), with no persistence: faults to inject are
 * {@link #stop()}, {@link #kill()}, {@link #pause()} and {@link #restart()} (which loses all data).
 * <p>
 * The server comes from, in this order: the {@code redis-server} binary named by the {@code REDIS_SERVER} environment
 * variable; a {@code redis:7} Testcontainers container when Docker is available; {@code redis-server} on the
 * {@code PATH}; the binary bundled in {@code com.github.codemonstur:embedded-redis}. A local process binds 127.0.0.1,
 * keeps its files in its own temporary directory and receives its signals by PID; it dies with the JVM, also when the
 * JVM is killed. Process control needs a POSIX system. Thread-safe.
 *
 * @since 0.1.0
 * @see RedisServerExtension
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private final RedisBackend backend;

	private RedisServer(RedisBackend backend) {
		this.backend = backend;
	}

	/**
	 * Starts a server and returns once it answers {@code PING}.
	 * @throws IllegalStateException when no server answers within 10 seconds; the message ends with its log
	 */
	public static RedisServer start() {
		return new RedisServer(RedisLauncher.launch());
	}

	/**
	 * Starts a local server with extra {@code redis-server} command-line options after the defaults, which they
	 * override, such as {@code --appendonly yes}; they apply to every {@link #restart()} too.
	 * @throws IllegalStateException when servers run in containers here (see {@link #isLocal()})
	 */
	public static RedisServer startWith(String... options) {
		return new RedisServer(RedisLauncher.launch(List.of(options)));
	}

	/**
	 * Whether servers run as local processes here, as options, the server's files and replication between two
	 * servers need; {@code false} when they run in containers.
	 */
	public static boolean isLocal() {
		return RedisLauncher.binary().isPresent();
	}

	/**
	 * Host to connect to, {@code 127.0.0.1} for a local process.
	 */
	public String host() {
		return this.backend.host();
	}

	/**
	 * Port to connect to; it stays the same across {@link #restart()}.
	 */
	public int port() {
		return this.backend.port();
	}

	/**
	 * PID of the current {@code redis-server} process, or {@code -1} when it runs in a container.
	 */
	public long pid() {
		return this.backend.pid();
	}

	/**
	 * Whether the server runs, paused or not: {@code false} after {@link #stop()} or {@link #kill()}.
	 */
	public boolean isRunning() {
		return this.backend.isRunning();
	}

	/**
	 * Shuts the server down with {@code SIGTERM}, continuing it first if paused, and waits for it to exit; sends
	 * {@code SIGKILL} when it does not exit within 5 seconds. Does nothing when the server is not running.
	 */
	public void stop() {
		this.backend.stop();
	}

	/**
	 * Kills the server with {@code SIGKILL}, like a crash, and waits for it to exit.
	 */
	public void kill() {
		this.backend.kill();
	}

	/**
	 * Stops the server if it runs and starts it again on the same port with an empty dataset, returning once it
	 * answers {@code PING}: a restart with data loss, unless a {@code SAVE} or an append-only file left data in
	 * its directory. Also brings back a server that was stopped or killed.
	 */
	public void restart() {
		this.backend.start();
	}

	/**
	 * Replaces the extra options given to {@link #startWith(String...)} for the starts that follow, for example
	 * {@code --appendonly yes} after {@code CONFIG SET appendonly yes}, so that the next {@link #restart()} loads the
	 * append-only file.
	 * @throws IllegalStateException when the server was not started with {@link #startWith(String...)}
	 */
	public void useOptions(String... options) {
		if (!(this.backend instanceof RedisProcess process)) {
			throw new IllegalStateException(
					this + " runs in a container; start it with startWith(...) to set its options");
		}
		process.options(List.of(options));
	}

	/**
	 * Freezes the server with {@code SIGSTOP}: connections stay open, commands time out. Does nothing when paused.
	 */
	public void pause() {
		this.backend.pause();
	}

	/**
	 * Continues a {@link #pause() paused} server with {@code SIGCONT}; does nothing otherwise.
	 */
	public void resume() {
		this.backend.resume();
	}

	/**
	 * Deletes all keys.
	 */
	public void flushAll() {
		String reply = command("FLUSHALL");
		Assert.state("+OK".equals(reply), () -> "FLUSHALL on " + this + " replied " + reply);
	}

	/**
	 * Sends one command over a new connection and returns the reply as raw RESP lines joined by {@code \n}: for
	 * example {@code +PONG} for {@code PING}, {@code :0} for {@code DBSIZE}, {@code $-1} for {@code GET} of a missing
	 * key, {@code *1\n$3\nkey} for {@code KEYS *}. An error reply is returned, not thrown ({@code -ERR ...}).
	 * @throws UncheckedIOException when the server cannot be reached or does not answer within 2 seconds
	 */
	public String command(String... args) {
		Assert.notEmpty(args, "'args' must not be empty");
		return RespClient.command(host(), port(), COMMAND_TIMEOUT, args);
	}

	/**
	 * Stops the server, also when paused, and deletes its temporary directory. Later calls do nothing.
	 */
	@Override
	public void close() {
		this.backend.close();
	}

	@Override
	public String toString() {
		return this.backend.toString();
	}

}
