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
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LeaseLeaderElector}s on {@link JdbcLeaseStore}s against a private MariaDB server, on two-second leases: one
 * leader among three, a graceful handover without {@code NOTIFY}, and the database killed and restarted. A watcher
 * checks throughout each test that no two contenders lead at once.
 */
class JdbcLeaderElectionMariaDbTests {

	private static final Duration LEASE = JdbcContenders.SHORT_LEASES.leaseDuration();

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Duration POLL = Duration.ofMillis(10);

	private static final Duration DEADLINE_SLACK = Duration.ofMillis(500);

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.mariaDb();

	private JdbcContenders contenders;

	@BeforeEach
	void createTableAndContenders() {
		JdbcLeaseStores.createTable(database.server());
		// A server younger than a lease quarantines a role it has no row for: a test here restarts it.
		JdbcLeaseStores.awaitUptime(database.server(), LEASE);
		this.contenders = new JdbcContenders(database.dataSource(), "orders");
	}

	@AfterEach
	void stopContenders() {
		this.contenders.close();
	}

	@Test
	void threeContendersElectExactlyOneLeader() throws Exception {
		this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		await().during(LEASE.plusMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leader() == leader);
		assertThat(this.contenders.grantedTokens()).hasSize(1);
		assertNeverTwoLeaders();
	}

	@Test
	void gracefulHandoverComesAtTheFollowersNextClaimWithinALease() throws Exception {
		this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		long token = this.contenders.leaderToken();
		long begun = System.nanoTime();
		leader.elector().stop();
		Contender next = awaitLeader();
		Duration handover = Duration.ofNanos(System.nanoTime() - begun);
		System.out.printf("MariaDB graceful handover without NOTIFY (lease %d ms): %d ms%n", LEASE.toMillis(),
				handover.toMillis());
		assertThat(next).isNotSameAs(leader);
		// Nothing announces the release: a follower takes over at its next claim, when the lease would have ended.
		assertThat(handover).isLessThanOrEqualTo(LEASE.plusSeconds(2));
		assertThat(this.contenders.leaderToken()).isGreaterThan(token);
		assertNeverTwoLeaders();
	}

	@Test
	void killedDatabaseEndsTheLeaseByItsDeadlineAndOneLeaderFollowsItsRestartWithAHigherToken() throws Exception {
		this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		long before = highestToken();
		DatabaseServer server = database.server();
		long killed = System.nanoTime();
		server.kill();
		await().pollInterval(POLL).atMost(TIMEOUT).until(() -> !leader.elector().isLeader());
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(LEASE.plus(DEADLINE_SLACK));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(leader.events()).last()
				.isInstanceOfSatisfying(OnRevokedEvent.class,
						(event) -> assertThat(event.reason()).isEqualTo(RevokeReason.LEASE_EXPIRED)));
		server.restart();
		long restarted = System.nanoTime();
		awaitLeader();
		System.out.printf("MariaDB killed and restarted: new leader %d ms after the restart (lease %d ms)%n",
				(System.nanoTime() - restarted) / 1_000_000, LEASE.toMillis());
		await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> this.contenders.leaderCount() == 1);
		assertThat(this.contenders.leaderToken()).isGreaterThan(before);
		assertNeverTwoLeaders();
	}

	private Contender awaitLeader() {
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

	private void assertNeverTwoLeaders() {
		assertThat(this.contenders.mostLeadersAtOnce())
			.as("most leaders at once in %d samples", this.contenders.samples())
			.isLessThanOrEqualTo(1);
		assertThat(this.contenders.samples()).isPositive();
	}

}
