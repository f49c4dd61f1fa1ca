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

package io.github.leaderelection.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PostgresServer}, {@link MariaDbServer} and {@link DatabaseServerExtension}: each test leaves the
 * server in a state the next one must not see.
 */
class DatabaseServerTests {

	@Nested
	class Postgres extends ServerContract {

		@RegisterExtension
		static final DatabaseServerExtension database = DatabaseServerExtension.postgres();

		@Override
		DatabaseServerExtension database() {
			return database;
		}

		@Override
		String product() {
			return "PostgreSQL 15.";
		}

		@Override
		String osUser() {
			return "postgres";
		}

		@Override
		DatabaseServer startAnother() {
			return PostgresServer.start();
		}

		@Override
		String currentSchema() {
			return "current_schema()";
		}

	}

	@Nested
	class MariaDb extends ServerContract {

		@RegisterExtension
		static final DatabaseServerExtension database = DatabaseServerExtension.mariaDb();

		@Override
		DatabaseServerExtension database() {
			return database;
		}

		@Override
		String product() {
			return "MariaDB 10.11.";
		}

		@Override
		String osUser() {
			return "mysql";
		}

		@Override
		DatabaseServer startAnother() {
			return MariaDbServer.start();
		}

		@Override
		String currentSchema() {
			return "DATABASE()";
		}

	}

	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	abstract static class ServerContract {

		abstract DatabaseServerExtension database();

		abstract String product();

		abstract String osUser();

		abstract DatabaseServer startAnother();

		abstract String currentSchema();

		@Test
		@Order(1)
		void runsOnAPrivatePortAsAnUnprivilegedUser() {
			DatabaseServer server = database().server();
			assertThat(server.product()).startsWith(product());
			assertThat(server.port()).isNotIn(3306, 5432);
			assertThat(database().jdbcUrl()).contains("//127.0.0.1:" + server.port() + "/");
			Optional<String> user = ProcessHandle.of(server.pid()).orElseThrow().info().user();
			if (ServerProcess.runsAsRoot()) {
				assertThat(user).contains(osUser());
			}
			else {
				assertThat(user).contains(System.getProperty("user.name"));
			}
			database().jdbcClient().sql("CREATE TABLE left_over (id BIGINT PRIMARY KEY)").update();
			database().jdbcClient().sql("INSERT INTO left_over (id) VALUES (1)").update();
		}

		@Test
		@Order(2)
		void eachTestStartsWithAnEmptyDatabase() {
			assertThat(tables()).isEmpty();
		}

		@Test
		@Order(3)
		void committedRowsSurviveAKill() {
			DatabaseServer server = database().server();
			database().jdbcClient().sql("CREATE TABLE kept (id BIGINT PRIMARY KEY)").update();
			database().jdbcClient().sql("INSERT INTO kept (id) VALUES (42)").update();
			long pid = server.pid();
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
			server.restart();
			assertThat(server.pid()).isNotEqualTo(pid);
			assertThat(database().jdbcClient().sql("SELECT id FROM kept").query(Long.class).list()).containsExactly(42L);
		}

		// A server whose postmaster alone were stopped would still answer on a connection it had accepted before.
		@Test
		@Order(4)
		void aPausedServerAnswersNoConnection() throws SQLException {
			DatabaseServer server = database().server();
			try (Connection connection = server.dataSource().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
				server.pause();
				Executor direct = Runnable::run;
				connection.setNetworkTimeout(direct, 300);
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.execute("SELECT 1"));
			}
		}

		@Test
		@Order(5)
		void aPausedServerIsResumedForTheNextTest() {
			assertThat(database().jdbcClient().sql("SELECT 1").query(Integer.class).single()).isEqualTo(1);
			database().server().stop();
		}

		@Test
		@Order(6)
		void aStoppedServerIsStartedAgainForTheNextTest() {
			assertThat(database().server().isRunning()).isTrue();
			assertThat(database().jdbcClient().sql("SELECT 1").query(Integer.class).single()).isEqualTo(1);
		}

		@Test
		@Order(7)
		void closeStopsTheServer() {
			DatabaseServer another = startAnother();
			long pid;
			try {
				assertThat(another.port()).isNotEqualTo(database().server().port());
				pid = another.pid();
			}
			finally {
				another.close();
			}
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
			another.close();
		}

		private List<String> tables() {
			return database().jdbcClient()
				.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = " + currentSchema())
				.query(String.class)
				.list();
		}

	}

}
