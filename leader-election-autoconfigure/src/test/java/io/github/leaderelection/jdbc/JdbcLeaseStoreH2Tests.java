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
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.Acquisition.Outcome;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JdbcLeaseStore} on H2 in memory, the database of tests and of a single process: the operations
 * work as on PostgreSQL and MariaDB, and what H2 cannot tell is pinned down.
 */
class JdbcLeaseStoreH2Tests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private final DataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
			"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	private final JdbcLeaseStores stores = new JdbcLeaseStores();

	@AfterEach
	void stopStores() {
		this.stores.stopAll();
		JdbcClient.create(this.dataSource).sql("SHUTDOWN").update();
	}

	@Test
	void grantsRenewsAndReleasesWithIncreasingTokens() {
		createTable();
		JdbcLeaseStore first = this.stores.create(this.dataSource);
		JdbcLeaseStore second = this.stores.create(this.dataSource);
		Acquisition granted = first.acquire(claim("first"));
		assertThat(granted.isGranted()).isTrue();
		Acquisition held = second.acquire(claim("second"));
		assertThat(held.outcome()).isEqualTo(Outcome.HELD);
		assertThat(held.holderInstanceId()).isEqualTo("first");
		assertThat(held.retryAfter()).isPositive().isLessThanOrEqualTo(LEASE);
		assertThat(first.renewAll(List.of(new LeaseRenewal("orders", holder("first"), LEASE),
				new LeaseRenewal("orders", holder("second"), LEASE))))
			.containsExactly(true, false);
		LeaderInfo leader = second.currentLeader("orders").orElseThrow();
		assertThat(leader.instanceId()).isEqualTo("first");
		assertThat(leader.fencingToken()).isEqualTo(granted.fencingToken());
		assertThat(leader.hostname()).isEqualTo("host-first");
		assertThat(second.release("orders", holder("first"))).isTrue();
		assertThat(second.currentLeader("orders")).isEmpty();
		assertThat(second.acquire(claim("second")).fencingToken()).isGreaterThan(granted.fencingToken());
	}

	@Test
	void aDeletedRowIsNoticedOnlyByAnInstanceThatSawIt() {
		createTable();
		JdbcLeaseStore holder = this.stores.create(this.dataSource);
		JdbcLeaseStore newcomer = this.stores.create(this.dataSource);
		long token = holder.acquire(claim("holder")).fencingToken();
		JdbcClient.create(this.dataSource).sql("DELETE FROM leader_election_lease").update();
		assertThat(holder.renew("orders", holder("holder"), LEASE)).isFalse();
		// The holder quarantined the role; had the newcomer claimed first, H2 could not have told it.
		Acquisition quarantined = newcomer.acquire(claim("newcomer"));
		assertThat(quarantined.outcome()).isEqualTo(Outcome.QUARANTINED);
		assertThat(quarantined.reason()).startsWith("the row of 'orders' in H2");
		// Deleted again, and met by an instance that never saw it: granted at once, with a token still above, since a
		// new row's tokens start above the database's clock in microseconds.
		JdbcClient.create(this.dataSource).sql("DELETE FROM leader_election_lease").update();
		Acquisition granted = this.stores.create(this.dataSource).acquire(claim("another"));
		assertThat(granted.isGranted()).isTrue();
		assertThat(granted.fencingToken()).isGreaterThan(token);
	}

	@Test
	void checkTableNamesTheScriptWhenTheTableIsMissing() {
		JdbcLeaseStore store = this.stores.create(this.dataSource);
		assertThatExceptionOfType(MissingLeaseTableException.class).isThrownBy(store::checkTable)
			.withMessageStartingWith("The lease table 'leader_election_lease' does not exist in H2")
			.withMessageContaining("run classpath:io/github/leaderelection/jdbc/schema-h2.sql")
			.withMessageEndingWith("leader.election.jdbc.initialize-schema=always")
			.withCauseInstanceOf(BadSqlGrammarException.class)
			.satisfies((ex) -> assertThat(ex.script())
				.isEqualTo("classpath:io/github/leaderelection/jdbc/schema-h2.sql"));
		createTable();
		store.checkTable();
	}

	@Test
	void aGrantInsideACallersTransactionIsTheStoresOwnAndOutlivesItsRollback() {
		createTable();
		JdbcLeaseStore store = this.stores.create(this.dataSource);
		TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		Acquisition granted = transaction.execute((status) -> {
			Acquisition acquisition = store.acquire(claim("holder"));
			status.setRollbackOnly();
			return acquisition;
		});
		assertThat(granted).isNotNull();
		assertThat(granted.isGranted()).isTrue();
		assertThat(this.stores.create(this.dataSource).currentLeader("orders")).map(LeaderInfo::fencingToken)
			.contains(granted.fencingToken());
	}

	@Test
	void stopsAfterTheElectorsSoThatTheirReleasesStillReachTheDatabase() {
		// Lifecycles stop from the highest phase down.
		assertThat(new JdbcLeaseStore(this.dataSource).getPhase()).isLessThan(LeaderElectors.PHASE);
	}

	@Test
	void optionsRejectATableNameThatIsNoIdentifier() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> JdbcLeaseStore.Options.DEFAULTS.withTableName("leases; DROP TABLE users"))
			.withMessageContaining("'tableName' must be a table name");
	}

	private void createTable() {
		new ResourceDatabasePopulator(new ClassPathResource("io/github/leaderelection/jdbc/schema-h2.sql"))
			.execute(this.dataSource);
	}

	private static LeaseClaim claim(String instanceId) {
		return new LeaseClaim("orders", holder(instanceId), "host-" + instanceId, Instant.EPOCH, LEASE);
	}

	private static LeaseHolder holder(String instanceId) {
		return new LeaseHolder(instanceId, "nonce-" + instanceId);
	}

}
