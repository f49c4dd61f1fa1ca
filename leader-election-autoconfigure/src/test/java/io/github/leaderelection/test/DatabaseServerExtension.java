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

import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.Assert;

/**
 * Runs one {@link DatabaseServer} per test class, from before the first test until after the last, failed or not.
 * Before each test it continues the server if paused, starts it again if stopped or killed, and empties the test
 * database. Where the machine has no such database the whole class is skipped, with a message that says what to
 * install.
 * <pre class="code">
 * &#64;RegisterExtension
 * static final DatabaseServerExtension postgres = DatabaseServerExtension.postgres();
 * </pre>
 * The field must be static; {@code @Nested} classes share their outer class's server.
 *
 * @since 0.1.0
 */
public final class DatabaseServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

	private final Supplier<DatabaseServer> starter;

	private @Nullable DatabaseServer server;

	private @Nullable Class<?> owner;

	private DatabaseServerExtension(Supplier<DatabaseServer> starter) {
		this.starter = starter;
	}

	/**
	 * A {@link PostgresServer} per test class.
	 */
	public static DatabaseServerExtension postgres() {
		return new DatabaseServerExtension(PostgresServer::start);
	}

	/**
	 * A {@link MariaDbServer} per test class.
	 */
	public static DatabaseServerExtension mariaDb() {
		return new DatabaseServerExtension(MariaDbServer::start);
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		if (this.server == null) {
			this.server = this.starter.get();
			this.owner = context.getRequiredTestClass();
		}
	}

	@Override
	public synchronized void beforeEach(ExtensionContext context) {
		DatabaseServer server = server();
		server.resume();
		if (!server.isRunning()) {
			server.restart();
		}
		server.reset();
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (this.owner != context.getRequiredTestClass()) {
			return;
		}
		DatabaseServer server = this.server;
		this.server = null;
		this.owner = null;
		if (server != null) {
			server.close();
		}
	}

	/**
	 * The server of the current test class.
	 */
	public synchronized DatabaseServer server() {
		DatabaseServer server = this.server;
		Assert.state(server != null, "No database server: register DatabaseServerExtension on a static field");
		return server;
	}

	/**
	 * JDBC URL of the test database of the current test class's server.
	 */
	public String jdbcUrl() {
		return server().jdbcUrl();
	}

	/**
	 * A data source for the test database, opening a new connection on each call.
	 */
	public DataSource dataSource() {
		return server().dataSource();
	}

	/**
	 * A {@link JdbcClient} for the test database.
	 */
	public JdbcClient jdbcClient() {
		return server().jdbcClient();
	}

}
