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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.github.leaderelection.test.DatabaseServer;
import io.github.leaderelection.test.DatabaseServerExtension;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fenced write of the README's "Guarantees and limits", read from README.md and run as it stands there on real
 * PostgreSQL and MariaDB servers, with the fencing tokens of two real leaders one after the other.
 */
class FencedWriteExampleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	// The statement the README showed before: it took a leader's second write for a replaced leader's.
	private static final String STRICTLY_LOWER = """
			UPDATE report SET body = :body, fencing_token = :token
			 WHERE id = :id AND fencing_token < :token""";

	private static final String ID = "daily";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static long firstToken;

	private static long secondToken;

	@BeforeAll
	static void grantTwoLeadersOneAfterTheOther() {
		try (ConfigurableApplicationContext first = start("first")) {
			LeaderElector firstElector = first.getBean(LeaderElector.class);
			await().atMost(TIMEOUT).until(firstElector::isLeader);
			firstToken = firstElector.leadership().orElseThrow().fencingToken();
			try (ConfigurableApplicationContext second = start("second")) {
				first.close();
				LeaderElector secondElector = second.getBean(LeaderElector.class);
				await().atMost(TIMEOUT).until(secondElector::isLeader);
				secondToken = secondElector.leadership().orElseThrow().fencingToken();
			}
		}
		assertThat(secondToken).isGreaterThan(firstToken);
	}

	private static ConfigurableApplicationContext start(String instanceId) {
		return new SpringApplicationBuilder(ElectionConfiguration.class).web(WebApplicationType.NONE)
			.properties("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"leader.election.instance-id=" + instanceId, "leader.election.lease-duration=1s",
					"leader.election.renew-interval=200ms", "leader.election.retry-interval=100ms",
					"spring.main.banner-mode=off")
			.run();
	}

	@Nested
	class OnPostgres extends FencedWrites {

		@RegisterExtension
		static final DatabaseServerExtension postgres = DatabaseServerExtension.postgres();

		@Override
		DatabaseServer database() {
			return postgres.server();
		}

	}

	@Nested
	class OnMariaDb extends FencedWrites {

		@RegisterExtension
		static final DatabaseServerExtension mariaDb = DatabaseServerExtension.mariaDb();

		@Override
		DatabaseServer database() {
			return mariaDb.server();
		}

		@Test
		void aWriteThatChangesNothingCountsNoRowWhenTheDriverCountsChangedRows() {
			JdbcClient changedRows = JdbcClient.create(new SimpleDriverDataSource(new org.mariadb.jdbc.Driver(),
					database().jdbcUrl() + "&useAffectedRows=true", database().username(), database().password()));
			assertThat(write(changedRows, this.example.update(), firstToken, "report 1")).isOne();
			assertThat(write(changedRows, this.example.update(), firstToken, "report 1")).isZero();
		}

	}

	abstract static class FencedWrites {

		final Example example = Example.fromReadme();

		abstract DatabaseServer database();

		@BeforeEach
		void createTheReportAndItsRow() {
			JdbcClient jdbc = database().jdbcClient();
			jdbc.sql(this.example.createTable()).update();
			assertThat(jdbc.sql(this.example.insert()).param("id", ID).update()).isOne();
		}

		@Test
		void theLeadersFirstWriteSucceeds() {
			assertThat(write(firstToken, "report 1")).isOne();
			assertThat(stored()).containsExactly("report 1", firstToken);
		}

		@Test
		void theLeadersSecondWriteWithTheSameTokenSucceeds() {
			assertThat(write(firstToken, "report 1")).isOne();
			assertThat(write(firstToken, "report 2")).isOne();
			assertThat(stored()).containsExactly("report 2", firstToken);
		}

		@Test
		void aRewriteThatChangesNothingStillCountsARow() {
			assertThat(write(firstToken, "report 1")).isOne();
			assertThat(write(firstToken, "report 1")).isOne();
		}

		@Test
		void theNextLeaderWritesWithItsHigherToken() {
			assertThat(write(firstToken, "report 1")).isOne();
			assertThat(write(secondToken, "report 2")).isOne();
			assertThat(stored()).containsExactly("report 2", secondToken);
		}

		@Test
		void aReplacedLeadersLaterWriteIsRejected() {
			assertThat(write(firstToken, "report 1")).isOne();
			assertThat(write(secondToken, "report 2")).isOne();
			assertThat(write(firstToken, "stale report")).isZero();
			assertThat(stored()).containsExactly("report 2", secondToken);
		}

		@Test
		void theOldStatementRejectedTheLeadersOwnSecondWrite() {
			JdbcClient jdbc = database().jdbcClient();
			assertThat(FencedWriteExampleTests.write(jdbc, STRICTLY_LOWER, firstToken, "report 1")).isOne();
			assertThat(FencedWriteExampleTests.write(jdbc, STRICTLY_LOWER, firstToken, "report 2")).isZero();
			assertThat(stored()).containsExactly("report 1", firstToken);
		}

		private int write(long token, String body) {
			return FencedWriteExampleTests.write(database().jdbcClient(), this.example.update(), token, body);
		}

		private List<Object> stored() {
			return database().jdbcClient()
				.sql("SELECT body, fencing_token FROM report WHERE id = :id")
				.param("id", ID)
				.query((row, number) -> List.<Object>of(row.getString(1), row.getLong(2)))
				.single();
		}

	}

	static int write(JdbcClient jdbc, String update, long token, String body) {
		return jdbc.sql(update).param("id", ID).param("body", body).param("token", token).update();
	}

	/**
	 * The statements of the README's fenced write, in their order there.
	 */
	record Example(String createTable, String insert, String update) {

		private static final String SECTION = "## Guarantees and limits";

		static Example fromReadme() {
			Path readme = readme();
			List<String> lines;
			try {
				lines = Files.readAllLines(readme);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not read " + readme, ex);
			}
			int section = lines.indexOf(SECTION);
			assertThat(section).as("line '%s' in %s", SECTION, readme).isNotNegative();
			int fence = section;
			while (fence < lines.size() && !lines.get(fence).strip().equals("```sql")) {
				fence++;
			}
			StringBuilder sql = new StringBuilder();
			for (int line = fence + 1; line < lines.size() && !lines.get(line).strip().equals("```"); line++) {
				String text = lines.get(line).strip();
				if (!text.startsWith("--")) {
					sql.append(lines.get(line)).append('\n');
				}
			}
			List<String> statements = new ArrayList<>(
					Arrays.stream(sql.toString().split(";")).map(String::strip).filter((statement) -> !statement.isEmpty()).toList());
			assertThat(statements).as("statements of the first sql block below '%s' in %s", SECTION, readme)
				.hasSize(3)
				.satisfiesExactly((create) -> assertThat(create).startsWith("CREATE TABLE report"),
						(insert) -> assertThat(insert).startsWith("INSERT INTO report"),
						(update) -> assertThat(update).startsWith("UPDATE report"));
			return new Example(statements.get(0), statements.get(1), statements.get(2));
		}

		// Surefire runs in the module's directory; an IDE may run in the repository's.
		private static Path readme() {
			for (Path candidate : List.of(Path.of("..", "README.md"), Path.of("README.md"))) {
				if (Files.isRegularFile(candidate) && Files.isRegularFile(candidate.resolveSibling("mvnw"))) {
					return candidate;
				}
			}
			throw new IllegalStateException("No README.md beside mvnw in " + Path.of("").toAbsolutePath()
					+ " or its parent directory");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ElectionConfiguration {

	}

}
