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

package io.github.leaderelection.samples.scheduledjobs;

import java.nio.file.Path;
import java.time.Duration;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.jdbc.JdbcLeaseStore;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.test.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with the profile jdbc, as the README runs it: on its default H2 file, shared by the instances of one
 * machine, and on a private PostgreSQL, where a release hands over through NOTIFY.
 */
class JdbcProfileTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	@Test
	void onTheDefaultH2FileTwoInstancesShareTheTableAndHandOver() {
		String url = "--spring.datasource.url=jdbc:h2:file:%s;AUTO_SERVER=TRUE"
			.formatted(this.directory.resolve("leases").toAbsolutePath());
		try (ConfigurableApplicationContext first = start("node-a", url)) {
			assertThat(first.getBeansOfType(RedisConnectionFactory.class)).isEmpty();
			assertThat(first.getBean(LeaseStore.class)).isInstanceOf(JdbcLeaseStore.class);
			ReportJob firstReports = first.getBean(ReportJob.class);
			await().atMost(TIMEOUT).until(() -> firstReports.published() >= 2);
			try (ConfigurableApplicationContext second = start("node-b", url)) {
				ReportJob secondReports = second.getBean(ReportJob.class);
				long published = firstReports.published();
				await().atMost(TIMEOUT).until(() -> firstReports.published() >= published + 3);
				assertThat(secondReports.published()).isZero();
				first.close();
				// No NOTIFY on H2: the follower takes over at its next claim, when the lease would have ended.
				await().atMost(TIMEOUT).until(() -> secondReports.published() >= 2);
				assertThat(second.getBean(LeaderElector.class).isLeader()).isTrue();
			}
		}
	}

	@Test
	void onPostgresqlAReleaseHandsOverAtOnce() {
		try (PostgresServer postgres = PostgresServer.start()) {
			String[] database = { "--spring.datasource.url=" + postgres.jdbcUrl(),
					"--spring.datasource.username=" + postgres.username(),
					"--leader.election.jdbc.quarantine-missing-row=false" };
			try (ConfigurableApplicationContext first = start("node-a", database)) {
				LeaderElector firstElector = first.getBean(LeaderElector.class);
				await().atMost(TIMEOUT).until(firstElector::isLeader);
				try (ConfigurableApplicationContext second = start("node-b", database)) {
					LeaderElector secondElector = second.getBean(LeaderElector.class);
					assertThat(secondElector.isLeader()).isFalse();
					long stopped = System.nanoTime();
					first.close();
					await().atMost(TIMEOUT).until(secondElector::isLeader);
					// Well within the 5 s lease of the sample's configuration: the release was heard.
					assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(3));
				}
			}
		}
	}

	private static ConfigurableApplicationContext start(String instanceId, String... arguments) {
		String[] common = { "--spring.profiles.active=jdbc", "--leader.election.instance-id=" + instanceId,
				"--server.port=0", "--sample.report-rate=100ms" };
		String[] all = new String[common.length + arguments.length];
		System.arraycopy(common, 0, all, 0, common.length);
		System.arraycopy(arguments, 0, all, common.length, arguments.length);
		return new SpringApplicationBuilder(ScheduledJobsApplication.class).run(all);
	}

}
