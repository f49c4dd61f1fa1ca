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
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfigurationTests.UserLeaseStoreConfiguration;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.StandaloneLeaderElector;
import io.github.leaderelection.test.RedisServerExtension;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JdbcLeaseStoreConfiguration}, the {@code leader.election.jdbc} properties and the choice of the
 * store, on H2 in memory (Boot's embedded database) and a real Redis server.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcLeaseStoreConfigurationTests {

	private static final String BOTH_STORES = "leader.election.mode is auto and the application has both a "
			+ "RedisConnectionFactory and a DataSource: leases live in Redis";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	// Boot's embedded H2, a database of its own for each context; leases short enough for a 1s statement timeout.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("leader.election.role=orders", "leader.election.lease-duration=3s",
				"leader.election.renew-interval=1s", "leader.election.retry-interval=500ms",
				"leader.election.jdbc.statement-timeout=1s");

	private final ApplicationContextRunner bothRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("leader.election.role=orders", "spring.data.redis.host=" + redis.host(),
				"spring.data.redis.port=" + redis.port(), "spring.data.redis.timeout=2s",
				"leader.election.redis.quarantine-new-server=false");

	@Test
	void jdbcPropertiesHaveTheDocumentedDefaults() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withPropertyValues("leader.election.mode=standalone")
			.run((context) -> {
				LeaderElectionProperties.Jdbc jdbc = context.getBean(LeaderElectionProperties.class).getJdbc();
				assertThat(jdbc.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.EMBEDDED);
				assertThat(jdbc.getTableName()).isEqualTo(JdbcLeaseStore.DEFAULT_TABLE_NAME)
					.isEqualTo("leader_election_lease");
				assertThat(jdbc.getStatementTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(jdbc.isQuarantineMissingRow()).isTrue();
			});
	}

	@Test
	void defaultsReachTheStoreAndAnEmbeddedDatabaseQuarantinesNoMissingRow() {
		// No other process can reach the in-memory H2, nor have held a lease in it.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
					DataSourceAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(JdbcLeaseStore.class).options())
				.isEqualTo(JdbcLeaseStore.Options.DEFAULTS.withQuarantineMissingRow(false)));
	}

	@Test
	void jdbcPropertiesReachTheStore() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.table-name=election_leases",
					"leader.election.jdbc.statement-timeout=1500ms", "leader.election.jdbc.quarantine-missing-row=false")
			.run((context) -> assertThat(context.getBean(JdbcLeaseStore.class).options())
				.isEqualTo(new JdbcLeaseStore.Options("election_leases", Duration.ofMillis(1500), false,
						JdbcLeaseStore.Options.DEFAULTS.listenRetryInterval())));
	}

	@Test
	void autoModeWithOnlyADataSourceCreatesTheTableOnTheEmbeddedDatabaseAndLeads(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(LeaseTableScriptDatabaseInitializer.class)
				.doesNotHaveBean(RedisLeaseStore.class)
				.getBean(LeaseStore.class)
				.isInstanceOf(JdbcLeaseStore.class);
			LeaderElector elector = context.getBean(LeaderElector.class);
			assertThat(elector).isInstanceOf(LeaseLeaderElector.class);
			await().atMost(Duration.ofSeconds(10)).until(elector::isLeader);
			assertThat(holders(context, "leader_election_lease")).containsExactly(elector.instanceId());
		});
		assertThat(output).doesNotContain("runs standalone").doesNotContain(BOTH_STORES);
	}

	@Test
	void jdbcModeUsesTheDataSource() {
		this.contextRunner.withPropertyValues("leader.election.mode=jdbc").run((context) -> {
			assertThat(context).getBean(LeaseStore.class).isInstanceOf(JdbcLeaseStore.class);
			await().atMost(Duration.ofSeconds(10)).until(context.getBean(LeaderElector.class)::isLeader);
		});
	}

	@Test
	void aCustomTableNameIsCreatedAndUsed() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.table-name=election_leases").run((context) -> {
			LeaderElector elector = context.getBean(LeaderElector.class);
			await().atMost(Duration.ofSeconds(10)).until(elector::isLeader);
			assertThat(holders(context, "election_leases")).containsExactly(elector.instanceId());
			assertThat(tables(context)).contains("ELECTION_LEASES").doesNotContain("LEADER_ELECTION_LEASE");
		});
	}

	@Test
	void initializeSchemaNeverLeavesTheEmbeddedDatabaseWithoutTableAndFailsTheStart() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.initialize-schema=never").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new MissingLeaseTableFailureAnalyzer().analyze(context.getStartupFailure()))
				.satisfies((analysis) -> assertThat(analysis.getDescription())
					.startsWith("Leader election found no lease table 'leader_election_lease' in H2 "));
		});
	}

	// Boot orders script initializers before the beans that depend on database initialization: a lazy one that no
	// bean asks for still runs before the store checks its table.
	@Test
	void aMigrationOfTheApplicationRunsBeforeTheStoreChecksTheTable() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=never",
					"leader.election.jdbc.table-name=migrated_leases")
			.withUserConfiguration(MigrationConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(10)).until(context.getBean(LeaderElector.class)::isLeader);
				assertThat(holders(context, "migrated_leases")).hasSize(1);
			});
	}

	@Test
	void aUserLeaseStoreMakesTheJdbcStoreAndTheTableBackOff() {
		this.contextRunner.withUserConfiguration(UserLeaseStoreConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcLeaseStore.class)
				.doesNotHaveBean(LeaseTableScriptDatabaseInitializer.class)
				.hasSingleBean(LeaseStore.class);
			assertThat(tables(context)).doesNotContain("LEADER_ELECTION_LEASE");
		});
	}

	@Test
	void aUserJdbcLeaseStoreKeepsTheTableCreation() {
		this.contextRunner.withUserConfiguration(UserJdbcLeaseStoreConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(JdbcLeaseStore.class)
				.hasSingleBean(LeaseTableScriptDatabaseInitializer.class);
			assertThat(context.getBean(JdbcLeaseStore.class))
				.isSameAs(context.getBean(UserJdbcLeaseStoreConfiguration.class).store);
			assertThat(tables(context)).contains("LEADER_ELECTION_LEASE");
		});
	}

	@Test
	void autoModeWithRedisAndADataSourcePicksRedisAndWarnsNamingBothAndTheChoice(CapturedOutput output) {
		this.bothRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RedisConnectionFactory.class)
				.hasSingleBean(DataSource.class)
				.doesNotHaveBean(JdbcLeaseStore.class)
				.doesNotHaveBean(LeaseTableScriptDatabaseInitializer.class)
				.getBean(LeaseStore.class)
				.isInstanceOf(RedisLeaseStore.class);
			await().atMost(Duration.ofSeconds(10)).until(context.getBean(LeaderElector.class)::isLeader);
			assertThat(tables(context)).doesNotContain("LEADER_ELECTION_LEASE");
		});
		assertThat(output).containsOnlyOnce(BOTH_STORES)
			.contains("Set leader.election.mode=redis to keep them there and silence this warning, or "
					+ "leader.election.mode=jdbc to keep them in a table of the DataSource")
			.contains("switch every instance at once, not in a rolling deploy");
	}

	@Test
	void redisModeWithRedisAndADataSourceUsesRedisWithoutWarning(CapturedOutput output) {
		this.bothRunner.withPropertyValues("leader.election.mode=redis").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(JdbcLeaseStore.class)
				.doesNotHaveBean(LeaseTableScriptDatabaseInitializer.class)
				.getBean(LeaseStore.class)
				.isInstanceOf(RedisLeaseStore.class);
			assertThat(tables(context)).doesNotContain("LEADER_ELECTION_LEASE");
		});
		assertThat(output).doesNotContain(BOTH_STORES);
	}

	@Test
	void jdbcModeWithRedisAndADataSourceUsesTheDataSourceWithoutWarning(CapturedOutput output) {
		this.bothRunner.withPropertyValues("leader.election.mode=jdbc").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RedisConnectionFactory.class)
				.doesNotHaveBean(RedisLeaseStore.class)
				.getBean(LeaseStore.class)
				.isInstanceOf(JdbcLeaseStore.class);
			await().atMost(Duration.ofSeconds(10)).until(context.getBean(LeaderElector.class)::isLeader);
		});
		assertThat(output).doesNotContain(BOTH_STORES);
	}

	@Test
	void jdbcModeWithoutADataSourceFailsNamingTheModeAndTheFix() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withPropertyValues("leader.election.mode=jdbc")
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getName()).isEqualTo("leader.election.mode");
				assertThat(ex.getValue()).isEqualTo(Mode.JDBC);
				assertThat(ex.getReason()).startsWith("Needs a DataSource bean and Spring JDBC, and there is none: ")
					.contains("leader-election-spring-boot-starter-jdbc")
					.contains("spring.datasource.url")
					.contains("set the mode to redis or standalone");
			});
	}

	@Test
	void redisModeWithOnlyADataSourceFailsAsWithoutOne() {
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		this.contextRunner.withPropertyValues("leader.election.mode=redis")
			.withInitializer(started::set)
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getName()).isEqualTo("leader.election.mode");
				assertThat(ex.getValue()).isEqualTo(Mode.REDIS);
				assertThat(ex.getReason()).startsWith("Needs a RedisConnectionFactory bean, and there is none");
			});
		// The context failed: what it defined is all there is to look at.
		ConfigurableListableBeanFactory beanFactory = started.get().getBeanFactory();
		assertThat(beanFactory.getBeanNamesForType(DataSource.class, true, false)).hasSize(1);
		assertThat(beanFactory.getBeanNamesForType(JdbcLeaseStore.class, true, false)).isEmpty();
		assertThat(beanFactory.getBeanNamesForType(LeaseTableScriptDatabaseInitializer.class, true, false)).isEmpty();
	}

	@Test
	void standaloneModeWithADataSourceCreatesNoStoreAndNoTable() {
		this.contextRunner.withPropertyValues("leader.election.mode=standalone").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeaseStore.class)
				.doesNotHaveBean(LeaseTableScriptDatabaseInitializer.class);
			assertThat(context.getBean(LeaderElector.class)).isInstanceOf(StandaloneLeaderElector.class);
			assertThat(tables(context)).doesNotContain("LEADER_ELECTION_LEASE");
		});
	}

	@Test
	void withoutSpringJdbcOnTheClasspathAutoModeIsStandaloneEvenWithADataSource(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.jdbc"))
			.withUserConfiguration(H2DataSourceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(DataSource.class)
					.doesNotHaveBean(LeaseStore.class)
					.doesNotHaveBean(LeaseTableScriptDatabaseInitializer.class);
				assertThat(context.getBean(LeaderElector.class)).isInstanceOf(StandaloneLeaderElector.class);
			});
		assertThat(output).contains("leader.election.mode is auto and the application has no "
				+ "RedisConnectionFactory and no DataSource, so leader election runs standalone");
	}

	@Test
	void withoutSpringJdbcOnTheClasspathJdbcModeFails() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.jdbc"))
			.withUserConfiguration(H2DataSourceConfiguration.class)
			.withPropertyValues("leader.election.mode=jdbc")
			.run((context) -> assertThat(invalidProperty(context).getReason())
				.startsWith("Needs a DataSource bean and Spring JDBC"));
	}

	@Test
	void aStatementTimeoutNotBelowTheLeaseFailsNamingThePropertyAndTheLease() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.statement-timeout=3s").run((context) -> {
			InvalidConfigurationPropertyValueException ex = invalidProperty(context);
			assertThat(ex.getName()).isEqualTo("leader.election.jdbc.statement-timeout");
			assertThat(ex.getValue()).isEqualTo("3s");
			assertThat(ex.getReason()).isEqualTo("Must be below leader.election.lease-duration (3s here), so that a "
					+ "statement that gets no reply fails while the lease still runs, for example 2s.");
			assertThat(ex.getMessage()).contains("leader.election.jdbc.statement-timeout");
		});
	}

	@Test
	void aStatementTimeoutThatJdbcRoundsUpToTheLeaseFailsSayingSo() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.statement-timeout=2500ms").run((context) -> {
			InvalidConfigurationPropertyValueException ex = invalidProperty(context);
			assertThat(ex.getName()).isEqualTo("leader.election.jdbc.statement-timeout");
			assertThat(ex.getReason()).endsWith("for example 2s. JDBC counts it in whole seconds, rounded up: "
					+ "2500ms is 3s.");
		});
	}

	@Test
	void aStatementTimeoutNotBelowTheLeaseOfARoleFailsNamingTheRole() {
		this.contextRunner.withPropertyValues("leader.election.roles.reports.lease-duration=1s",
				"leader.election.roles.reports.renew-interval=200ms", "leader.election.roles.reports.retry-interval=200ms")
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getName()).isEqualTo("leader.election.jdbc.statement-timeout");
				assertThat(ex.getReason()).startsWith(
						"Must be below leader.election.roles.reports.lease-duration (1s here), which no statement "
								+ "timeout can be: JDBC counts it in whole seconds, at least 1s.");
			});
	}

	@Test
	void aStatementTimeoutThatIsNotPositiveFails() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.statement-timeout=0s")
			.run((context) -> assertThat(invalidProperty(context).getReason())
				.isEqualTo("Must be positive, for example 2s."));
	}

	@Test
	void aStatementTimeoutThatALeaseCannotAffordIsAcceptedWhereTheJdbcStoreIsNotUsed() {
		this.bothRunner
			.withPropertyValues("leader.election.lease-duration=2s", "leader.election.renew-interval=500ms",
					"leader.election.retry-interval=500ms")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RedisLeaseStore.class));
	}

	@Test
	void aTableNameThatIsNoTableNameFails() {
		this.contextRunner.withPropertyValues("leader.election.jdbc.table-name=leases; DROP TABLE x")
			.run((context) -> {
				InvalidConfigurationPropertyValueException ex = invalidProperty(context);
				assertThat(ex.getName()).isEqualTo("leader.election.jdbc.table-name");
				assertThat(ex.getReason()).startsWith("Must be a table name of letters, digits and underscores, "
						+ "optionally qualified by a schema, for example leader_election_lease or election.leases.");
			});
	}

	@Test
	void jdbcPropertiesBind() {
		this.contextRunner
			.withPropertyValues("leader.election.jdbc.initialize-schema=always",
					"leader.election.jdbc.table-name=election.leases", "leader.election.jdbc.statement-timeout=1500ms",
					"leader.election.jdbc.quarantine-missing-row=false", "leader.election.mode=standalone")
			.run((context) -> {
				LeaderElectionProperties.Jdbc jdbc = context.getBean(LeaderElectionProperties.class).getJdbc();
				assertThat(jdbc.getInitializeSchema()).isEqualTo(DatabaseInitializationMode.ALWAYS);
				assertThat(jdbc.getTableName()).isEqualTo("election.leases");
				assertThat(jdbc.getStatementTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(jdbc.isQuarantineMissingRow()).isFalse();
			});
	}

	private static List<String> holders(AssertableApplicationContext context, String table) {
		return JdbcClient.create(context.getBean(DataSource.class))
			.sql("SELECT instance_id FROM " + table + " WHERE holder IS NOT NULL")
			.query(String.class)
			.list();
	}

	private static List<String> tables(AssertableApplicationContext context) {
		return JdbcClient.create(context.getBean(DataSource.class))
			.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'PUBLIC'")
			.query(String.class)
			.list();
	}

	private static InvalidConfigurationPropertyValueException invalidProperty(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable rootCause = NestedExceptionUtils.getRootCause(context.getStartupFailure());
		assertThat(rootCause).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return (InvalidConfigurationPropertyValueException) rootCause;
	}

	@Configuration(proxyBeanMethods = false)
	static class MigrationConfiguration {

		@Bean
		@Lazy
		DataSourceScriptDatabaseInitializer migration(DataSource dataSource) {
			DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
			settings.setSchemaLocations(List.of("classpath:io/github/leaderelection/autoconfigure/migrated-leases.sql"));
			settings.setMode(DatabaseInitializationMode.ALWAYS);
			return new DataSourceScriptDatabaseInitializer(dataSource, settings);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserJdbcLeaseStoreConfiguration {

		private JdbcLeaseStore store;

		@Bean
		JdbcLeaseStore userJdbcLeaseStore(DataSource dataSource) {
			this.store = new JdbcLeaseStore(dataSource,
					JdbcLeaseStore.Options.DEFAULTS.withStatementTimeout(Duration.ofSeconds(1)));
			return this.store;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class H2DataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			JdbcDataSource dataSource = new JdbcDataSource();
			dataSource.setURL("jdbc:h2:mem:filtered;DB_CLOSE_DELAY=-1");
			return dataSource;
		}

	}

}
