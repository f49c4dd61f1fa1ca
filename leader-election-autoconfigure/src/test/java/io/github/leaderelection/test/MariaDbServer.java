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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.Driver;

import org.springframework.core.log.LogAccessor;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A private MariaDB server: {@code mariadb-install-db} into a temporary directory, then {@code mariadbd} on a free
 * loopback port, never 3306, with its socket in that directory. Binaries come from the {@code PATH}, else
 * {@code /usr/sbin} and {@code /usr/bin}; without them tests are skipped. When this JVM runs as root, as CI does, the
 * server runs as the system user {@code mysql}. User {@code root} without password, database {@code test}; the redo
 * log is flushed once a second, which loses nothing when only the process dies.
 * <pre class="code">
 * try (MariaDbServer mariaDb = MariaDbServer.start()) {
 *     mariaDb.jdbcClient().sql("CREATE TABLE t (id BIGINT)").update();
 * }
 * </pre>
 *
 * @since 0.1.0
 * @see DatabaseServerExtension#mariaDb()
 */
public final class MariaDbServer implements DatabaseServer {

	private static final String OS_USER = "mysql";

	private static final String USERNAME = "root";

	private static final String DATABASE = "test";

	private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private static final int PORT_ATTEMPTS = 5;

	// Small redo log and buffer pool: the default 100 MB log takes a second to write at install.
	private static final List<String> INNODB_SETTINGS = List.of("--innodb-log-file-size=8M",
			"--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=2");

	private static final LogAccessor logger = new LogAccessor(MariaDbServer.class);

	private static @Nullable Installation installation;

	private final Installation binaries;

	private final int port;

	private final ServerProcess process;

	private final Path data;

	private final SimpleDriverDataSource dataSource;

	private MariaDbServer(Installation binaries, int port) {
		this.binaries = binaries;
		this.port = port;
		this.process = new ServerProcess("mariadbd",
				ServerProcess.createDirectory("mariadb-test-" + port + "-", binaries.osUser()), "TERM");
		this.data = this.process.directory().resolve("data");
		String url = "jdbc:mariadb://%s:%d/%s?connectTimeout=2000&socketTimeout=5000".formatted(ServerProcess.HOST,
				port, DATABASE);
		this.dataSource = new SimpleDriverDataSource(new Driver(), url, USERNAME, "");
	}

