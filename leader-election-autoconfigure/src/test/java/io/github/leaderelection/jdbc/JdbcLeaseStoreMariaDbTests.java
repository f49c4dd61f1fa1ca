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

import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The lease store contract on a private MariaDB server.
 */
class JdbcLeaseStoreMariaDbTests extends JdbcLeaseStoreContractTests {

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.mariaDb();

	@Override
	DatabaseServerExtension database() {
		return database;
	}

	@Test
	void checkTableNamesTheBootTableWhenOnlyTheLeaseTableWasCreated() {
		database.jdbcClient().sql("DROP TABLE leader_election_lease_boot").update();
		JdbcLeaseStore store = new JdbcLeaseStore(database.dataSource());
		assertThatExceptionOfType(MissingLeaseTableException.class).isThrownBy(store::checkTable)
			.withMessageStartingWith("The lease table 'leader_election_lease_boot' does not exist in MariaDB")
			.withMessageContaining("run classpath:io/github/leaderelection/jdbc/schema-mariadb.sql");
	}

	// Only PostgreSQL has NOTIFY.
	@Override
	protected boolean announcesReleases() {
		return false;
	}

}
