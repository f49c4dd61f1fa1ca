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
package io.github.leaderelection.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The election's store calls run on virtual threads when the application enables them, on Java 21 and later, and
 * the same setting is harmless on Java 17. Each case runs the small application as a child JVM of that Java version.
 */
class VirtualThreadsIT {

	private static final Duration STARTUP = Duration.ofSeconds(60);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void storeCallsRunOnVirtualThreadsOnJava21AndLater() throws Exception {
		Optional<Path> javaHome = javaHomeOf(21);
		Assumptions.assumeTrue(javaHome.isPresent(), "No Java 21 or later under /usr/lib/jvm or in JAVA_21_HOME");
		try (ChildJvm child = ChildJvm.start("virtual", javaHome.get(), ElectionApplication.class, args())) {
			child.awaitLine("ELECTION RUNTIME ElectionRuntime[virtual threads]", STARTUP);
			child.awaitLine("ELECTION GRANTED virtual", STARTUP);
		}
	}

	@Test
	void theSettingIsHarmlessOnJava17() throws Exception {
		Assumptions.assumeTrue(Runtime.version().feature() < 21, "Runs on the build's Java when it is before 21");
		try (ChildJvm child = ChildJvm.start("virtual", ElectionApplication.class, args())) {
			child.awaitLine("ELECTION RUNTIME ElectionRuntime[platform threads]", STARTUP);
			child.awaitLine("ELECTION GRANTED virtual", STARTUP);
		}
	}

	private static String[] args() {
		return new String[] { "--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
				"--spring.threads.virtual.enabled=true", "--leader.election.instance-id=virtual",
				"--leader.election.role=virtual-threads", "--leader.election.election-jitter=0ms",
				"--leader.election.redis.quarantine-new-server=false", "--spring.main.banner-mode=off",
				"--spring.main.keep-alive=true" };
	}

	// A JDK of at least the given version: JAVA_21_HOME, or the newest under /usr/lib/jvm.
	private static Optional<Path> javaHomeOf(int feature) throws IOException {
		String configured = System.getenv("JAVA_21_HOME");
		if (configured != null && Files.isExecutable(Path.of(configured, "bin", "java"))) {
			return Optional.of(Path.of(configured));
		}
		Path jvms = Path.of("/usr/lib/jvm");
		if (!Files.isDirectory(jvms)) {
			return Optional.empty();
		}
		try (Stream<Path> homes = Files.list(jvms)) {
			return homes.filter((home) -> Files.isExecutable(home.resolve("bin/java")))
				.filter((home) -> release(home) >= feature)
				.max(Comparator.comparingInt(VirtualThreadsIT::release));
		}
	}

	// The feature version in the JDK's release file, or 0.
	private static int release(Path home) {
		try (Stream<String> lines = Files.lines(home.resolve("release"))) {
			return lines.filter((line) -> line.startsWith("JAVA_VERSION="))
				.map((line) -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
				.map((version) -> Integer.parseInt(version.split("[.+-]")[0]))
				.findFirst()
				.orElse(0);
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

}
