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

package io.github.leaderelection.autoconfigure;

import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.jdbc.MissingLeaseTableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start that failed because the database has no lease table: where the script is, and how to run it.
 */
class MissingLeaseTableFailureAnalyzer extends AbstractFailureAnalyzer<MissingLeaseTableException> {

	private static final String CLASSPATH = "classpath:";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingLeaseTableException cause) {
		String script = cause.script();
		String path = script.startsWith(CLASSPATH) ? script.substring(CLASSPATH.length()) : script;
		// MariaDB's and MySQL's boot-marker table goes by the lease table's name.
		boolean boot = cause.table().endsWith("_boot");
		String table = boot ? cause.table().substring(0, cause.table().length() - "_boot".length()) : cause.table();
		String rename = JdbcLeaseStore.DEFAULT_TABLE_NAME.equals(table) ? ""
				: " The script creates the table%s %s: rename %s to %s in your copy.".formatted(boot ? "s" : "",
						boot ? JdbcLeaseStore.DEFAULT_TABLE_NAME + " and " + JdbcLeaseStore.DEFAULT_TABLE_NAME + "_boot"
								: JdbcLeaseStore.DEFAULT_TABLE_NAME,
						boot ? "them" : "it", boot ? table + " and " + cause.table() : table);
		return new FailureAnalysis(
				"Leader election found no lease table '%s' in %s, and the start cannot go on without it."
					.formatted(cause.table(), cause.database()),
				("""
						Create the table with the script %s, which ships in the leader election jar. Run it from \
						a migration of your application:
						    Flyway: copy it to src/main/resources/db/migration as a new version, for example \
						V2__leader_election_lease.sql.
						    Liquibase: add a change set with <sqlFile path="%s"/> (YAML: - sqlFile: {path: %s}).
						Or let the application create it at start with leader.election.jdbc.initialize-schema=always.\
						%s Set leader.election.jdbc.table-name if the table has another name, or lives in another \
						schema, as in election.leader_election_lease.""")
					.formatted(script, path, path, rename),
				cause);
	}

}
