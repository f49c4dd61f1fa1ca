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

import java.util.Arrays;

import javax.sql.DataSource;

import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.store.LeaseStore;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

/**
 * The JDBC lease store, on the application's {@link DataSource}, when the mode is jdbc, or auto without a
 * RedisConnectionFactory; and the creation of its table, as {@code leader.election.jdbc.initialize-schema} says.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean(DataSource.class)
@Conditional(JdbcLeaseStoreConfiguration.JdbcModeCondition.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
class JdbcLeaseStoreConfiguration {

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	// Depends on every database initializer Boot knows of (this module's, Flyway, Liquibase, spring.sql.init), so
	// that the check of the table sees what they created.
	@Bean
	@ConditionalOnMissingBean(LeaseStore.class)
	@DependsOnDatabaseInitialization
	JdbcLeaseStore jdbcLeaseStore(DataSource dataSource, LeaderElectionProperties properties, Environment environment) {
		properties.validate(environment);
		properties.validateJdbc(environment);
		LeaderElectionProperties.Jdbc jdbc = properties.getJdbc();
		// An in-memory database belongs to this process: no other can have held a lease in it.
		boolean quarantineMissingRow = jdbc.isQuarantineMissingRow() && !EmbeddedDatabaseConnection.isEmbedded(dataSource);
		JdbcLeaseStore.Options options = JdbcLeaseStore.Options.DEFAULTS.withTableName(jdbc.getTableName())
			.withStatementTimeout(jdbc.getStatementTimeout())
			.withQuarantineMissingRow(quarantineMissingRow);
		JdbcLeaseStore store = new JdbcLeaseStore(dataSource, options);
		// A database that answers without the table fails the start here; one that cannot be reached passes (WARN).
		store.checkTable();
		return store;
	}

	/**
	 * The creation of the lease table, where Boot's script initialisation is on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataSourceScriptDatabaseInitializer.class)
	static class LeaseTableInitializationConfiguration {

		// Also for a JdbcLeaseStore bean of the application's own; not for a store of another kind.
		@Bean
		@ConditionalOnMissingBean(value = LeaseStore.class, ignored = JdbcLeaseStore.class)
		LeaseTableScriptDatabaseInitializer leaderElectionLeaseTableInitializer(DataSource dataSource,
				LeaderElectionProperties properties, Environment environment) {
			properties.validate(environment);
			properties.validateJdbc(environment);
			return new LeaseTableScriptDatabaseInitializer(dataSource, properties.getJdbc());
		}

	}

	/**
	 * Matches in jdbc mode, and in auto mode when the application has no RedisConnectionFactory: Redis keeps
	 * precedence, so that an application that had Redis leases keeps them when it upgrades.
	 */
	static final class JdbcModeCondition extends SpringBootCondition implements ConfigurationCondition {

		@Override
		public ConfigurationPhase getConfigurationPhase() {
			return ConfigurationPhase.REGISTER_BEAN;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Mode mode = LeaderElectionProperties.mode(context.getEnvironment());
			if (mode == Mode.JDBC) {
				return ConditionOutcome.match("leader.election.mode is jdbc");
			}
			if (mode != Mode.AUTO) {
				return ConditionOutcome.noMatch("leader.election.mode is " + mode);
			}
			String[] redis = redisConnectionFactories(context);
			return (redis.length > 0)
					? ConditionOutcome.noMatch("leader.election.mode is auto and the application has a "
							+ "RedisConnectionFactory: " + Arrays.toString(redis))
					: ConditionOutcome.match("leader.election.mode is auto and the application has no "
							+ "RedisConnectionFactory");
		}

		private static String[] redisConnectionFactories(ConditionContext context) {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			ClassLoader classLoader = context.getClassLoader();
			if (beanFactory == null || !ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, classLoader)) {
				return new String[0];
			}
			Class<?> type = ClassUtils.resolveClassName(REDIS_CONNECTION_FACTORY, classLoader);
			return beanFactory.getBeanNamesForType(type, true, false);
		}

	}

}
