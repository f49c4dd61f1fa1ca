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
import java.util.List;

/**
 * One contender as the scenarios run it: which application, with which arguments, on which kind of store, and how
 * many repetitions of each scenario.
 *
 * @param key short name, as in results.json
 * @param label name in the tables
 * @param mainClass the application
 * @param postgres whether it runs on PostgreSQL rather than Redis
 * @param leadership whether it elects a leader (the starter, Spring Integration) rather than locking each run
 * (ShedLock)
 * @param arguments the application's arguments besides the store's
 * @param expiry its lease or lock expiry
 * @param handovers graceful handovers to measure
 * @param drains handovers with a job in flight
 * @param failovers crash failovers
 */
record Contender(String key, String label, String mainClass, boolean postgres, boolean leadership,
		List<String> arguments, Duration expiry, int handovers, int drains, int failovers) {

	private static final String STARTER = "io.github.leaderelection.benchmarks.apps.StarterApplication";

	private static final String INTEGRATION = "io.github.leaderelection.benchmarks.apps.IntegrationApplication";

	private static final String SHEDLOCK = "io.github.leaderelection.benchmarks.apps.ShedLockApplication";

	private static final String NO_JDBC = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";

	private static final String NO_REDIS = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	/**
	 * Every contender of a run, in the order of the table's columns.
	 */
	static List<Contender> all(Settings settings) {
		List<Contender> all = new ArrayList<>();
		List<String> starterRedis = new ArrayList<>(List.of("--leader.election.mode=redis", NO_JDBC));
		starterRedis.addAll(settings.leaseArguments());
		all.add(new Contender("starter-redis", "this starter, Redis", STARTER, false, true, starterRedis,
				settings.lease(), settings.handovers(), settings.drains(), settings.failovers()));
		List<String> starterJdbc = new ArrayList<>(List.of("--leader.election.mode=jdbc", NO_REDIS,
				"--leader.election.jdbc.initialize-schema=always"));
		starterJdbc.addAll(settings.leaseArguments());
		if (!settings.leaseArguments().isEmpty()) {
			// Below the short lease of the smoke run.
			starterJdbc.add("--leader.election.jdbc.statement-timeout=1s");
		}
		// The drain is the engine's, whatever the store: the smoke run leaves it to the Redis column.
		all.add(new Contender("starter-jdbc", "this starter, PostgreSQL", STARTER, true, true, starterJdbc,
				settings.lease(), settings.handovers(), settings.isFull() ? settings.drains() : 0,
				settings.failovers()));
		all.add(new Contender("integration-expiry", "Spring Integration, %ds expiry".formatted(
				settings.lease().toSeconds()), INTEGRATION, false, true,
				List.of("--bench.si.expire=" + settings.lease().toMillis() + "ms"), settings.lease(),
				settings.peerHandovers(), settings.peerDrains(), settings.peerFailovers()));
		if (settings.integrationDefaults()) {
			int repetitions = settings.defaultPeerRepetitions();
			all.add(new Contender("integration-defaults", "Spring Integration, defaults (60s expiry)", INTEGRATION,
					false, true, List.of(), Duration.ofSeconds(60), repetitions, repetitions, repetitions));
		}
		all.add(new Contender("shedlock", "ShedLock", SHEDLOCK, false, false,
				List.of("--bench.job=" + settings.shedLockJob().toMillis() + "ms",
						"--bench.shedlock.lock-at-most-for=" + settings.lease().toMillis() + "ms"),
				settings.lease(), 0, 0, 0));
		return all;
	}

}
