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

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The SQL that differs between databases: the database's clock, read at each statement (never a transaction's start
 * time), and the stamp that changes whenever the server restarts or another server takes over its data.
 */
enum JdbcDialect {

	/**
	 * PostgreSQL: {@code clock_timestamp()}, which moves within a statement's transaction, unlike {@code now()}; the
	 * stamp is the postmaster's start time, which every restart, restore and promotion changes.
	 */
	POSTGRESQL("postgresql", "CAST(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000) AS BIGINT)",
			"CAST(FLOOR(EXTRACT(EPOCH FROM c.t) * 1000) AS BIGINT)",
			"CAST(FLOOR(EXTRACT(EPOCH FROM c.t) * 1000000) AS BIGINT)",
			"CAST(CAST(FLOOR(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000000) AS BIGINT) AS VARCHAR(40))",
			"SELECT clock_timestamp() AS t"),

	/**
	 * MariaDB: {@code SYSDATE(6)}, the time of execution; the stamp is the server id and a marker in a MEMORY table,
	 * which every start of the server empties.
	 */
	MARIADB("mariadb", "CAST(FLOOR(UNIX_TIMESTAMP(SYSDATE(6)) * 1000) AS SIGNED)",
			"CAST(FLOOR(UNIX_TIMESTAMP(c.t) * 1000) AS SIGNED)", "CAST(FLOOR(UNIX_TIMESTAMP(c.t) * 1000000) AS SIGNED)",
			"CONCAT(@@server_id, ' ', COALESCE((SELECT marker FROM %s_boot WHERE id = 1), ''))",
			"SELECT SYSDATE(6) AS t"),

	/**
	 * MySQL, as MariaDB. Not tested here: no MySQL server runs on the build machine.
	 */
	MYSQL("mysql", MARIADB.nowMillis, MARIADB.readMillis, MARIADB.readMicros, MARIADB.stamp, MARIADB.clock),

	/**
	 * H2, for tests and a single process: no restart can be told apart, so a lost table shows only as rows that are
	 * missing, or gone though an instance saw them.
	 */
	H2("h2", "DATEDIFF('MILLISECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP)",
			"DATEDIFF('MILLISECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', c.t)",
			"DATEDIFF('MICROSECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', c.t)", "''",
			"SELECT CURRENT_TIMESTAMP AS t");

	private final String platform;

	// The database's clock in epoch milliseconds, evaluated where the statement runs.
	private final String nowMillis;

	// The same, of the clock column t of the read statement's derived table c; and in microseconds.
	private final String readMillis;

	private final String readMicros;

	// The current server stamp; %s is the lease table's name.
	private final String stamp;

	// One row with one column t: the clock, read once for the whole statement.
	private final String clock;

	JdbcDialect(String platform, String nowMillis, String readMillis, String readMicros, String stamp, String clock) {
		this.platform = platform;
		this.nowMillis = nowMillis;
		this.readMillis = readMillis;
		this.readMicros = readMicros;
		this.stamp = stamp;
		this.clock = clock;
	}

	/**
	 * The name in the schema script's file name, as in {@code schema-postgresql.sql}.
	 */
	String platform() {
		return this.platform;
	}

	String nowMillis() {
		return this.nowMillis;
	}

	String stamp(String table) {
		return this.stamp.formatted(table);
	}

	/**
	 * Whether the stamp needs a boot marker that the store writes once per server start.
	 */
	boolean usesBootMarker() {
		return this != H2 && this != POSTGRESQL;
	}

	/**
	 * One statement that reads the role's row, if any, with the database's clock and the server stamp.
	 */
	String read(String table) {
		return ("SELECT l.holder, l.expires_at, l.fencing_token, l.version, l.server, l.quarantine_until, "
				+ "l.quarantine_reason, l.instance_id, l.hostname, l.started_at, l.acquired_at, l.last_renewed_at, "
				+ "%s AS now_ms, %s AS now_us, %s AS stamp FROM (%s) c LEFT JOIN %s l ON l.role = ?")
			.formatted(this.readMillis, this.readMicros, stamp(table), this.clock, table);
	}

	/**
	 * The dialect of a database, from the product name its driver reports.
	 * @param productName the product name
	 * @return the dialect, or {@code null} when the database is not supported
	 */
	static @Nullable JdbcDialect of(String productName) {
		String name = productName.toLowerCase(Locale.ROOT);
		if (name.contains("postgres")) {
			return POSTGRESQL;
		}
		if (name.contains("mariadb")) {
			return MARIADB;
		}
		if (name.contains("mysql")) {
			return MYSQL;
		}
		if (name.equals("h2")) {
			return H2;
		}
		return null;
	}

}