	/**
	 * Creates and starts a server, returning once it accepts connections; about a second.
	 * @throws org.opentest4j.TestAbortedException (a failed JUnit assumption, so the test is skipped) when this
	 * machine has no MariaDB to run
	 * @throws IllegalStateException when the server does not start; the message ends with its log
	 */
	public static MariaDbServer start() {
		Installation binaries = installation();
		long startNanos = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			MariaDbServer server = new MariaDbServer(binaries, ServerProcess.freePort());
			try {
				server.launch();
				logger.info(() -> "Started %s in %d ms".formatted(server,
						Duration.ofNanos(System.nanoTime() - startNanos).toMillis()));
				return server;
			}
			catch (ServerProcess.PortTakenException ex) {
				server.close();
				if (attempt == PORT_ATTEMPTS) {
					throw ex;
				}
			}
			catch (RuntimeException ex) {
				server.close();
				throw ex;
			}
		}
	}

	private static synchronized Installation installation() {
		Installation found = installation;
		if (found == null) {
			Path server = ServerProcess.find("mariadbd", "/usr/sbin", "/usr/bin");
			Path install = ServerProcess.find("mariadb-install-db", "/usr/bin", "/usr/sbin");
			ServerProcess.assume(server != null && install != null, logger,
					() -> "No MariaDB found (mariadbd and mariadb-install-db, on the PATH or in /usr/sbin and "
							+ "/usr/bin): install MariaDB 10.11 (apt-get install mariadb-server) to run this test");
			String osUser = ServerProcess.runsAsRoot() ? OS_USER : null;
			found = new Installation(server, install, osUser);
			Installation chosen = found;
			logger.info(() -> "Test MariaDB servers run " + chosen.server()
					+ ((osUser != null) ? " as user " + osUser : ""));
			installation = found;
		}
		return found;
	}

	private void launch() {
		// Run as root, both programs switch to the user that --user names; otherwise they run as this JVM's user.
		List<String> user = (this.binaries.osUser() != null) ? List.of("--user=" + this.binaries.osUser()) : List.of();
		if (!Files.exists(this.data)) {
			Path createDatabase = this.process.directory().resolve("create-database.sql");
			try {
				Files.writeString(createDatabase, "CREATE DATABASE " + DATABASE + ";\n");
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not write " + createDatabase, ex);
			}
			List<String> install = new ArrayList<>(List.of(this.binaries.install().toString(), "--no-defaults",
					"--datadir=" + this.data));
			install.addAll(user);
			// Normal authentication with an empty password, for root@127.0.0.1 too (not resolved to localhost).
			install.addAll(List.of("--auth-root-authentication-method=normal", "--skip-name-resolve",
					"--skip-test-db", "--extra-file=" + createDatabase));
			install.addAll(INNODB_SETTINGS);
			this.process.run(install, INSTALL_TIMEOUT);
		}
		List<String> command = new ArrayList<>(List.of(this.binaries.server().toString(), "--no-defaults",
				"--datadir=" + this.data, "--port=" + this.port,
				"--socket=" + this.process.directory().resolve("mariadbd.sock"),
				"--pid-file=" + this.process.directory().resolve("mariadbd.pid")));
		command.addAll(user);
		command.addAll(List.of("--bind-address=" + ServerProcess.HOST, "--skip-name-resolve"));
		command.addAll(INNODB_SETTINGS);
		this.process.start(command);
		this.process.awaitReady(this.port, STARTUP_TIMEOUT, this::answers);
	}

	private boolean answers() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@datadir")) {
			result.next();
			// Another server may have taken the port first and answered in place of ours.
			if (!Files.isSameFile(Path.of(result.getString(1)), this.data)) {
				throw new ServerProcess.PortTakenException("mariadbd", this.port,
						"another MariaDB answered, with data in " + result.getString(1));
			}
			return true;
		}
		catch (SQLException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not compare data directories", ex);
		}
	}

	@Override
	public String product() {
		return "MariaDB " + jdbcClient().sql("SELECT VERSION()").query(String.class).single().split("-", 2)[0];
	}

	@Override
	public String host() {
		return ServerProcess.HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String jdbcUrl() {
		String url = this.dataSource.getUrl();
		return (url != null) ? url : "";
	}

	@Override
	public String username() {
		return USERNAME;
	}

	@Override
	public String password() {
		return "";
	}

	@Override
	public DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public long pid() {
		return this.process.pid();
	}

	@Override
	public Path dataDirectory() {
		return this.data;
	}

	@Override
	public boolean isRunning() {
		return this.process.isRunning();
	}

	@Override
	public void stop() {
		this.process.stop();
	}

	@Override
	public void kill() {
		this.process.kill();
	}

	@Override
	public synchronized void restart() {
		this.process.stop();
		launch();
	}

	@Override
	public void pause() {
		this.process.pause();
	}

	@Override
	public void resume() {
		this.process.resume();
	}

	@Override
	public void reset() {
		// One connection: a new one could not open a database that is gone. Dropping the current database is
		// allowed, and creating one needs none.
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE " + DATABASE);
			statement.execute("CREATE DATABASE " + DATABASE);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not empty the database " + DATABASE + " of " + this, ex);
		}
	}

	@Override
	public void close() {
		this.process.close();
	}

	@Override
	public String toString() {
		return "MariaDB %s:%d, %s".formatted(ServerProcess.HOST, this.port, this.process);
	}

	/**
	 * Paths of {@code mariadbd} and {@code mariadb-install-db}, and the system user that runs them ({@code null}:
	 * this JVM's).
	 */
	private record Installation(Path server, Path install, @Nullable String osUser) {

	}

}
