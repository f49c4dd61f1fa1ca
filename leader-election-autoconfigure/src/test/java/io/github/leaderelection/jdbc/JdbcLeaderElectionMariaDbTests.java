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
import java.util.List;

import io.github.leaderelection.jdbc.JdbcContenders.Contender;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link JdbcLeaderElectionTests} against a private MariaDB server, and a graceful handover without
 * {@code NOTIFY}, at the followers' next claim. The stamp that tells a restart apart is the server id and a marker in
 * a MEMORY table, which every start empties.
 */
class JdbcLeaderElectionMariaDbTests extends JdbcLeaderElectionTests {

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.mariaDb();

	@Override
	DatabaseServerExtension database() {
		return database;
	}

	@Override
	String productName() {
		return "MariaDB";
	}

	@Test
	void gracefulHandoverComesAtTheFollowersNextClaimWithinALease() throws Exception {
		List<Contender> started = this.contenders.startAtOnce(3);
		Contender leader = awaitLeader();
		// Stop the leader only once every follower has had the answer to its first claim: a claim that came after
		// the release would find the lease free, and the handover would time that race instead of the next claim.
		await().atMost(TIMEOUT)
			.until(() -> started.stream().allMatch((contender) -> contender.elector().lastStoreContact().isPresent()));
		long token = this.contenders.leaderToken();
		long begun = System.nanoTime();
		leader.elector().stop();
		Contender next = awaitLeader();
		Duration handover = Duration.ofNanos(System.nanoTime() - begun);
		print("MariaDB graceful handover without NOTIFY (lease %d ms): %d ms", LEASE.toMillis(), handover.toMillis());
		assertThat(next).isNotSameAs(leader);
		// Nothing announces the release: a follower takes over at its next claim, when the lease would have ended.
		assertThat(handover).isLessThanOrEqualTo(LEASE.plusSeconds(2));
		assertThat(this.contenders.leaderToken()).isGreaterThan(token);
		assertNeverTwoLeaders();
	}

}
