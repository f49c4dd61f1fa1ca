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

import java.time.Duration;
import java.util.List;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JdbcLeaseStoreConfiguration} and {@link LeaseTableScriptDatabaseInitializer} on a private MariaDB
 * server, whose script creates a second table for the boot marker.
 */
class JdbcLeaseStoreConfigurationMariaDbTests {

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.mariaDb();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(),
				"spring.datasource.username=" + database.server().username(),
				"spring.datasource.password=" + database.server().password(),
				"spring.datasource.hikari.connection-timeout=2000", "leader.election.role=orders",
				"leader.election.lease-duration=3s", "leader.election.renew-interval=1s",
				"leader.election.retry-interval=500ms", "leader.election.jdbc.statement-timeout=1s",
				"leader.election.jdbc.quarantine-missing-row=false");

	@Test
	void initializeSchemaAlwaysCreatesACustomTableAndItsBootTableThatTheStoreUses() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=always",
					"leader.election.jdbc.table-name=election_leases")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElector elector = context.getBean(LeaderElector.class);
				await().atMost(Duration.ofSeconds(15)).until(elector::isLeader);
				assertThat(tables()).containsExactly("election_leases", "election_leases_boot");
				assertThat(database.jdbcClient()
					.sql("SELECT instance_id FROM election_leases WHERE role = 'orders'")
					.query(String.class)
					.list()).containsExactly(elector.instanceId());
				assertThat(database.jdbcClient()
					.sql("SELECT COUNT(*) FROM election_leases_boot")
					.query(Integer.class)
					.single()).isEqualTo(1);
			});
	}

	@Test
	void instancesThatStartAtOnceAllCreateTheTablesWithoutAFailure() {
		ScriptsRunAtOnce.createTwentyTimesOver(database.dataSource(), () -> database.jdbcClient()
			.sql("DROP TABLE IF EXISTS leader_election_lease, leader_election_lease_boot")
			.update());
		assertThat(tables()).containsExactly("leader_election_lease", "leader_election_lease_boot");
	}

	@Test
	void withoutTheTableTheAnalysisNamesTheMariaDbScript() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingLeaseTableFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("Leader election found no lease table 'leader_election_lease' in MariaDB ");
			assertThat(analysis.getAction())
				.startsWith("Create the table with the script classpath:io/github/leaderelection/jdbc/schema-mariadb.sql,");
		});
		assertThat(tables()).isEmpty();
	}

	@Test
	void aMigrationThatCreatedOnlyTheLeaseTableIsToldToCreateTheBootTableToo() {
		database.jdbcClient()
			.sql("CREATE TABLE election_leases (role VARCHAR(200) NOT NULL PRIMARY KEY, holder VARCHAR(300), "
					+ "expires_at BIGINT, fencing_token BIGINT NOT NULL, version BIGINT NOT NULL, "
					+ "server VARCHAR(100) NOT NULL, quarantine_until BIGINT, quarantine_reason VARCHAR(40), "
					+ "instance_id VARCHAR(255), hostname VARCHAR(255), started_at BIGINT, acquired_at BIGINT, "
					+ "last_renewed_at BIGINT)")
			.update();
		this.contextRunner.withPropertyValues("leader.election.jdbc.table-name=election_leases").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MissingLeaseTableFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("Leader election found no lease table 'election_leases_boot' in MariaDB ");
			assertThat(analysis.getAction()).contains("The script creates the tables leader_election_lease and "
					+ "leader_election_lease_boot: rename them to election_leases and election_leases_boot in your copy.");
		});
	}

	private static List<String> tables() {
		return database.jdbcClient()
			.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name")
			.query(String.class)
			.list();
	}

}
