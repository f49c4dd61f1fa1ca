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

import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStoreContractTests;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The {@link LeaseStoreContractTests} for {@link JdbcLeaseStore}, on a private database server that each subclass
 * starts for itself, a local process stopped by PID after the class. A data loss is a restore of an empty table:
 * the table is emptied and the server restarted, as a restore from a backup taken before the first lease does.
 */
abstract class JdbcLeaseStoreContractTests extends LeaseStoreContractTests {

	private final JdbcLeaseStores stores = new JdbcLeaseStores();

	abstract DatabaseServerExtension database();

	@BeforeEach
	void createTable() {
		JdbcLeaseStores.createTable(database().server());
		JdbcLeaseStores.awaitUptime(database().server(), LONGEST_LEASE);
	}

	@AfterEach
	void stopStores() {
		this.stores.stopAll();
	}

	@Override
	protected LeaseStore createStore() {
		return this.stores.create(database().dataSource());
	}

	@Override
	protected void loseAllData() {
		DatabaseServer server = database().server();
		server.jdbcClient().sql("DELETE FROM " + JdbcLeaseStore.DEFAULT_TABLE_NAME).update();
		server.restart();
	}

}
