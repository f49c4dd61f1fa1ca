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


package io.github.leaderelection.benchmarks.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.leaderelection.test.PostgresServer;
import io.github.leaderelection.test.RedisServer;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Where a contender keeps its leases, started anew for each contender so that "fresh" means a server that has just
 * started: a private {@code redis-server} or PostgreSQL on a free port, stopped by PID, also on failure.
 */
abstract sealed class Store implements AutoCloseable permits Store.Redis, Store.Postgres {

	private long startedNanos = System.nanoTime();

	void resetStartTime() {
		this.startedNanos = System.nanoTime();
	}

	/**
	 * When the server answered first.
	 */
	long startedNanos() {
		return this.startedNanos;
	}

	/**
	 * Product and version, as the server tells them.
	 */
	abstract String version();

	/**
	 * What an application needs to reach the store, as command-line arguments.
	 */
	abstract List<String> arguments(String instance);

	/**
	 * Starts counting the store traffic of each instance.
	 */
	abstract Traffic startTraffic(List<Child> instances);

	/**
	 * Stops the server and deletes its files.
	 */
	@Override
	public abstract void close();

	/**
	 * Counts store traffic per instance over a window.
	 */
	interface Traffic {

		/**
		 * Stops counting: calls per second of each instance by name, and the whole.
		 */
		Measured stop();

	}

	/**
	 * Store calls per second of each instance over a window; {@code total} as the store counts them, with the
	 * method it counts by.
	 */
	record Measured(double seconds, Map<String, Double> perSecondByInstance, double totalPerSecond, String method,
			Map<String, Object> details) {

	}

	static final class Redis extends Store {

		private final RedisServer server;

		Redis() {
			this.server = RedisServer.start();
			resetStartTime();
		}

		RedisServer server() {
			return this.server;
		}

		@Override
		String version() {
			for (String line : this.server.command("INFO", "server").split("\n")) {
				if (line.startsWith("redis_version:")) {
					return "Redis " + line.substring("redis_version:".length()).strip();
				}
			}
			return "Redis";
		}

		@Override
		List<String> arguments(String instance) {
			return List.of("--spring.data.redis.host=" + this.server.host(),
					"--spring.data.redis.port=" + this.server.port(), "--spring.data.redis.client-name=" + instance);
		}

		@Override
		Traffic startTraffic(List<Child> instances) {
			RedisTraffic traffic = RedisTraffic.start(this.server);
			return () -> {
				RedisTraffic.Window window = traffic.stop();
				Map<String, Double> perSecond = new LinkedHashMap<>();
				for (Child instance : instances) {
					perSecond.put(instance.name(), window.commands(instance.name()) / window.seconds());
				}
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("commandsByClient", window.commandsByClient());
				details.put("commandstatsCallsPerSecond", window.commandStatsCalls() / window.seconds());
				return new Measured(window.seconds(), perSecond, window.allCommands() / window.seconds(),
						"commands sent by each client, counted with MONITOR and named by CLIENT LIST", details);
			};
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	static final class Postgres extends Store {

		private final PostgresServer server;

		Postgres() {
			this.server = PostgresServer.start();
			resetStartTime();
		}

		@Override
		String version() {
			return this.server.product();
		}

		@Override
		List<String> arguments(String instance) {
			// The fixture's URL has a 5 s socket timeout for tests; applications run with the driver's defaults.
			return List.of("--spring.datasource.url=jdbc:postgresql://%s:%d/postgres?ApplicationName=%s"
				.formatted(this.server.host(), this.server.port(), instance),
					"--spring.datasource.username=" + this.server.username(),
					"--spring.datasource.password=" + this.server.password());
		}

		@Override
		Traffic startTraffic(List<Child> instances) {
			List<Long> before = statements(instances);
			long commitsBefore = commits();
			long started = System.nanoTime();
			return () -> {
				List<Long> after = statements(instances);
				double seconds = (System.nanoTime() - started) / 1e9;
				long commits = commits() - commitsBefore;
				Map<String, Double> perSecond = new LinkedHashMap<>();
				long all = 0;
				for (int i = 0; i < instances.size(); i++) {
					long count = after.get(i) - before.get(i);
					all += count;
					perSecond.put(instances.get(i).name(), count / seconds);
				}
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("xactCommitPerSecond", commits / seconds);
				return new Measured(seconds, perSecond, all / seconds,
						"JDBC statements each instance executed, counted by a wrapper of its DataSource; "
								+ "xactCommitPerSecond: pg_stat_database.xact_commit of the database",
						details);
			};
		}

		private static List<Long> statements(List<Child> instances) {
			List<Integer> marks = new ArrayList<>();
			for (Child instance : instances) {
				marks.add(instance.mark());
				instance.send("stats");
			}
			List<Long> counts = new ArrayList<>();
			for (int i = 0; i < instances.size(); i++) {
				counts.add(instances.get(i).await("STATS", marks.get(i), Duration.ofSeconds(30)).stat("statements"));
			}
			return counts;
		}

		private long commits() {
			// Statistics reach pg_stat_database when a backend flushes them, at most once a second.
			JdbcClient client = JdbcClient.create(this.server.dataSource());
			client.sql("SELECT pg_stat_clear_snapshot()").query().singleRow();
			return client.sql("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
				.query(Long.class)
				.single();
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

}
