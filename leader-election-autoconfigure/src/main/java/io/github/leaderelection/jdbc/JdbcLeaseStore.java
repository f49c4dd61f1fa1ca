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

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.store.Acquisition;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.LeaseStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogAccessor;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;
import org.springframework.util.Assert;

/**
 * A {@link LeaseStore} in a table of a relational database, through Spring JDBC: PostgreSQL, MariaDB, MySQL (not
 * tested here) and H2 (for tests and a single process). One row per role holds the holder, its expiry, the fencing
 * token, the server stamp and the leader info; {@code schema-<platform>.sql} in this package creates the table.
 * <p>
 * Only the database's clock decides expiry: every statement reads it where it runs ({@code clock_timestamp()} on
 * PostgreSQL, {@code SYSDATE(6)} on MariaDB), so neither the application's clock nor a transaction's snapshot ever
 * enters a decision. Every statement is a transaction of its own (auto-commit), never SERIALIZABLE and with no
 * advisory lock: a claim reads the row, then writes it only if its version is unchanged (compare and set), so no lock
 * is held between round trips; a renewal is one conditional update, a bulk renewal one batch of them in the order of
 * the roles, so that nothing can deadlock. The store takes connections of its own from the {@link DataSource} and
 * never joins a caller's transaction. Each statement times out after {@link Options#statementTimeout()}, and a read
 * on its connection a second later, should the network go silent.
 * <p>
 * Fencing tokens increase strictly per role and are assigned by the statement that grants. A release announces
 * itself: on PostgreSQL with {@code NOTIFY}, which a listening follower hears within milliseconds (the listener holds
 * one connection of the pool); elsewhere the followers take over at their next claim, when the lease would have
 * ended.
 * <p>
 * A restored backup or a failover to a lagging replica can roll the table back. As the Redis store does, a claim is
 * quarantined for one full lease after any sign of that: the row was written by another server, or by this one
 * before it last started (the PostgreSQL postmaster's start time, MariaDB's server id and a marker in a MEMORY table
 * that every start empties); the row is missing though this instance saw it; its token is below one this instance
 * has seen; or, with {@link Options#quarantineMissingRow()}, the table has no row for the role: a row deleted or
 * lost while a leader held it looks the same to an instance that never saw it, so a role's first claim on a table
 * waits one lease. Tokens then go on above the row's, the database's clock in microseconds and every token this
 * instance has seen.
 *
 * @since 0.2.0
 */
public final class JdbcLeaseStore implements LeaseStore, SmartLifecycle {

	/**
	 * The lifecycle phase of the store: below the electors', so that it starts before them and stops after them.
	 */
	public static final int PHASE = io.github.leaderelection.LeaderElectors.PHASE - 4096;

	/**
	 * The default name of the lease table.
	 */
	public static final String DEFAULT_TABLE_NAME = "leader_election_lease";

	private static final LogAccessor logger = new LogAccessor(JdbcLeaseStore.class);

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	// A claim whose compare and set lost this many races in a row gives up: the engine retries it.
	private static final int MAX_ATTEMPTS = 5;

	private static final String MISSING_ROW = "missing-row";

	// How much longer than a statement may take a read on its connection may wait: a timed-out statement is
	// cancelled by the server, while a silent network answers nothing at all.
	private static final Duration NETWORK_TIMEOUT_MARGIN = Duration.ofSeconds(1);

	// The column sizes of the schema scripts.
	private static final int MAX_ROLE_LENGTH = 200;

	private static final int MAX_HOLDER_LENGTH = 300;

	private final DataSource dataSource;

	private final Options options;

	private final String table;

	private final DataSource own;

	// Replaced once the database is known, by one set up for it.
	private volatile JdbcTemplate jdbc;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	// The lease duration of each role's last claim or renewal here, in milliseconds, for a release that quarantines.
	private final Map<String, Long> leases = new ConcurrentHashMap<>();

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	private final JdbcReleaseNotifications notifications;

	private volatile @Nullable Database database;

	private volatile boolean running;

	/**
	 * Creates a store on the given data source with {@link Options#DEFAULTS}.
	 * @param dataSource the data source
	 */
	public JdbcLeaseStore(DataSource dataSource) {
		this(dataSource, Options.DEFAULTS);
	}

