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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances of an application that start at the same moment on a database without the lease table, each with
 * {@code leader.election.jdbc.initialize-schema=always}: the {@link LeaseTableScriptDatabaseInitializer} of each runs
 * the script at once.
 */
final class ScriptsRunAtOnce {

	private static final int INSTANCES = 3;

	private static final int ROUNDS = 20;

	private ScriptsRunAtOnce() {
	}

	/**
	 * Drops the tables and lets three initializers create them at once, twenty times over; each must succeed.
	 */
	static void createTwentyTimesOver(DataSource dataSource, Runnable dropTables) {
		LeaderElectionProperties.Jdbc properties = new LeaderElectionProperties.Jdbc();
		properties.setInitializeSchema(DatabaseInitializationMode.ALWAYS);
		ExecutorService executor = Executors.newFixedThreadPool(INSTANCES);
		try {
			for (int round = 0; round < ROUNDS; round++) {
				dropTables.run();
				CyclicBarrier together = new CyclicBarrier(INSTANCES);
				List<Future<Boolean>> starts = new ArrayList<>();
				for (int i = 0; i < INSTANCES; i++) {
					LeaseTableScriptDatabaseInitializer initializer = new LeaseTableScriptDatabaseInitializer(
							dataSource, properties);
					starts.add(executor.submit(() -> {
						together.await(10, TimeUnit.SECONDS);
						return initializer.initializeDatabase();
					}));
				}
				for (Future<Boolean> start : starts) {
					assertThat(start).as("round %d", round).succeedsWithin(30, TimeUnit.SECONDS).isEqualTo(true);
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
