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
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.support.LeaseSettings;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Configuration properties for leader election.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("leader.election")
public class LeaderElectionProperties {

	private static final ConfigurationPropertyName ROLES = ConfigurationPropertyName.of("leader.election.roles");

	private static final String ROLES_PREFIX = "leader.election.roles.";

	/**
	 * Whether this instance takes part in the election; when false it never leads: @LeaderOnly methods are skipped
	 * and injected electors answer isLeader() false.
	 */
	private boolean enabled = true;

	/**
	 * Where leases live: auto uses Redis when the application has a RedisConnectionFactory, else a table of its
	 * DataSource when it has one and Spring JDBC, else standalone.
	 */
	private Mode mode = Mode.AUTO;

	/**
	 * Role of @LeaderOnly methods that name none. Defaults to spring.application.name, else "default".
	 */
	private @Nullable String role;

	/**
	 * Identity of this instance in the election, unique among the instances. Defaults to the hostname, the process
	 * id and a short random suffix.
	 */
	private @Nullable String instanceId;

	/**
	 * First part of the hash tag of every Redis key, as in {leader-election:<role>}:lock.
	 */
	private String keyPrefix = "leader-election";

	/**
	 * Time after which an unrenewed lease expires and another instance may take over.
	 */
	private Duration leaseDuration = Duration.ofSeconds(10);

	/**
	 * Time between two renewals of the lease while leading.
	 */
	private Duration renewInterval = Duration.ofSeconds(3);

	/**
	 * Time between two attempts after a failed Redis call, while leading or following.
	 */
	private Duration retryInterval = Duration.ofSeconds(1);

	/**
	 * Upper bound of the random delay before the first attempt and before claiming an expired lease.
	 */
	private Duration electionJitter = Duration.ofMillis(200);

	/**
	 * Whether a leader releases its lease when the application stops, so that another instance takes over at once.
	 */
	private boolean releaseOnShutdown = true;

	/**
	 * Time a graceful handover keeps the lease for @LeaderOnly calls still running and OnRevokedEvent listeners,
	 * before it releases the lease anyway; 0 releases at once.
	 */
	private Duration drainTimeout = Duration.ofSeconds(30);

	/**
	 * Settings of single roles by role name, each overriding the leader.election property of the same name for that
	 * role only; a role name with dots goes in brackets, as in leader.election.roles[batch.nightly].lease-duration.
	 */
	private final Map<String, RoleProperties> roles = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public @Nullable String getRole() {
		return this.role;
	}

