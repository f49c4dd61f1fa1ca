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

package io.github.leaderelection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.github.leaderelection.FencedWriteExampleTests.Example;
import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.support.ElectionRuntime;
import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeaseSettings;
import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.DatabaseServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fenced write of the README's "Guarantees and limits", read from README.md as {@link FencedWriteExampleTests}
 * reads it, on a private PostgreSQL server that also holds the leases: leaders elected there through
 * {@link JdbcLeaseStore} write the report with their fencing tokens, and a replaced leader's write is rejected, also
 * from leader-only work that outlived its drain.
 */
class FencedWriteExamplePostgresTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String ID = "daily";

	// Short drains: work still running after 300 ms no longer holds the handover back.
	private static final LeaseSettings SETTINGS = new LeaseSettings(Duration.ofSeconds(2), Duration.ofMillis(400),
			Duration.ofMillis(200), Duration.ofMillis(50), true, Duration.ofMillis(300));

	@RegisterExtension
	static final DatabaseServerExtension postgres = DatabaseServerExtension.postgres();

	private final Example example = Example.fromReadme();

	private final List<AutoCloseable> started = new ArrayList<>();

	@BeforeEach
	void createTheLeaseTableTheReportAndItsRow() {
		DatabaseServer server = postgres.server();
		String schema = JdbcLeaseStore.schemaLocation(server.product());
		new ResourceDatabasePopulator(new ClassPathResource(schema.substring("classpath:".length())))
			.execute(server.dataSource());
		JdbcClient jdbc = server.jdbcClient();
		jdbc.sql(this.example.createTable()).update();
		assertThat(jdbc.sql(this.example.insert()).param("id", ID).update()).isOne();
	}

	@AfterEach
	void stopElectors() throws Exception {
		// Electors first, stores last, so that the releases reach the database.
		Collections.reverse(this.started);
		for (AutoCloseable closeable : this.started) {
			closeable.close();
		}
	}

	@Test
	void theLeaderWritesWithItsTokenAgainAndAgain() {
		long token = lead(start("first")).fencingToken();
		assertThat(write(token, "report 1")).isOne();
		assertThat(write(token, "report 2")).isOne();
		assertThat(stored()).containsExactly("report 2", token);
	}

	@Test
	void theNextLeaderWritesWithItsHigherTokenAndTheReplacedLeadersWriteIsRejected() {
		LeaseLeaderElector first = start("first");
		long firstToken = lead(first).fencingToken();
		assertThat(write(firstToken, "report 1")).isOne();
		LeaseLeaderElector second = start("second");
		first.stop();
		long secondToken = lead(second).fencingToken();
		assertThat(secondToken).isGreaterThan(firstToken);
		assertThat(write(secondToken, "report 2")).isOne();
		assertThat(write(firstToken, "stale report")).isZero();
		assertThat(stored()).containsExactly("report 2", secondToken);
	}

	@Test
	void workThatOutlivesItsDrainIsFencedOffOnceTheNextLeaderHasWritten() {
		LeaseLeaderElector first = start("first");
		lead(first);
		LeaseLeaderElector second = start("second");
		try (LeaderWork work = first.admit("daily report").orElseThrow()) {
			long staleToken = work.leadership().fencingToken();
			assertThat(write(staleToken, "report 1")).isOne();
			// The yield waits for the work for the drain timeout only, then hands over while it still runs.
			first.yieldLeadership();
			long nextToken = lead(second).fencingToken();
			assertThat(write(nextToken, "report 2")).isOne();
			assertThat(write(staleToken, "late part of report 1")).isZero();
			assertThat(stored()).containsExactly("report 2", nextToken);
		}
	}

	private LeaseLeaderElector start(String instanceId) {
		JdbcLeaseStore store = new JdbcLeaseStore(postgres.dataSource(),
				JdbcLeaseStore.Options.DEFAULTS.withStatementTimeout(Duration.ofSeconds(1))
					// A new private server, on which no earlier leader can exist.
					.withQuarantineMissingRow(false));
		store.start();
		this.started.add(store::stop);
		ElectionRuntime runtime = ElectionRuntime.platformThreads(1);
		this.started.add(runtime);
		LeadershipEventPublisher events = new LeadershipEventPublisher((event) -> {
		});
		this.started.add(events);
		LeaseLeaderElector elector = new LeaseLeaderElector("reports", instanceId, "test-host", store, SETTINGS,
				events, runtime);
		elector.start();
		this.started.add(elector::stop);
		return elector;
	}

	private static Leadership lead(LeaseLeaderElector elector) {
		await().atMost(TIMEOUT).until(elector::isLeader);
		return elector.leadership().orElseThrow();
	}

	private int write(long token, String body) {
		return FencedWriteExampleTests.write(postgres.jdbcClient(), this.example.update(), token, body);
	}

	private List<Object> stored() {
		return postgres.jdbcClient()
			.sql("SELECT body, fencing_token FROM report WHERE id = :id")
			.param("id", ID)
			.query((row, number) -> List.<Object>of(row.getString(1), row.getLong(2)))
			.single();
	}

}
