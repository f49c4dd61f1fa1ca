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
import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.jdbc.MissingLeaseTableException;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JdbcLeaseStoreConfiguration}, {@link LeaseTableScriptDatabaseInitializer} and
 * {@link MissingLeaseTableFailureAnalyzer} on a private PostgreSQL server, through Boot's DataSource (HikariCP).
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcLeaseStoreConfigurationPostgresTests {

	private static final String SCRIPT = "classpath:io/github/leaderelection/jdbc/schema-postgresql.sql";

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.postgres();

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
	void withoutTheTableAndWithInitializeSchemaNeverTheStartFailsWithTheAnalysis() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
			MissingLeaseTableException missing = findCause(failure, MissingLeaseTableException.class);
			assertThat(missing.table()).isEqualTo("leader_election_lease");
			assertThat(missing.script()).isEqualTo(SCRIPT);
			FailureAnalysis analysis = new MissingLeaseTableFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).isEqualTo(("Leader election found no lease table "
					+ "'leader_election_lease' in %s, and the start cannot go on without it.")
				.formatted(missing.database()));
			assertThat(missing.database()).startsWith("PostgreSQL ").contains(database.jdbcUrl().split("\\?")[0]);
			assertThat(analysis.getAction()).isEqualTo("""
					Create the table with the script %s, which ships in the leader election jar. Run it from a \
					migration of your application:
					    Flyway: copy it to src/main/resources/db/migration as a new version, for example \
					V2__leader_election_lease.sql.
					    Liquibase: add a change set with <sqlFile path="%s"/> (YAML: - sqlFile: {path: %s}).
					Or let the application create it at start with leader.election.jdbc.initialize-schema=always. \
					Set leader.election.jdbc.table-name if the table has another name, or lives in another schema, as \
					in election.leader_election_lease.""".formatted(SCRIPT, SCRIPT.substring(10), SCRIPT.substring(10)));
		});
	}

	@Test
	void initializeSchemaEmbeddedLeavesAServerDatabaseAlone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(findCause(context.getStartupFailure(), MissingLeaseTableException.class).table())
				.isEqualTo("leader_election_lease");
		});
		assertThat(tables()).isEmpty();
	}

	@Test
	void aMissingCustomTableIsNamedWithTheRenameToDo() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=never",
					"leader.election.jdbc.table-name=election_leases")
			.run((context) -> {
				FailureAnalysis analysis = new MissingLeaseTableFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).startsWith("Leader election found no lease table 'election_leases' in PostgreSQL ");
				assertThat(analysis.getAction()).contains(
						"The script creates the table leader_election_lease: rename it to election_leases in your copy.");
			});
	}

	@Test
	void theFailureAnalysisIsPrintedWhenTheApplicationStarts(CapturedOutput output) {
		SpringApplication application = new SpringApplication(JdbcApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
				"--spring.datasource.url=" + database.jdbcUrl(),
				"--spring.datasource.username=" + database.server().username(), "--leader.election.mode=jdbc",
				"--leader.election.role=orders"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Leader election found no lease table 'leader_election_lease' in PostgreSQL ")
			.contains("Action:")
			.contains("Create the table with the script " + SCRIPT)
			.contains("leader.election.jdbc.initialize-schema=always");
	}

	@Test
	void initializeSchemaAlwaysCreatesACustomTableThatTheStoreUses() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=always",
					"leader.election.jdbc.table-name=election_leases")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				LeaderElector elector = context.getBean(LeaderElector.class);
				await().atMost(Duration.ofSeconds(15)).until(elector::isLeader);
				assertThat(tables()).containsExactly("election_leases");
				assertThat(database.jdbcClient()
					.sql("SELECT instance_id FROM election_leases WHERE role = 'orders'")
					.query(String.class)
					.list()).containsExactly(elector.instanceId());
			});
	}

	@Test
	void initializeSchemaAlwaysKeepsATableThatExists() {
		createTable();
		database.jdbcClient()
			.sql("INSERT INTO leader_election_lease (role, fencing_token, version, server) VALUES ('kept', 7, 1, 'x')")
			.update();
		this.contextRunner.withPropertyValues("leader.election.jdbc.initialize-schema=always")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(database.jdbcClient()
			.sql("SELECT fencing_token FROM leader_election_lease WHERE role = 'kept'")
			.query(Long.class)
			.single()).isEqualTo(7);
	}

	@Test
	void instancesThatStartAtOnceAllCreateTheTableWithoutAFailure() {
		// PostgreSQL's CREATE TABLE IF NOT EXISTS fails one of the sessions that run it at the same moment, in about
		// a quarter of the rounds of three on this machine.
		ScriptsRunAtOnce.createTwentyTimesOver(database.dataSource(),
				() -> database.jdbcClient().sql("DROP TABLE IF EXISTS leader_election_lease").update());
		assertThat(tables()).containsExactly("leader_election_lease");
	}

	@Test
	void theFirstClaimOfARoleWithoutARowIsQuarantinedOnAServerDatabase() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=always",
					"leader.election.jdbc.quarantine-missing-row=true")
			.run((context) -> {
				assertThat(context.getBean(JdbcLeaseStore.class).options().quarantineMissingRow()).isTrue();
				LeaderElector elector = context.getBean(LeaderElector.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> database.jdbcClient()
						.sql("SELECT quarantine_reason FROM leader_election_lease WHERE role = 'orders'")
						.query(String.class)
						.list(), (reasons) -> reasons.contains("missing-row"));
				assertThat(elector.isLeader()).isFalse();
				await().atMost(Duration.ofSeconds(15)).until(elector::isLeader);
			});
	}

	@Test
	void aStoppedDatabaseDoesNotFailTheStartAndTheElectorLeadsOnceItIsBack(CapturedOutput output) {
		createTable();
		database.server().stop();
		this.contextRunner.withPropertyValues("leader.election.jdbc.initialize-schema=always").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(JdbcLeaseStore.class);
			LeaderElector elector = context.getBean(LeaderElector.class);
			assertThat(output).contains("Could not reach the database to create the lease table "
					+ "'leader_election_lease' (leader.election.jdbc.initialize-schema=always); the application "
					+ "starts, and its electors follow until the database answers and has the table: ");
			// Several attempts fail while the server is down: the elector follows.
			await().atMost(Duration.ofSeconds(10)).until(() -> output.toString().contains("Could not reach PostgreSQL")
					|| output.toString().contains("electors follow until it answers"));
			assertThat(elector.isLeader()).isFalse();
			database.server().restart();
			await().atMost(Duration.ofSeconds(20)).until(elector::isLeader);
		});
	}

	@Test
	void aStoppedDatabaseWithInitializeSchemaNeverStartsToo() {
		database.server().stop();
		this.contextRunner.withPropertyValues("leader.election.jdbc.initialize-schema=never")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(JdbcLeaseStore.class));
	}

	private static void createTable() {
		new ResourceDatabasePopulator(new ClassPathResource(SCRIPT.substring("classpath:".length())))
			.execute(database.dataSource());
	}

	private static List<String> tables() {
		return database.jdbcClient()
			.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
			.query(String.class)
			.list();
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in " + failure,
				NestedExceptionUtils.getRootCause(failure));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class JdbcApplication {

	}

}