	/**
	 * Creates a store on the given data source.
	 * @param dataSource the data source
	 * @param options the table name and timings
	 */
	public JdbcLeaseStore(DataSource dataSource, Options options) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		Assert.notNull(options, "'options' must not be null");
		this.dataSource = dataSource;
		this.options = options;
		this.table = options.tableName();
		// A wrapper, so that Spring's transaction synchronization never hands the store a caller's connection.
		this.own = new NetworkTimeoutDataSource(dataSource, options.statementTimeout().plus(NETWORK_TIMEOUT_MARGIN));
		this.jdbc = template(null, null);
		this.notifications = new JdbcReleaseNotifications(dataSource, channel(this.table),
				options.listenRetryInterval());
	}

	/**
	 * Options this store was created with.
	 */
	public Options options() {
		return this.options;
	}

	/**
	 * The channel of release notifications for a table, as PostgreSQL's {@code NOTIFY} names it.
	 */
	static String channel(String table) {
		return (table.replace('.', '_') + "_released").toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * Checks that the lease table exists. A database that cannot be reached passes: the store then follows until it
	 * can, as with Redis.
	 * @throws MissingLeaseTableException when the database answers and has no lease table
	 */
	public void checkTable() {
		Database database;
		try {
			database = database();
		}
		catch (DataAccessException ex) {
			// Told once per outage already: the electors follow until the database answers.
			return;
		}
		List<String> tables = new ArrayList<>(List.of(this.table));
		if (database.dialect().usesBootMarker()) {
			tables.add(this.table + "_boot");
		}
		for (String table : tables) {
			try {
				this.jdbc.queryForList("SELECT 1 FROM " + table + " WHERE 1 = 0");
			}
			catch (BadSqlGrammarException ex) {
				throw new MissingLeaseTableException(table, database.description(),
						schemaLocation(database.dialect()), ex);
			}
			catch (DataAccessException ex) {
				return;
			}
		}
	}

	/**
	 * The class path location of the schema script for a database, named as a JDBC driver reports it.
	 * @param productName the database product name, as in {@link DatabaseMetaData#getDatabaseProductName()}
	 * @return the location, such as {@code classpath:io/github/leaderelection/jdbc/schema-postgresql.sql}
	 * @throws IllegalArgumentException when the database is not supported
	 */
	public static String schemaLocation(String productName) {
		JdbcDialect dialect = JdbcDialect.of(productName);
		Assert.isTrue(dialect != null, () -> unsupported(productName));
		return schemaLocation(dialect);
	}

	private static String schemaLocation(JdbcDialect dialect) {
		return "classpath:io/github/leaderelection/jdbc/schema-" + dialect.platform() + ".sql";
	}

	private static String unsupported(String productName) {
		return "The JDBC lease store supports PostgreSQL, MariaDB, MySQL and H2, not " + productName
				+ ": elect through Redis (leader.election.mode=redis), or declare a LeaseStore bean of your own";
	}

	@Override
	public Acquisition acquire(LeaseClaim claim) {
		String role = claim.role();
		String holder = encode(claim.holder());
		Assert.isTrue(role.length() <= MAX_ROLE_LENGTH, () -> "Role '%s' is longer than the %d characters of the "
			.formatted(role, MAX_ROLE_LENGTH) + "role column of " + this.table + ": choose a shorter role name");
		Assert.isTrue(holder.length() <= MAX_HOLDER_LENGTH,
				() -> "Instance id '%s' is longer than the %d characters that the holder column of %s leaves for it: "
					.formatted(claim.instanceId(), MAX_HOLDER_LENGTH - claim.holder().nonce().length() - 1,
							this.table)
						+ "set a shorter leader.election.instance-id");
		long lease = claim.leaseDuration().toMillis();
		this.leases.put(role, lease);
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			Read read = read(role);
			Seen seen = this.seen.getOrDefault(role, Seen.NONE);
			Row row = read.row();
			String reason = loss(read, this.seen.containsKey(role), seen.token());
			if (reason != null) {
				if (quarantine(role, read, reason, lease, seen.token())) {
					return Acquisition.quarantined(Duration.ofMillis(lease), quarantineReason(reason, role));
				}
				continue;
			}
			if (row == null) {
				long token = Math.max(read.nowMicros(), seen.token()) + 1;
				if (insertGrant(role, holder, claim, token, read.stamp())) {
					remember(role, read.stamp(), token);
					return Acquisition.granted(token);
				}
				continue;
			}
			remember(role, read.stamp(), row.token());
			if (row.quarantineUntil() != null && row.quarantineUntil() > read.nowMillis()) {
				return Acquisition.quarantined(Duration.ofMillis(row.quarantineUntil() - read.nowMillis()),
						quarantineReason(String.valueOf(row.quarantineReason()), role));
			}
			String current = row.holder();
			if (current != null && row.expiresAt() != null && row.expiresAt() > read.nowMillis()
					&& !current.equals(holder)) {
				Duration remaining = Duration.ofMillis(row.expiresAt() - read.nowMillis());
				String instanceId = instanceId(current);
				return instanceId.equals(claim.instanceId()) ? Acquisition.duplicate(remaining)
						: Acquisition.held(remaining, instanceId);
			}
			long token = row.token() + 1;
			if (updateGrant(role, holder, claim, token, read.stamp(), row.version())) {
				remember(role, read.stamp(), token);
				return Acquisition.granted(token);
			}
		}
		throw new ConcurrencyFailureException("The row of '%s' in %s changed %d times while claiming it"
			.formatted(role, this.table, MAX_ATTEMPTS));
	}

	/**
	 * Extends the lease with one statement that checks the holder, the expiry, the server stamp and the token; only
	 * when it changes nothing does a second read tell whether the data may have been lost, and quarantine.
	 */
	@Override
	public boolean renew(String role, LeaseHolder holder, Duration leaseDuration) {
		return renewAll(List.of(new LeaseRenewal(role, holder, leaseDuration))).get(0);
	}

	/**
	 * Renews each lease as {@link #renew} would, with one batch of statements in one round trip, in the order of the
	 * roles so that two batches never wait for each other's rows in opposite orders.
	 */
	@Override
	public List<Boolean> renewAll(List<LeaseRenewal> renewals) {
		Assert.notNull(renewals, "'renewals' must not be null");
		Assert.noNullElements(renewals, "'renewals' must not contain null elements");
		if (renewals.isEmpty()) {
			return List.of();
		}
		Database database = database();
		List<Integer> order = new ArrayList<>(renewals.size());
		for (int i = 0; i < renewals.size(); i++) {
			order.add(i);
			this.leases.put(renewals.get(i).role(), renewals.get(i).leaseDuration().toMillis());
		}
		order.sort(Comparator.comparing((Integer i) -> renewals.get(i).role()));
		String now = database.dialect().nowMillis();
		String sql = ("UPDATE %s SET expires_at = %s + ?, last_renewed_at = %s, version = version + 1 WHERE role = ? "
				+ "AND holder = ? AND expires_at > %s AND server = %s AND fencing_token >= ?")
			.formatted(this.table, now, now, now, database.dialect().stamp(this.table));
		List<Object[]> arguments = new ArrayList<>(renewals.size());
		for (int i : order) {
			LeaseRenewal renewal = renewals.get(i);
			arguments.add(new Object[] { renewal.leaseDuration().toMillis(), renewal.role(),
					encode(renewal.holder()), this.seen.getOrDefault(renewal.role(), Seen.NONE).token() });
		}
		// One statement, or one batch in one round trip: each statement is a transaction of its own.
		int[] counts = call(() -> (arguments.size() == 1) ? new int[] { this.jdbc.update(sql, arguments.get(0)) }
				: this.jdbc.batchUpdate(sql, arguments));
		Assert.state(counts != null && counts.length == renewals.size(),
				() -> "Unexpected update counts for %d renewals".formatted(renewals.size()));
		List<Boolean> renewed = new ArrayList<>(Collections.nCopies(renewals.size(), Boolean.FALSE));
		for (int j = 0; j < order.size(); j++) {
			int i = order.get(j);
			if (counts[j] == 1) {
				renewed.set(i, Boolean.TRUE);
			}
			else {
				refused(renewals.get(i));
			}
		}
		return renewed;
	}

	// A renewal that changed nothing: quarantine when it was for a sign of loss.
	private void refused(LeaseRenewal renewal) {
		String role = renewal.role();
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			Read read = read(role);
			long seenToken = this.seen.getOrDefault(role, Seen.NONE).token();
			// The caller held the lease: it saw the row.
			String reason = loss(read, true, seenToken);
			if (reason == null) {
				return;
			}
			if (quarantine(role, read, reason, renewal.leaseDuration().toMillis(), seenToken)) {
				logger.warn(() -> "Refused to renew the lease of '%s': %s".formatted(role,
						quarantineReason(reason, role)));
				return;
			}
		}
	}

	@Override
	public boolean release(String role, LeaseHolder holder) {
		String encoded = encode(holder);
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			Read read = read(role);
			Row row = read.row();
			Seen seen = this.seen.getOrDefault(role, Seen.NONE);
			if (row == null || !encoded.equals(row.holder())) {
				if (row == null && this.seen.containsKey(role)) {
					// Gone though this instance held it: no follower may trust the table for a lease.
					quarantine(role, read, "data-gone", this.leases.getOrDefault(role, 0L), seen.token());
				}
				return false;
			}
			String reason = loss(read, true, seen.token());
			if (reason != null) {
				long lease = this.leases.getOrDefault(role, 0L);
				if (quarantine(role, read, reason, lease, seen.token())) {
					logger.warn(() -> "Released the lease of '%s' into a quarantine: %s".formatted(role,
							quarantineReason(reason, role)));
					notifyReleased(role);
					return true;
				}
				continue;
			}
			if (clear(role, row.version())) {
				return true;
			}
		}
		return false;
	}

	// Frees the lease if the row is unchanged, in one statement; on PostgreSQL the same statement notifies, and the
	// notification goes out as it commits, so never before the lease is free.
	private boolean clear(String role, long version) {
		String update = ("UPDATE %s SET holder = NULL, expires_at = NULL, instance_id = NULL, hostname = NULL, "
				+ "started_at = NULL, acquired_at = NULL, last_renewed_at = NULL, version = version + 1 "
				+ "WHERE role = ? AND version = ?").formatted(this.table);
		if (database().dialect() == JdbcDialect.POSTGRESQL) {
			List<Object> notified = call(() -> this.jdbc.queryForList(
					"WITH released AS (%s RETURNING role) SELECT pg_notify(?, role) FROM released".formatted(update),
					Object.class, role, version, channel(this.table)));
			return notified != null && notified.size() == 1;
		}
		Integer count = call(() -> this.jdbc.update(update, role, version));
		return count != null && count == 1;
	}

	private void notifyReleased(String role) {
		if (database().dialect() == JdbcDialect.POSTGRESQL) {
			call(() -> this.jdbc.queryForList("SELECT pg_notify(?, ?)", channel(this.table), role));
		}
	}

	@Override
	public Optional<LeaderInfo> currentLeader(String role) {
		Assert.hasText(role, "'role' must not be empty");
		Read read = read(role);
		Row row = read.row();
		if (row == null || row.holder() == null || row.expiresAt() == null || row.expiresAt() <= read.nowMillis()) {
			return Optional.empty();
		}
		return Optional.of(new LeaderInfo(role, instanceId(row.holder()), String.valueOf(row.hostname()),
				instant(row.startedAt()), instant(row.acquiredAt()), instant(row.lastRenewedAt()), row.token()));
	}

	/**
	 * Calls {@code listener} when a lease of {@code role} is released: on PostgreSQL through {@code LISTEN}, on
	 * the thread {@code leader-election-jdbc-listener}; on other databases never, and followers take over at their
	 * next claim.
	 */
	@Override
	public Subscription onRelease(String role, Runnable listener) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.notNull(listener, "'listener' must not be null");
		return this.notifications.add(role, listener);
	}

	@Override
	public void start() {
		this.running = true;
		this.notifications.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.notifications.stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops after the electors ({@link io.github.leaderelection.LeaderElectors#PHASE}), so that their releases
	 * still reach the database and are announced.
	 */
	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public String toString() {
		Database database = this.database;
		return (database != null) ? database.description() : "JDBC lease store on table " + this.table;
	}

	// Why the role's data may have been lost or rolled back since the caller last saw it, or null: the row is gone
	// though the caller saw it, or missing (when a missing row quarantines), was written by another server or before
	// this one's start, or its token went back.
	private @Nullable String loss(Read read, boolean sawRow, long seenToken) {
		Row row = read.row();
		if (row == null) {
			if (sawRow) {
				return "data-gone";
			}
			return this.options.quarantineMissingRow() ? MISSING_ROW : null;
		}
		if (!row.server().equals(read.stamp())) {
			return "moved";
		}
		if (row.token() < seenToken) {
			return "rolled-back";
		}
		return null;
	}

	private Read read(String role) {
		Assert.hasText(role, "'role' must not be empty");
		Database database = database();
		Read read = call(() -> this.jdbc.queryForObject(database.readSql(), (rs, rowNum) -> read(rs), role));
		Assert.state(read != null, "No reply to the lease read");
		if (database.dialect().usesBootMarker() && read.stamp().endsWith(" ")) {
			// The first statement since the server started: leave the marker of this start.
			call(() -> this.jdbc.update("INSERT IGNORE INTO %s_boot (id, marker) VALUES (1, ?)".formatted(this.table),
					UUID.randomUUID().toString()));
			return read(role);
		}
		return read;
	}

	private static Read read(ResultSet rs) throws SQLException {
		long token = rs.getLong("fencing_token");
		Row row = rs.wasNull() ? null
				: new Row(rs.getString("holder"), longOrNull(rs, "expires_at"), token, rs.getLong("version"),
						rs.getString("server"), longOrNull(rs, "quarantine_until"), rs.getString("quarantine_reason"),
						rs.getString("hostname"), longOrNull(rs, "started_at"), longOrNull(rs, "acquired_at"),
						longOrNull(rs, "last_renewed_at"));
		return new Read(row, rs.getLong("now_ms"), rs.getLong("now_us"), String.valueOf(rs.getString("stamp")));
	}

	private static @Nullable Long longOrNull(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private boolean insertGrant(String role, String holder, LeaseClaim claim, long token, String stamp) {
		String now = database().dialect().nowMillis();
		String sql = ("INSERT INTO %s (role, holder, expires_at, fencing_token, version, server, instance_id, hostname, "
				+ "started_at, acquired_at, last_renewed_at) VALUES (?, ?, %s + ?, ?, 1, ?, ?, ?, ?, %s, %s)")
			.formatted(this.table, now, now, now);
		return insert(sql, role, holder, claim.leaseDuration().toMillis(), token, stamp, claim.instanceId(),
				claim.hostname(), claim.startedAt().toEpochMilli());
	}

	private boolean updateGrant(String role, String holder, LeaseClaim claim, long token, String stamp,
			long version) {
		String now = database().dialect().nowMillis();
		String sql = ("UPDATE %s SET holder = ?, expires_at = %s + ?, fencing_token = ?, version = version + 1, "
				+ "server = ?, quarantine_until = NULL, quarantine_reason = NULL, instance_id = ?, hostname = ?, "
				+ "started_at = ?, acquired_at = %s, last_renewed_at = %s WHERE role = ? AND version = ?")
			.formatted(this.table, now, now, now);
		Integer count = call(() -> this.jdbc.update(sql, holder, claim.leaseDuration().toMillis(), token, stamp,
				claim.instanceId(), claim.hostname(), claim.startedAt().toEpochMilli(), role, version));
		return count != null && count == 1;
	}

	// After a sign of loss: nobody holds the lease, nobody is granted for a lease, and tokens go on above.
	private boolean quarantine(String role, Read read, String reason, long lease, long seenToken) {
		Row row = read.row();
		long token = Math.max(Math.max((row != null) ? row.token() : 0, read.nowMicros()), seenToken);
		if (row == null) {
			return insertQuarantine(role, read, reason, lease, token);
		}
		String now = database().dialect().nowMillis();
		String sql = ("UPDATE %s SET holder = NULL, expires_at = NULL, fencing_token = ?, version = version + 1, "
				+ "server = ?, quarantine_until = %s + ?, quarantine_reason = ?, instance_id = NULL, "
				+ "hostname = NULL, started_at = NULL, acquired_at = NULL, last_renewed_at = NULL "
				+ "WHERE role = ? AND version = ?")
			.formatted(this.table, now);
		Integer count = call(() -> this.jdbc.update(sql, token, read.stamp(), lease, reason, role, row.version()));
		boolean written = count != null && count == 1;
		if (written) {
			remember(role, read.stamp(), token);
		}
		return written;
	}

	private boolean insertQuarantine(String role, Read read, String reason, long wait, long token) {
		String sql = ("INSERT INTO %s (role, fencing_token, version, server, quarantine_until, quarantine_reason) "
				+ "VALUES (?, ?, 1, ?, %s + ?, ?)")
			.formatted(this.table, database().dialect().nowMillis());
		boolean written = insert(sql, role, token, read.stamp(), wait, reason);
		if (written) {
			remember(role, read.stamp(), token);
		}
		return written;
	}

	// Whether the row was inserted; false when another instance inserted it first.
	private boolean insert(String sql, Object... arguments) {
		try {
			Integer count = call(() -> this.jdbc.update(sql, arguments));
			return count != null && count == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	private void remember(String role, String stamp, long token) {
		this.seen.merge(role, new Seen(stamp, token), Seen::merge);
	}

	private String quarantineReason(String code, String role) {
		String target = toString();
		return switch (code) {
			case MISSING_ROW -> ("'%s' has no row in %s: a new role, or a row deleted or lost while a leader held it, "
					+ "which look the same; no leader for one lease, once per role and table (set "
					+ "leader.election.jdbc.quarantine-missing-row=false where no earlier leader can exist, such as "
					+ "tests)")
				.formatted(role, target);
			case "moved" -> "%s restarted, was restored or failed over since the last write of '%s' (its stamp changed)"
				.formatted(target, role);
			case "data-gone" -> "the row of '%s' in %s is gone (deleted, or the table restored without it)"
				.formatted(role, target);
			case "rolled-back" -> ("the fencing token of '%s' in %s is below a token granted before (the table was "
					+ "rolled back, for example by a restored backup)")
				.formatted(role, target);
			default -> "%s may have lost the data of '%s' (%s)".formatted(target, role, code);
		};
	}

	private Database database() {
		Database database = this.database;
		if (database == null) {
			database = call(() -> this.jdbc.execute((ConnectionCallback<Database>) this::describe));
			Assert.state(database != null, "No database metadata");
			this.database = database;
		}
		return database;
	}

	// Statements time out through the driver, except on PostgreSQL: its driver cancels a statement through a
	// connection of its own and waits for the server's answer to that too, ten seconds by default when the network
	// is silent; the network timeout bounds its statements instead. Until the database is known, errors are
	// translated by SQL state: JdbcTemplate's default looks the error codes up through a connection of its own,
	// which waits as long as the failure it reports.
	private JdbcTemplate template(@Nullable JdbcDialect dialect, @Nullable String product) {
		JdbcTemplate template = new JdbcTemplate(this.own);
		if (dialect != JdbcDialect.POSTGRESQL) {
			template.setQueryTimeout((int) Math.max(1, Math.ceil(this.options.statementTimeout().toMillis() / 1000.0)));
		}
		template.setExceptionTranslator((product != null) ? new SQLErrorCodeSQLExceptionTranslator(product)
				: new SQLStateSQLExceptionTranslator());
		return template;
	}

	private Database describe(Connection connection) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		String product = metaData.getDatabaseProductName();
		JdbcDialect dialect = JdbcDialect.of(product);
		if (dialect == null) {
			throw new IllegalStateException(unsupported(product));
		}
		String description = "%s %s at %s".formatted(product, metaData.getDatabaseProductVersion(),
				metaData.getURL());
		this.jdbc = template(dialect, product);
		return new Database(dialect, description, dialect.read(this.table));
	}

	// Runs a database call, and tells once per outage that the database cannot be reached, and when it answers again.
	private <T> @Nullable T call(java.util.function.Supplier<@Nullable T> call) {
		try {
			T result = call.get();
			if (this.reachable.compareAndSet(false, true)) {
				logger.info(() -> "%s answers again".formatted(this));
			}
			return result;
		}
		catch (DataAccessException ex) {
			if (isUnreachable(ex)) {
				unreachable(ex);
			}
			throw ex;
		}
	}

	private void unreachable(RuntimeException ex) {
		if (this.reachable.compareAndSet(true, false)) {
			logger.warn(() -> "Could not reach %s; electors follow until it answers: %s".formatted(this,
					ex.getMessage()));
		}
	}

	private static boolean isUnreachable(DataAccessException ex) {
		return !(ex instanceof DuplicateKeyException) && !(ex instanceof BadSqlGrammarException);
	}

	private static String encode(LeaseHolder holder) {
		return holder.instanceId() + " " + holder.nonce();
	}

	private static String instanceId(String holder) {
		int space = holder.lastIndexOf(' ');
		return (space > 0) ? holder.substring(0, space) : holder;
	}

	private static Instant instant(@Nullable Long epochMillis) {
		return (epochMillis != null) ? Instant.ofEpochMilli(epochMillis) : Instant.EPOCH;
	}

	/**
	 * How the store uses its table.
	 *
	 * @param tableName the lease table, optionally qualified by its schema
	 * @param statementTimeout how long a statement may run, below the shortest lease; JDBC counts it in whole
	 * seconds, rounded up
	 * @param quarantineMissingRow whether a claim that finds no row for the role, and whose instance never saw one,
	 * waits one lease: a row deleted or lost while a leader held it (a careless {@code DELETE}, a restart or restore
	 * that lost it) looks like a new role's, and that leader may still trust its deadline
	 * @param listenRetryInterval how long to wait before listening again after the PostgreSQL listener lost its
	 * connection
	 */
	public record Options(String tableName, Duration statementTimeout, boolean quarantineMissingRow,
			Duration listenRetryInterval) {

		/**
		 * Table {@value #DEFAULT_TABLE_NAME}, statements time out after 2 seconds, a missing row quarantines, the
		 * listener retries every second.
		 */
		public static final Options DEFAULTS = new Options(DEFAULT_TABLE_NAME, Duration.ofSeconds(2), true,
				Duration.ofSeconds(1));

		public Options {
			Assert.isTrue(tableName != null && TABLE_NAME.matcher(tableName).matches(),
					() -> "'tableName' must be a table name, optionally qualified by a schema, such as "
							+ "leader_election_lease or election.leases, not " + tableName);
			Assert.isTrue(statementTimeout != null && statementTimeout.toMillis() > 0,
					"'statementTimeout' must be positive");
			Assert.isTrue(listenRetryInterval != null && listenRetryInterval.toMillis() > 0,
					"'listenRetryInterval' must be positive");
		}

		public Options withTableName(String tableName) {
			return new Options(tableName, this.statementTimeout, this.quarantineMissingRow, this.listenRetryInterval);
		}

		public Options withStatementTimeout(Duration statementTimeout) {
			return new Options(this.tableName, statementTimeout, this.quarantineMissingRow, this.listenRetryInterval);
		}

		public Options withQuarantineMissingRow(boolean quarantineMissingRow) {
			return new Options(this.tableName, this.statementTimeout, quarantineMissingRow, this.listenRetryInterval);
		}

		public Options withListenRetryInterval(Duration listenRetryInterval) {
			return new Options(this.tableName, this.statementTimeout, this.quarantineMissingRow, listenRetryInterval);
		}

	}

	private record Database(JdbcDialect dialect, String description, String readSql) {

	}

	private record Row(@Nullable String holder, @Nullable Long expiresAt, long token, long version, String server,
			@Nullable Long quarantineUntil, @Nullable String quarantineReason, @Nullable String hostname,
			@Nullable Long startedAt, @Nullable Long acquiredAt, @Nullable Long lastRenewedAt) {

	}

	// One read of a role's row, with the database's clock and its server stamp at that statement.
	private record Read(@Nullable Row row, long nowMillis, long nowMicros, String stamp) {

	}

	/**
	 * What this instance saw of a role's row: the server stamp, to notice a loss, and the highest token.
	 */
	private record Seen(String stamp, long token) {

		static final Seen NONE = new Seen("", 0);

		Seen merge(Seen later) {
			return new Seen(later.stamp().isEmpty() ? this.stamp : later.stamp(), Math.max(this.token, later.token()));
		}

	}

}