	public void setRole(@Nullable String role) {
		this.role = role;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getLeaseDuration() {
		return this.leaseDuration;
	}

	public void setLeaseDuration(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

	public Duration getRenewInterval() {
		return this.renewInterval;
	}

	public void setRenewInterval(Duration renewInterval) {
		this.renewInterval = renewInterval;
	}

	public Duration getRetryInterval() {
		return this.retryInterval;
	}

	public void setRetryInterval(Duration retryInterval) {
		this.retryInterval = retryInterval;
	}

	public Duration getElectionJitter() {
		return this.electionJitter;
	}

	public void setElectionJitter(Duration electionJitter) {
		this.electionJitter = electionJitter;
	}

	public boolean isReleaseOnShutdown() {
		return this.releaseOnShutdown;
	}

	public void setReleaseOnShutdown(boolean releaseOnShutdown) {
		this.releaseOnShutdown = releaseOnShutdown;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	public Map<String, RoleProperties> getRoles() {
		return this.roles;
	}

	/**
	 * Checks the values together, before any bean uses them.
	 * @throws InvalidConfigurationPropertyValueException naming the first property whose value is wrong
	 */
	public void validate() {
		validate(null);
	}

	/**
	 * Checks the values together, before any bean uses them, and names a wrong duration as the environment has it,
	 * as in {@code 5000} rather than {@code 5s}.
	 * @param environment the environment the properties were bound from, or {@code null}
	 * @throws InvalidConfigurationPropertyValueException naming the first property whose value is wrong
	 * @since 0.2.0
	 */
	public void validate(@Nullable Environment environment) {
		Durations durations = new Durations(environment);
		validateTimings(durations, "leader.election.", this.leaseDuration, this.renewInterval, this.retryInterval,
				this.electionJitter, this.drainTimeout, "");
		name("leader.election.key-prefix", this.keyPrefix, "leader-election");
		if (this.role != null) {
			name("leader.election.role", this.role, "orders");
		}
		if (this.instanceId != null && (this.instanceId.isBlank() || this.instanceId.chars().anyMatch(Character::isWhitespace))) {
			throw new InvalidConfigurationPropertyValueException("leader.election.instance-id", this.instanceId,
					"Must not be empty or contain whitespace, for example node-1; leave it unset for a generated id.");
		}
		this.redis.validate(durations, this.leaseDuration, this.renewInterval, "");
		this.roles.forEach((role, overrides) -> validateRole(durations, role, overrides));
	}

	/**
	 * Checks the {@code leader.election.jdbc} values against every role's lease, when the JDBC store is used; call
	 * {@link #validate(Environment)} first.
	 * @param environment the environment the properties were bound from, or {@code null}
	 * @throws InvalidConfigurationPropertyValueException naming the first property whose value is wrong
	 */
	void validateJdbc(@Nullable Environment environment) {
		Durations durations = new Durations(environment);
		this.jdbc.validateTableName();
		this.jdbc.validate(durations, "leader.election.lease-duration", this.leaseDuration);
		this.roles.forEach((role, overrides) -> {
			if (overrides.getLeaseDuration() != null) {
				this.jdbc.validate(durations, rolePrefix(role) + "lease-duration", overrides.getLeaseDuration());
			}
		});
	}

	private void validateRole(Durations durations, String role, RoleProperties overrides) {
		if (!isValidName(role)) {
			throw new InvalidConfigurationPropertyValueException("leader.election.roles", role,
					"Each key is a role name, which must not be empty or contain whitespace or braces, for example orders.");
		}
		String prefix = rolePrefix(role);
		Duration leaseDuration = orElse(overrides.getLeaseDuration(), this.leaseDuration);
		Duration renewInterval = orElse(overrides.getRenewInterval(), this.renewInterval);
		// Only the lease check can fail on inherited values alone: the global ones have passed the others.
		String inherited = (overrides.getLeaseDuration() != null) ? ""
				: " Role '%s' takes its lease-duration from leader.election.lease-duration: set %slease-duration."
					.formatted(role, prefix);
		validateTimings(durations, prefix, leaseDuration, renewInterval,
				orElse(overrides.getRetryInterval(), this.retryInterval),
				orElse(overrides.getElectionJitter(), this.electionJitter),
				orElse(overrides.getDrainTimeout(), this.drainTimeout), inherited);
		this.redis.validate(durations, leaseDuration, renewInterval, " of role '%s'".formatted(role));
	}

	private static void validateTimings(Durations durations, String prefix, Duration leaseDuration,
			Duration renewInterval, Duration retryInterval, Duration electionJitter, Duration drainTimeout,
			String inherited) {
		durations.positive(prefix + "lease-duration", leaseDuration, "10s");
		durations.positive(prefix + "renew-interval", renewInterval, "3s");
		durations.positive(prefix + "retry-interval", retryInterval, "1s");
		if (electionJitter == null || electionJitter.isNegative()) {
			throw durations.invalid(prefix + "election-jitter", electionJitter,
					"Must not be negative, for example 200ms, or 0 for no jitter.");
		}
		if (drainTimeout == null || drainTimeout.isNegative()) {
			throw durations.invalid(prefix + "drain-timeout", drainTimeout,
					"Must not be negative, for example 30s, or 0 to release the lease without waiting for running work.");
		}
		Duration minimum = renewInterval.plus(retryInterval.multipliedBy(2));
		if (leaseDuration.compareTo(minimum) <= 0) {
			throw durations.invalid(prefix + "lease-duration", leaseDuration,
					("Must exceed renew-interval plus two retry-intervals (%s here), so that a leader can retry a failed renewal, for example %s."
							+ inherited)
						.formatted(print(minimum), print(minimum.multipliedBy(2))));
		}
	}

	/**
	 * Effective settings of a role: those of {@code leader.election.roles.<role>}, each unset one taken from
	 * {@code leader.election.*}. Call {@link #validate()} first.
	 * @param role the role
	 * @return the role's settings
	 */
	LeaseSettings settingsFor(String role) {
		RoleProperties overrides = this.roles.get(role);
		return settings((overrides != null) ? overrides : new RoleProperties());
	}

	private LeaseSettings settings(RoleProperties overrides) {
		return new LeaseSettings(orElse(overrides.getLeaseDuration(), this.leaseDuration),
				orElse(overrides.getRenewInterval(), this.renewInterval),
				orElse(overrides.getRetryInterval(), this.retryInterval),
				orElse(overrides.getElectionJitter(), this.electionJitter), this.releaseOnShutdown,
				orElse(overrides.getDrainTimeout(), this.drainTimeout));
	}

	/**
	 * Longest time an elector of any role takes to stop: the registry, which stops them all at once, waits as long.
	 */
	Duration stopTimeout() {
		Duration longest = settings(new RoleProperties()).stopTimeout();
		for (RoleProperties overrides : this.roles.values()) {
			Duration timeout = settings(overrides).stopTimeout();
			if (timeout.compareTo(longest) > 0) {
				longest = timeout;
			}
		}
		return longest;
	}

	/**
	 * Checks that every property under {@code leader.election.roles} configures the role it names. Boot's binder
	 * drops without a word what does not: a role name with dots outside brackets, which it splits, or a misspelt
	 * setting; and outside brackets it removes from a role name every character but letters, digits, dashes (and
	 * underscores), so that {@code roles.tenant/42} would configure {@code tenant42}.
	 * @param environment the environment the properties were bound from
	 * @throws InvalidConfigurationPropertyValueException naming the first property that configures no role
	 */
	void validateRoleProperties(Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if (name.startsWith(ROLES_PREFIX) && !isPlainKey(name)) {
						throw new InvalidConfigurationPropertyValueException(name, source.getProperty(name),
								"Names a role with characters that Boot drops from a key outside brackets: put the role name in brackets, as in leader.election.roles[tenant/42].lease-duration.");
					}
				}
			}
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(ROLES::isAncestorOf).stream().forEach((name) -> {
					String role = name.getElement(ROLES.getNumberOfElements(), Form.ORIGINAL);
					if (!this.roles.containsKey(role)) {
						ConfigurationProperty property = iterable.getConfigurationProperty(name);
						throw new InvalidConfigurationPropertyValueException(name.toString(),
								(property != null) ? property.getValue() : null,
								"Configures no role: a role takes lease-duration, renew-interval, retry-interval, election-jitter and drain-timeout, and a role name with dots goes in brackets, as in leader.election.roles[batch.nightly].lease-duration.");
					}
				});
			}
		}
	}

	// Whether the role name in leader.election.roles.<role>.… keeps all its characters when Boot binds it.
	private static boolean isPlainKey(String name) {
		int end = name.indexOf('.', ROLES_PREFIX.length());
		String key = name.substring(ROLES_PREFIX.length(), (end >= 0) ? end : name.length());
		return key.chars()
			.allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_');
	}

	// The name under which Boot binds a role's settings: only brackets keep the dots of a role name.
	static String rolePrefix(String role) {
		return (role.indexOf('.') >= 0 || role.indexOf('[') >= 0 || role.indexOf(']') >= 0)
				? "leader.election.roles[" + role + "]." : "leader.election.roles." + role + ".";
	}

	// The mode as binding will read it, for conditions that run before the properties bean exists.
	static Mode mode(Environment environment) {
		return Binder.get(environment).bind("leader.election.mode", Mode.class).orElse(Mode.AUTO);
	}

	// As Boot reads durations: 5s rather than 5000ms or PT5S, 1500ms, 250us.
	static String print(Duration duration) {
		if (duration.toNanos() % 1_000_000 != 0) {
			return DurationStyle.SIMPLE.print(duration,
					(duration.toNanos() % 1000 == 0) ? ChronoUnit.MICROS : ChronoUnit.NANOS);
		}
		return DurationStyle.SIMPLE.print(duration,
				(duration.toMillis() % 1000 == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS);
	}

	private static Duration orElse(@Nullable Duration value, Duration fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * Makes the errors of duration properties: the value as the user wrote it (or, for a value taken from another
	 * property, as Boot would read it), and a word on the unit when the user wrote none.
	 */
	private static final class Durations {

		private final @Nullable Environment environment;

		Durations(@Nullable Environment environment) {
			this.environment = environment;
		}

		void positive(String property, @Nullable Duration value, String example) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw invalid(property, value, "Must be positive, for example %s.".formatted(example));
			}
		}

		InvalidConfigurationPropertyValueException invalid(String property, @Nullable Duration value,
				String reason) {
			String written = (this.environment != null) ? this.environment.getProperty(property) : null;
			if (written == null || written.isBlank()) {
				return new InvalidConfigurationPropertyValueException(property, (value != null) ? print(value) : null,
						reason);
			}
			String trimmed = written.trim();
			if (value != null && !value.isZero() && trimmed.matches("[-+]?\\d+")) {
				reason += " A value without a unit is read as milliseconds: %s is %s.".formatted(trimmed,
						print(value));
			}
			return new InvalidConfigurationPropertyValueException(property, trimmed, reason);
		}

	}

	static void name(String property, @Nullable String value, String example) {
		if (!isValidName(value)) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"Must not be empty or contain whitespace or braces, for example %s.".formatted(example));
		}
	}

	static boolean isValidName(@Nullable String value) {
		return value != null && !value.isBlank()
				&& value.chars().noneMatch((c) -> Character.isWhitespace(c) || c == '{' || c == '}');
	}

	/**
	 * Where leases live.
	 */
	public enum Mode {

		/**
		 * Redis when the application has a RedisConnectionFactory (also when it has a DataSource too), else JDBC when
		 * it has a DataSource and Spring JDBC, else standalone.
		 */
		AUTO,

		/**
		 * Redis; the start fails when the application has no RedisConnectionFactory.
		 */
		REDIS,

		/**
		 * A table of the application's DataSource, through Spring JDBC; the start fails when it has no DataSource.
		 */
		JDBC,

		/**
		 * No store: this instance always leads, for a single instance or local development.
		 */
		STANDALONE

	}

	private final Redis redis = new Redis();

	public Redis getRedis() {
		return this.redis;
	}

	private final Jdbc jdbc = new Jdbc();

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * Properties of the Redis lease store.
	 */
	public static class Redis {

		/**
		 * Whether the first claim of a role on a Redis that started less than a lease ago, was flushed since it
		 * started, or is a replica promoted since it started, waits until a lease lost with the old data has expired;
		 * switch it off only where no earlier leader can exist, such as tests.
		 */
		private boolean quarantineNewServer = true;

		/**
		 * Number of replicas that must acknowledge a grant or renewal (WAIT) before it counts; 0 not to wait.
		 */
		private int replicas = 0;

		/**
		 * Time a grant or renewal waits for the replicas to acknowledge it.
		 */
		private Duration replicaTimeout = Duration.ofMillis(500);

		/**
		 * Whether the start fails when Redis cannot be reached, rather than starting with every instance following
		 * until it can.
		 */
		private boolean failFast = false;

		public boolean isQuarantineNewServer() {
			return this.quarantineNewServer;
		}

		public void setQuarantineNewServer(boolean quarantineNewServer) {
			this.quarantineNewServer = quarantineNewServer;
		}

		public int getReplicas() {
			return this.replicas;
		}

		public void setReplicas(int replicas) {
			this.replicas = replicas;
		}

		public Duration getReplicaTimeout() {
			return this.replicaTimeout;
		}

		public void setReplicaTimeout(Duration replicaTimeout) {
			this.replicaTimeout = replicaTimeout;
		}

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		void validate(Durations durations, Duration leaseDuration, Duration renewInterval, String ofRole) {
			if (this.replicas < 0) {
				throw new InvalidConfigurationPropertyValueException("leader.election.redis.replicas", this.replicas,
						"Must not be negative: the number of replicas that must acknowledge each grant and renewal, for example 1, or 0 not to wait.");
			}
			durations.positive("leader.election.redis.replica-timeout", this.replicaTimeout, "500ms");
			Duration maximum = leaseDuration.minus(renewInterval);
			if (this.replicas > 0 && this.replicaTimeout.compareTo(maximum) >= 0) {
				throw durations.invalid("leader.election.redis.replica-timeout", this.replicaTimeout,
						"Must be below lease-duration minus renew-interval%s (%s here), so that a renewal that waits for the replicas still ends before the lease, for example 500ms."
							.formatted(ofRole, print(maximum)));
			}
		}

	}

	/**
	 * Properties of the JDBC lease store.
	 */
	public static class Jdbc {

		/**
		 * When to create the lease table at start with the schema script of the database: embedded (only on an
		 * embedded database, such as H2 in memory), always, or never.
		 */
		private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

		// JdbcLeaseStore.DEFAULT_TABLE_NAME, as a literal that the metadata can show as the default.
		/**
		 * Name of the lease table, optionally qualified by a schema; on MariaDB and MySQL a second table named
		 * <table-name>_boot goes with it.
		 */
		private String tableName = "leader_election_lease";

		/**
		 * Time after which a statement of the lease store times out, below every lease; JDBC counts it in whole
		 * seconds, rounded up.
		 */
		private Duration statementTimeout = Duration.ofSeconds(2);

		/**
		 * Whether a claim that finds no row for its role waits one lease, since a row deleted or lost while a
		 * leader held it looks the same as a new role's: a role's first election on a table waits once. Not applied
		 * to an embedded in-memory database, which no other process can reach; switch it off only where no earlier
		 * leader can exist, such as tests.
		 */
		private boolean quarantineMissingRow = true;

		public DatabaseInitializationMode getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public String getTableName() {
			return this.tableName;
		}

		public void setTableName(String tableName) {
			this.tableName = tableName;
		}

		public Duration getStatementTimeout() {
			return this.statementTimeout;
		}

		public void setStatementTimeout(Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
		}

		public boolean isQuarantineMissingRow() {
			return this.quarantineMissingRow;
		}

		public void setQuarantineMissingRow(boolean quarantineMissingRow) {
			this.quarantineMissingRow = quarantineMissingRow;
		}

		void validateTableName() {
			try {
				JdbcLeaseStore.Options.DEFAULTS.withTableName(this.tableName);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("leader.election.jdbc.table-name", this.tableName,
						"Must be a table name of letters, digits and underscores, optionally qualified by a schema, for example leader_election_lease or election.leases.");
			}
		}

		void validate(Durations durations, String leaseProperty, Duration leaseDuration) {
			durations.positive("leader.election.jdbc.statement-timeout", this.statementTimeout, "2s");
			// JdbcLeaseStore hands JDBC whole seconds, rounded up: that is the timeout the lease must outlast.
			Duration effective = Duration.ofSeconds(Math.max(1, (this.statementTimeout.toMillis() + 999) / 1000));
			if (effective.compareTo(leaseDuration) < 0) {
				return;
			}
			String rounded = effective.equals(this.statementTimeout) ? ""
					: " JDBC counts it in whole seconds, rounded up: %s is %s.".formatted(print(this.statementTimeout),
							print(effective));
			if (leaseDuration.compareTo(Duration.ofSeconds(1)) <= 0) {
				throw durations.invalid("leader.election.jdbc.statement-timeout", this.statementTimeout,
						("Must be below %s (%s here), which no statement timeout can be: JDBC counts it in whole seconds, "
								+ "at least 1s. Set %s above 1s for the JDBC store, for example 2s with a 1s statement-timeout.")
							.formatted(leaseProperty, print(leaseDuration), leaseProperty));
			}
			Duration example = Duration.ofSeconds(Math.min(2, (leaseDuration.toMillis() + 999) / 1000 - 1));
			throw durations.invalid("leader.election.jdbc.statement-timeout", this.statementTimeout,
					("Must be below %s (%s here), so that a statement that gets no reply fails while the lease still "
							+ "runs, for example %s.%s")
						.formatted(leaseProperty, print(leaseDuration), print(example), rounded));
		}

	}

	/**
	 * Settings of one role, each overriding the global one of the same name when set.
	 */
	public static class RoleProperties {

		/**
		 * Time after which an unrenewed lease of this role expires. Defaults to leader.election.lease-duration.
		 */
		private @Nullable Duration leaseDuration;

		/**
		 * Time between two renewals of this role's lease while leading. Defaults to leader.election.renew-interval.
		 */
		private @Nullable Duration renewInterval;

		/**
		 * Time between two attempts of this role after a failed Redis call. Defaults to
		 * leader.election.retry-interval.
		 */
		private @Nullable Duration retryInterval;

		/**
		 * Upper bound of the random delay before this role's first attempt and before claiming its expired lease.
		 * Defaults to leader.election.election-jitter.
		 */
		private @Nullable Duration electionJitter;

		/**
		 * Time a graceful handover of this role keeps the lease for work still running. Defaults to
		 * leader.election.drain-timeout.
		 */
		private @Nullable Duration drainTimeout;

		public @Nullable Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(@Nullable Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public @Nullable Duration getRenewInterval() {
			return this.renewInterval;
		}

		public void setRenewInterval(@Nullable Duration renewInterval) {
			this.renewInterval = renewInterval;
		}

		public @Nullable Duration getRetryInterval() {
			return this.retryInterval;
		}

		public void setRetryInterval(@Nullable Duration retryInterval) {
			this.retryInterval = retryInterval;
		}

		public @Nullable Duration getElectionJitter() {
			return this.electionJitter;
		}

		public void setElectionJitter(@Nullable Duration electionJitter) {
			this.electionJitter = electionJitter;
		}

		public @Nullable Duration getDrainTimeout() {
			return this.drainTimeout;
		}

		public void setDrainTimeout(@Nullable Duration drainTimeout) {
			this.drainTimeout = drainTimeout;
		}

	}

}
