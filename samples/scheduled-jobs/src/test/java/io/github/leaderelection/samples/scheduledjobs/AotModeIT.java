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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample's jar in Spring AOT mode on the JVM, as {@code java -Dspring.aot.enabled=true -jar}: the context
 * comes from the initializer that {@code spring-boot:process-aot} generated at build time, not from classpath
 * scanning and auto-configuration. Runs after {@code package}, on the jar that the build made; skipped with
 * {@code -Dspring-boot.aot.skip=true}, which skips the processing.
 */
class AotModeIT {

	// Generous: the JVM starts on a machine that may be busy with other builds.
	private static final Duration TIMEOUT = Duration.ofSeconds(120);

	@Test
	void electsALeaderAndRunsItsJobsInAotMode() throws IOException, InterruptedException {
		assumeThat(Boolean.getBoolean("spring-boot.aot.skip"))
			.as("-Dspring-boot.aot.skip=true: the jar has no AOT code")
			.isFalse();
		Path jar = Path.of(System.getProperty("sample.jar", "target/scheduled-jobs.jar"));
		assertThat(jar).as("the sample's jar, built by ./mvnw verify with its process-aot execution").exists();
		// Next to the jar, where it stays for a look after a failure.
		Path log = jar.toAbsolutePath().resolveSibling("aot-mode.log");
		try (RedisServer redis = RedisServer.start()) {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(List.of(java, "-Dspring.aot.enabled=true", "-jar", jar.toString(),
					"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
					"--sample.embedded-redis=false",
					"--leader.election.instance-id=aot-1", "--leader.election.lease-duration=1s",
					"--leader.election.renew-interval=300ms", "--leader.election.retry-interval=200ms",
					"--sample.report-rate=100ms", "--sample.cleanup-rate=100ms"))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				await().atMost(TIMEOUT)
					.until(() -> !process.isAlive() || read(log).contains("Published report #3 as 'aot-1'"));
				assertThat(read(log)).contains("Starting AOT-processed ScheduledJobsApplication")
					.contains(">>> 'aot-1' now leads 'reports' (fencing token ")
					.contains(">>> 'aot-1' now leads 'cleanup' (fencing token ")
					.contains("Published report #3 as 'aot-1' (fencing token ");
				// SIGTERM: the graceful handover runs as without AOT.
				process.destroy();
				assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				assertThat(read(log)).contains("<<< 'aot-1' no longer leads 'reports' (fencing token ")
					.contains("): SHUTDOWN");
			}
			finally {
				// Whatever the assertions found, leave no JVM behind.
				process.destroyForcibly();
				process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
		}
	}

	private static String read(Path log) throws IOException {
		return Files.readString(log, StandardCharsets.UTF_8);
	}

}
