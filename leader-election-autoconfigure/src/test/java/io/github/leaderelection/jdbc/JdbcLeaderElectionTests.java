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
import java.util.concurrent.atomic.AtomicReference;

import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import io.github.leaderelection.jdbc.JdbcContenders.Contender;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LeaseLeaderElector}s on {@link JdbcLeaseStore}s against a private database server that each subclass starts
 * for itself, on two-second leases: one leader among five, and the database killed, frozen past the lease and
 * restarted cleanly under a leader. A watcher checks throughout each test that no two contenders lead at once. Each
 * subclass adds the graceful handover of its database.
 */
abstract class JdbcLeaderElectionTests {

	static final Duration LEASE = JdbcContenders.SHORT_LEASES.leaseDuration();

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	static final Duration POLL = Duration.ofMillis(10);

	// How late a revocation may be seen after a lease from the fault, which the last successful renewal preceded: the
	// timer's and the poll's delays on a busy machine. That the deadline, not a failed reply, revoked is checked by
	// the revocation's reason.
	private static final Duration DEADLINE_SLACK = Duration.ofMillis(500);

	JdbcContenders contenders;

	/**
	 * The extension that runs this class's server, from a static field of the subclass.
	 */
	abstract DatabaseServerExtension database();

	/**
	 * The database's name in the lines the tests print, such as {@code PostgreSQL}.
	 */
	abstract String productName();

	@BeforeEach
	void createTableAndContenders() {
		JdbcLeaseStores.createTable(database().server());
		this.contenders = new JdbcContenders(database().dataSource(), "orders");
	}

	@AfterEach
	void stopContenders() {
		this.contenders.close();
	}

	@Test
	void fiveContendersElectExactlyOneLeader() throws Exception {
		this.contenders.startAtOnce(5);
		await().atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 1);
		Contender leader = this.contenders.leader();
		// Over a lease and more the leader renews and every follower's claim is refused.
		await().during(LEASE.plusMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leader() == leader);
		assertThat(this.contenders.grantedTokens()).hasSize(1);
		assertNeverTwoLeaders();
	}

	@Test
	void leaderStepsDownByItsDeadlineWhenTheDatabaseIsKilledAndOneLeaderFollowsItsRestartWithAHigherToken()
			throws Exception {
		this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		long before = highestToken();
		DatabaseServer server = database().server();
		long killed = System.nanoTime();
		server.kill();
		await().pollInterval(POLL).atMost(TIMEOUT).until(() -> !leader.elector().isLeader());
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(LEASE.plus(DEADLINE_SLACK));
		awaitRevoked(leader, RevokeReason.LEASE_EXPIRED, TIMEOUT);
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 0);
		server.restart();
		long restarted = System.nanoTime();
		Contender next = awaitLeader();
		Duration elected = Duration.ofNanos(System.nanoTime() - restarted);
		print("%s killed and restarted: new leader %d ms after the restart (lease %d ms)", productName(),
				elected.toMillis(), LEASE.toMillis());
		// The first claim after the restart sees the new stamp and quarantines the role for a lease.
		assertThat(elected).isLessThanOrEqualTo(LEASE.plus(LEASE).plusSeconds(2));
		assertThat(next.elector().leadership().orElseThrow().fencingToken()).isGreaterThan(before);
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leader() == next);
		assertNeverTwoLeaders();
	}

	@Test
	void leaderRevokesItselfByItsDeadlineWhileTheDatabaseIsFrozenAndOneLeaderFollowsItsResume() throws Exception {
		this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		long before = highestToken();
		DatabaseServer server = database().server();
		long paused = System.nanoTime();
		server.pause();
		try {
			await().pollInterval(POLL).atMost(TIMEOUT).until(() -> !leader.elector().isLeader());
			assertThat(Duration.ofNanos(System.nanoTime() - paused))
				.isLessThanOrEqualTo(LEASE.plus(DEADLINE_SLACK));
			// The deadline timer revokes while the renewal still hangs on the frozen server.
			awaitRevoked(leader, RevokeReason.LEASE_EXPIRED, Duration.ofMillis(500));
			await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 0);
		}
		finally {
			server.resume();
		}
		awaitLeader();
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 1);
		assertThat(this.contenders.leaderToken()).isGreaterThan(before);
		assertNeverTwoLeaders();
	}

	@Test
	void cleanRestartUnderALeaderNeverShowsTwoLeadersAndTokensGoUp() throws Exception {
		this.contenders.startAtOnce(3);
		awaitLeader();
		long before = highestToken();
		database().server().restart();
		// The stamp changed: the leader's next renewal is refused, and nobody is granted for a lease.
		await().atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 0);
		awaitLeader();
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 1);
		assertThat(this.contenders.leaderToken()).isGreaterThan(before);
		assertNeverTwoLeaders();
	}

	Contender awaitLeader() {
		AtomicReference<Contender> leader = new AtomicReference<>();
		await().pollInterval(POLL).atMost(TIMEOUT).until(() -> {
			leader.set(this.contenders.leader());
			return leader.get() != null;
		});
		return leader.get();
	}

	// The current leader's token, and every one granted before it.
	private long highestToken() {
		long current = this.contenders.leaderToken();
		return this.contenders.grantedTokens().stream().mapToLong(Long::longValue).reduce(current, Math::max);
	}

	private static void awaitRevoked(Contender contender, RevokeReason reason, Duration within) {
		await().atMost(within)
			.untilAsserted(() -> assertThat(contender.events()).last()
				.isInstanceOfSatisfying(OnRevokedEvent.class, (event) -> assertThat(event.reason()).isEqualTo(reason)));
	}

	// One write: printf writes each part on its own, and a log line of another thread could split the line.
	static void print(String format, Object... arguments) {
		System.out.println(format.formatted(arguments));
	}

	void assertNeverTwoLeaders() {
		assertThat(this.contenders.mostLeadersAtOnce())
			.as("most leaders at once in %d samples", this.contenders.samples())
			.isLessThanOrEqualTo(1);
		assertThat(this.contenders.samples()).isPositive();
	}

}
