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

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.github.leaderelection.test.DatabaseServer;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates {@link JdbcLeaseStore}s on a test database as separate processes would have them, and stops them after a
 * test.
 */
public final class JdbcLeaseStores {

	private final List<JdbcLeaseStore> stores = new ArrayList<>();

	// As the contract wants it: a new role's first claim is granted at once.
	JdbcLeaseStore create(DataSource dataSource) {
		return create(dataSource, JdbcLeaseStore.Options.DEFAULTS.withQuarantineMissingRow(false));
	}

	JdbcLeaseStore create(DataSource dataSource, JdbcLeaseStore.Options options) {
		JdbcLeaseStore store = new JdbcLeaseStore(dataSource, options);
		store.start();
		this.stores.add(store);
		return store;
	}

	void stopAll() {
		this.stores.forEach(JdbcLeaseStore::stop);
		this.stores.clear();
	}

	/**
	 * Runs the schema script the store ships for the server's database.
	 */
	public static void createTable(DatabaseServer server) {
		String location = JdbcLeaseStore.schemaLocation(server.product());
		new ResourceDatabasePopulator(new ClassPathResource(location.substring("classpath:".length())))
			.execute(server.dataSource());
	}

}
