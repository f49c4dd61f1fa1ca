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

package com.example.billing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new user's first try: a new project made of the README's Quick start and nothing else compiles with Maven, and
 * the application it builds elects itself on a Redis and runs the leader-only job.
 * <p>
 * The project is built by a Maven of its own (the wrapper of this repository, copied as a new project from
 * start.spring.io would have it), whose local repository holds the starter of this build, put there by
 * {@code invoker:install}; everything else it reads from the usual local repository, which it does not write to.
 */
class FreshProjectIT {

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

	private static final Duration ELECTION_TIMEOUT = Duration.ofSeconds(60);

	private final Path project = Path.of(System.getProperty("fresh-project.directory"));

	@Test
	void projectFromTheReadmeCompilesAndElects() throws Exception {
		createProject();
		build();
		Path jar = this.project.resolve("target/billing-0.0.1-SNAPSHOT.jar");
		assertThat(jar).isRegularFile();
		try (RedisServer redis = RedisServer.start()) {
			Path log = this.project.resolve("target/application.log");
			Process application = new ProcessBuilder(javaCommand(), "-jar", jar.toString(),
					"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
					"--leader.election.instance-id=fresh-1", "--leader.election.lease-duration=2s",
					"--leader.election.renew-interval=500ms", "--leader.election.retry-interval=300ms",
					"--billing.report-rate=200ms")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try {
				await().atMost(ELECTION_TIMEOUT)
					.pollInterval(Duration.ofMillis(200))
					.failFast("the application exited; see " + log, () -> !application.isAlive())
					.until(() -> Files.readString(log).contains("Published the report (fencing token "));
				assertThat(Files.readString(log)).contains("Granted leadership of 'billing' to 'fresh-1' (token ")
					.contains(">>> 'fresh-1' now leads 'billing' (fencing token ");
				application.destroy();
				assertThat(application.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
				assertThat(Files.readString(log)).contains("<<< 'fresh-1' no longer leads 'billing' (fencing token ");
			}
			finally {
				application.destroyForcibly();
				application.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private void createProject() throws IOException {
		FileSystemUtils.deleteRecursively(this.project);
		for (Map.Entry<String, String> file : ReadmeQuickStart.read().projectFiles().entrySet()) {
			Path path = this.project.resolve(file.getKey());
			Files.createDirectories(path.getParent());
			Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
		}
		Path wrapper = Path.of(System.getProperty("maven.wrapper"));
		Files.copy(wrapper, this.project.resolve("mvnw"), StandardCopyOption.COPY_ATTRIBUTES);
		Path properties = this.project.resolve(".mvn/wrapper/maven-wrapper.properties");
		Files.createDirectories(properties.getParent());
		Files.copy(wrapper.resolveSibling(".mvn/wrapper/maven-wrapper.properties"), properties);
	}

	private void build() throws Exception {
		List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "-ntp"));
		if ("offline=true".equals(System.getProperty("fresh-project.offline"))) {
			command.add("-o");
		}
		command.add("-Dmaven.repo.local=" + System.getProperty("fresh-project.repository"));
		command.add("-Dmaven.repo.local.tail=" + System.getProperty("fresh-project.repository-tail"));
		command.add("package");
		Path log = this.project.resolve("build.log");
		Process maven = new ProcessBuilder(command).directory(this.project.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			boolean exited = maven.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(exited).as("Maven built the project within %s; see %s", BUILD_TIMEOUT, log).isTrue();
			assertThat(maven.exitValue()).as("Maven's exit code; its output:%n%s", tail(log)).isZero();
		}
		finally {
			maven.destroyForcibly();
		}
	}

	private static String tail(Path log) throws IOException {
		try (Stream<String> lines = Files.lines(log)) {
			List<String> all = lines.toList();
			return String.join("\n", all.subList(Math.max(0, all.size() - 60), all.size()));
		}
	}

	private static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
