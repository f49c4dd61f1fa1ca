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

package io.github.leaderelection.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.jdbc.JdbcLeaseStores;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.PostgresServer;

import org.springframework.util.FileSystemUtils;

/**
 * The faults of the database the suite's instances elect on, PostgreSQL or MariaDB: restarts, a crash, a restore of
 * older files, a deleted row. Older files are a copy of the data directory taken while every server process is
 * frozen, as a storage snapshot is: the server recovers from it as from a crash.
 */
final class DatabaseFaults {

	private final DatabaseServer server;

	private final Path older;

	private final String role;

	DatabaseFaults(DatabaseServer server, Path older, String role) {
		this.server = server;
		this.older = older;
		this.role = role;
	}

	DatabaseServer server() {
		return this.server;
	}

	/**
	 * Creates the lease table from the script the store ships.
	 */
	void createTable() {
		JdbcLeaseStores.createTable(this.server);
	}

	/**
	 * A clean shutdown and a start: every committed write survives.
	 */
	void restart() {
		this.server.restart();
	}

	/**
	 * kill -9 of every server process and a start, with crash recovery.
	 */
	void crash() {
		this.server.kill();
		this.server.restart();
	}

	/**
	 * Copies the data directory as it is now, for {@link #restoreKeptCopy()}.
	 */
	void keepCopy() {
		if (this.server instanceof PostgresServer) {
			// Shortens the recovery from the copy; InnoDB's is short at the test server's small redo log.
			this.server.jdbcClient().sql("CHECKPOINT").update();
		}
		FileSystemUtils.deleteRecursively(this.older.toFile());
		this.server.pause();
		try {
			copy(this.server.dataDirectory(), this.older);
		}
		finally {
			this.server.resume();
		}
	}

	/**
	 * kill -9 of the server, and a start on the files kept last: the table goes back to what it held then.
	 */
	void restoreKeptCopy() {
		this.server.kill();
		Path data = this.server.dataDirectory();
		FileSystemUtils.deleteRecursively(data.toFile());
		copy(this.older, data);
		try {
			// A PostgreSQL copy's lock file names a PID that may be alive by now.
			Files.deleteIfExists(data.resolve("postmaster.pid"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.restart();
	}
	/**
	 * Deletes the role's row, as a careless cleanup would; returns whether there was one.
	 */
	boolean deleteRow() {
		return this.server.jdbcClient()
			.sql("DELETE FROM " + JdbcLeaseStore.DEFAULT_TABLE_NAME + " WHERE role = ?")
			.param(this.role)
			.update() == 1;
	}

	// cp -a keeps the owner and modes that the servers insist on.
	private static void copy(Path from, Path to) {
		try {
			Process copy = new ProcessBuilder(List.of("cp", "-a", from.toString(), to.toString()))
				.redirectErrorStream(true)
				.start();
			if (!copy.waitFor(60, TimeUnit.SECONDS) || copy.exitValue() != 0) {
				copy.destroyForcibly();
				throw new IllegalStateException(
						"Could not copy %s to %s: %s".formatted(from, to, new String(copy.getInputStream().readAllBytes())));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
