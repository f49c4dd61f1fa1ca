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

package io.github.leaderelection.jdbc;

/**
 * Thrown when the database has no lease table: the schema script was not run.
 *
 * @since 0.2.0
 */
public class MissingLeaseTableException extends IllegalStateException {

	private final String table;

	private final String database;

	private final String script;

	/**
	 * Creates a new instance.
	 * @param table the table that is missing
	 * @param database the database, as the store describes it
	 * @param script the class path location of the schema script for that database
	 * @param cause the error the database reported
	 */
	public MissingLeaseTableException(String table, String database, String script, Throwable cause) {
		super("The lease table '%s' does not exist in %s: run %s (from a Flyway or Liquibase migration, say), or set "
			.formatted(table, database, script) + "leader.election.jdbc.initialize-schema=always", cause);
		this.table = table;
		this.database = database;
		this.script = script;
	}

	/**
	 * The table that is missing.
	 */
	public String table() {
		return this.table;
	}

	/**
	 * The database, as the store describes it.
	 */
	public String database() {
		return this.database;
	}

	/**
	 * The class path location of the schema script that creates the table, such as
	 * {@code classpath:io/github/leaderelection/jdbc/schema-postgresql.sql}.
	 */
	public String script() {
		return this.script;
	}

}
