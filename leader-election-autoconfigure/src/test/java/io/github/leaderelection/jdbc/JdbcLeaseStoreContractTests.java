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

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStoreContractTests;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
	}

	@AfterEach
	void stopStores() {
		this.stores.stopAll();
	}

	@Test
	void aRowDeletedBeforeAnInstanceFirstClaimsIsQuarantinedForALeaseAsANewRolesRowIs() {
		JdbcLeaseStore holder = this.stores.create(database().dataSource(), JdbcLeaseStore.Options.DEFAULTS);
		String role = "missing-" + UUID.randomUUID();
		Acquisition first = holder.acquire(claim(role, "holder"));
		assertThat(first.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(first.retryAfter()).isEqualTo(LEASE);
		assertThat(first.reason()).startsWith("'" + role + "' has no row in ")
			.contains("set leader.election.jdbc.quarantine-missing-row=false");
		AtomicReference<Acquisition> granted = new AtomicReference<>();
		await().atMost(LEASE.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			granted.set(holder.acquire(claim(role, "holder")));
			return granted.get().isGranted();
		});
		database().jdbcClient()
			.sql("DELETE FROM " + JdbcLeaseStore.DEFAULT_TABLE_NAME + " WHERE role = ?")
			.param(role)
			.update();
		// Started since, it never saw the row: the holder may still trust its deadline.
		JdbcLeaseStore newcomer = this.stores.create(database().dataSource(), JdbcLeaseStore.Options.DEFAULTS);
		long deleted = System.nanoTime();
		assertThat(newcomer.acquire(claim(role, "newcomer")).outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(holder.renew(role, holder("holder"), LEASE)).isFalse();
		AtomicReference<Acquisition> next = new AtomicReference<>();
		await().atMost(LEASE.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			next.set(newcomer.acquire(claim(role, "newcomer")));
			return next.get().isGranted();
		});
		assertThat(Duration.ofNanos(System.nanoTime() - deleted)).isGreaterThanOrEqualTo(LEASE);
		assertThat(next.get().fencingToken()).isGreaterThan(granted.get().fencingToken());
	}

	private static LeaseClaim claim(String role, String instanceId) {
		return new LeaseClaim(role, holder(instanceId), "host-" + instanceId, Instant.now(), LEASE);
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
