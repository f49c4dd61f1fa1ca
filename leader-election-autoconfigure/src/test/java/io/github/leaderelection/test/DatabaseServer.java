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

import java.nio.file.Path;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A private database server of this test run, on a free loopback port (never the standard port of the machine's own
 * server), with its data in a temporary directory. Its data survives {@link #stop()}, {@link #kill()} and
 * {@link #restart()}, as on a real server; {@link #reset()} empties the database. Connections made from
 * {@link #jdbcUrl()} time out after 2 seconds of connecting and 5 seconds of waiting for a reply, so tests of failures
 * do not hang.
 *
 * @since 0.1.0
 * @see PostgresServer
 * @see MariaDbServer
 */
public interface DatabaseServer extends AutoCloseable {

	/**
	 * Product and version, as the server reports them, for example {@code PostgreSQL 15.20}.
	 */
	String product();

	/**
	 * Host to connect to, {@code 127.0.0.1}.
	 */
	String host();

	/**
	 * Port to connect to; it stays the same across {@link #restart()}.
	 */
	int port();

	/**
	 * JDBC URL of the test database, with the connect and read timeouts.
	 */
	String jdbcUrl();

	/**
	 * User to connect as; it may create, alter and drop anything.
	 */
	String username();

	/**
	 * Password of {@link #username()}; empty.
	 */
	String password();

	/**
	 * A data source that opens a new connection to the test database on each call; no pool.
	 */
	DataSource dataSource();

	/**
	 * A {@link JdbcClient} on {@link #dataSource()}.
	 */
	default JdbcClient jdbcClient() {
		return JdbcClient.create(dataSource());
	}

	/**
	 * PID of the server process (the postmaster for PostgreSQL).
	 */
	long pid();

	/**
	 * The server's data directory, owned by the user the server runs as; copy it only while the server is
	 * {@link #pause() paused} or stopped.
	 */
	Path dataDirectory();

	/**
	 * Whether the server runs, paused or not: {@code false} after {@link #stop()} or {@link #kill()}.
	 */
	boolean isRunning();

	/**
	 * Shuts the server down cleanly, continuing it first if paused, and waits for it to exit; kills it when it does
	 * not exit within 5 seconds. Does nothing when the server is not running.
	 */
	void stop();

	/**
	 * Kills the server and its child processes with {@code SIGKILL}, like a crash, and waits for them to exit.
	 */
	void kill();

	/**
	 * Stops the server if it runs and starts it again on the same port and data, returning once it accepts
	 * connections; after {@link #kill()} it recovers like a crashed server.
	 */
	void restart();

	/**
	 * Freezes the server and its child processes with {@code SIGSTOP}: connections stay open, statements hang until
	 * their timeout. Does nothing when paused.
	 */
	void pause();

	/**
	 * Continues a {@link #pause() paused} server with {@code SIGCONT}; does nothing otherwise.
	 */
	void resume();

	/**
	 * Drops everything in the test database: tables, views, sequences, functions.
	 */
	void reset();

	/**
	 * Stops the server, also when paused, and deletes its directory. Later calls do nothing.
	 */
	@Override
	void close();

}
