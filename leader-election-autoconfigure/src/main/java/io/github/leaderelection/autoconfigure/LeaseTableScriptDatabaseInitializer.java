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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.leaderelection.jdbc.JdbcLeaseStore;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.core.log.LogAccessor;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.StreamUtils;

/**
 * Creates the lease table with the schema script of the database, under the configured table name, as
 * {@code leader.election.jdbc.initialize-schema} says: {@code embedded} only on an embedded database, {@code always},
 * or {@code never}. Boot sees it as one of its script initializers, so it runs in order with Flyway, Liquibase and
 * {@code spring.sql.init}, before the beans that depend on database initialization, the lease store among them.
 * <p>
 * Unlike Boot's own script initializers it fails nothing when the database cannot be reached: it warns, and the
 * electors follow until the database answers. Instances that start at once may each run the script; one that loses
 * PostgreSQL's race to create the table runs it again, and finds the table.
 */
final class LeaseTableScriptDatabaseInitializer extends DataSourceScriptDatabaseInitializer {

	// Under the auto-configuration's name: the category users look for at start.
	private static final LogAccessor logger = new LogAccessor(LeaderElectionAutoConfiguration.class);

	// The names the scripts create: the lease table and, on MariaDB and MySQL, its boot-marker table.
	private static final Pattern SCRIPT_TABLES = Pattern
		.compile("\\b" + Pattern.quote(JdbcLeaseStore.DEFAULT_TABLE_NAME) + "(_boot)?\\b");

	// How often the script runs at most, when it loses the race to create the table to other instances.
	private static final int MAX_ATTEMPTS = 3;

	// The SQL states of that race; see isConcurrentCreation.
	private static final Set<String> CONCURRENT_CREATION_STATES = Set.of("23505", "42P07", "42710");

	private final DatabaseInitializationSettings settings;

	private final String tableName;

	LeaseTableScriptDatabaseInitializer(DataSource dataSource, LeaderElectionProperties.Jdbc properties) {
		this(dataSource, settings(properties), properties.getTableName());
	}

	private LeaseTableScriptDatabaseInitializer(DataSource dataSource, DatabaseInitializationSettings settings,
			String tableName) {
		super(dataSource, settings);
		this.settings = settings;
		this.tableName = tableName;
	}

	private static DatabaseInitializationSettings settings(LeaderElectionProperties.Jdbc properties) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(properties.getInitializeSchema());
		// The scripts say IF NOT EXISTS: any error is one to report, not to pass over.
		settings.setContinueOnError(false);
		settings.setEncoding(StandardCharsets.UTF_8);
		return settings;
	}

	/**
	 * Picks the script of the database the data source connects to, and runs it, unless the mode says not to or the
	 * database cannot be reached.
	 */
	@Override
	public boolean initializeDatabase() {
		DatabaseInitializationMode mode = this.settings.getMode();
		if (mode == DatabaseInitializationMode.NEVER
				|| (mode == DatabaseInitializationMode.EMBEDDED && !isEmbeddedDatabase())) {
			return false;
		}
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(getDataSource(), DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			warnUnreachable(mode, ex);
			return false;
		}
		// Known only once a connection answers, which Boot's settings, fixed before, cannot wait for.
		this.settings.setSchemaLocations(List.of(JdbcLeaseStore.schemaLocation(String.valueOf(product))));
		for (int attempt = 1;; attempt++) {
			try {
				return super.initializeDatabase();
			}
			catch (DataAccessException ex) {
				if (isUnreachable(ex)) {
					warnUnreachable(mode, ex);
					return false;
				}
				if (!isConcurrentCreation(ex) || attempt == MAX_ATTEMPTS) {
					throw ex;
				}
				// The scripts say IF NOT EXISTS: run again, they find what the other instance committed.
				logger.debug(ex, () -> ("Another instance created the lease table '%s' at the same time; "
						+ "running the script again").formatted(this.tableName));
			}
		}
	}

	/**
	 * Runs the scripts with the configured table name in place of the default one.
	 */
	@Override
	protected void runScripts(Scripts scripts) {
		if (JdbcLeaseStore.DEFAULT_TABLE_NAME.equals(this.tableName)) {
			super.runScripts(scripts);
			return;
		}
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> renamed = new ArrayList<>();
		for (Resource script : scripts) {
			renamed.add(renamed(script, encoding));
		}
		super.runScripts(new Scripts(renamed).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(encoding));
	}

	private Resource renamed(Resource script, Charset encoding) {
		String sql;
		try {
			sql = StreamUtils.copyToString(script.getInputStream(), encoding);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + script, ex);
		}
		Matcher matcher = SCRIPT_TABLES.matcher(sql);
		String named = matcher.replaceAll((match) -> Matcher
			.quoteReplacement(this.tableName + ((match.group(1) != null) ? match.group(1) : "")));
		return new ByteArrayResource(named.getBytes(encoding),
				"%s with table %s".formatted(script.getDescription(), this.tableName));
	}

	private void warnUnreachable(DatabaseInitializationMode mode, Exception ex) {
		logger.warn(() -> ("Could not reach the database to create the lease table '%s' "
				+ "(leader.election.jdbc.initialize-schema=%s); the application starts, and its electors follow "
				+ "until the database answers and has the table: %s")
			.formatted(this.tableName, mode.name().toLowerCase(Locale.ROOT),
					NestedExceptionUtils.getMostSpecificCause(ex).getMessage()));
	}

	// Instances that start at once each run the script. On PostgreSQL, CREATE TABLE IF NOT EXISTS is not safe against
	// itself: the loser of the race fails with a unique violation of the catalog's type names (23505), or with
	// "relation already exists" (42P07) or "already exists" for another object (42710), although what it wanted to
	// create now exists.
	private static boolean isConcurrentCreation(Throwable ex) {
		return hasCause(ex, (cause) -> cause instanceof SQLException sql
				&& CONCURRENT_CREATION_STATES.contains(sql.getSQLState()));
	}

	// A connection that could not be had or broke, as opposed to a script the database refused.
	private static boolean isUnreachable(Throwable ex) {
		return hasCause(ex,
				(cause) -> cause instanceof DataAccessResourceFailureException
						|| cause instanceof SQLTransientConnectionException
						|| cause instanceof SQLNonTransientConnectionException
						|| cause instanceof SQLRecoverableException || (cause instanceof SQLException sql
								&& sql.getSQLState() != null && sql.getSQLState().startsWith("08")));
	}

	private static boolean hasCause(Throwable ex, Predicate<Throwable> test) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (test.test(cause)) {
				return true;
			}
		}
		return false;
	}

}
