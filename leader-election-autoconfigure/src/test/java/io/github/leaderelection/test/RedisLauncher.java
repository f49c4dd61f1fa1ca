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

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Starts Redis servers from the first source this JVM finds, chosen once: the binary named by the {@code REDIS_SERVER}
 * environment variable; a Testcontainers container when a Docker engine is available; {@code redis-server} on the
 * {@code PATH}; the binary bundled in {@code com.github.codemonstur:embedded-redis}.
 */
final class RedisLauncher {

	static final String ENVIRONMENT_VARIABLE = "REDIS_SERVER";

	private static final LogAccessor logger = new LogAccessor(RedisLauncher.class);

	private static @Nullable Source source;

	private RedisLauncher() {
	}

	static RedisBackend launch() {
		Path binary = source().binary();
		return (binary != null) ? RedisProcess.launch(binary) : RedisServerContainer.launch();
	}

	/**
	 * A local process with extra command-line {@code options}; containers take none.
	 */
	static RedisBackend launch(List<String> options) {
		Path binary = source().binary();
		Assert.state(binary != null,
				"redis-server options need a local redis-server binary; servers run in containers here");
		return RedisProcess.launch(binary, options);
	}

	/**
	 * The {@code redis-server} binary that servers run from; empty when they run in containers.
	 */
	static Optional<Path> binary() {
		return Optional.ofNullable(source().binary());
	}

	private static synchronized Source source() {
		Source source = RedisLauncher.source;
		if (source == null) {
			source = find();
			Source chosen = source;
			logger.info(() -> "Test Redis servers run " + chosen.description());
			RedisLauncher.source = source;
		}
		return source;
	}

	private static Source find() {
		String configured = System.getenv(ENVIRONMENT_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			Path binary = Path.of(configured);
			if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
				throw new IllegalStateException(
						"%s=%s is no executable redis-server".formatted(ENVIRONMENT_VARIABLE, configured));
			}
			return new Source(binary, binary + " (from $" + ENVIRONMENT_VARIABLE + ")");
		}
		if (isDockerAvailable()) {
			return new Source(null, "in Testcontainers (Docker is available)");
		}
		Path onPath = findOnPath();
		if (onPath != null) {
			return new Source(onPath, onPath + " (found on the PATH)");
		}
		String resource = embeddedResource();
		return new Source(extract(resource), "the binary " + resource + " bundled in embedded-redis");
	}

	private static boolean isDockerAvailable() {
		if (!ClassUtils.isPresent("org.testcontainers.DockerClientFactory", RedisLauncher.class.getClassLoader())) {
			return false;
		}
		try {
			return RedisServerContainer.isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			logger.debug(ex, "Docker check failed");
			return false;
		}
	}

	private static @Nullable Path findOnPath() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String directory : path.split(File.pathSeparator)) {
			if (!directory.isEmpty()) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

	private static String embeddedResource() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.equals("aarch64") || arch.equals("arm64");
		boolean amd64 = arch.equals("amd64") || arch.equals("x86_64");
		if (os.contains("linux") && amd64) {
			return "redis-server-6.2.6-v5-linux-amd64";
		}
		if (os.contains("linux") && arm) {
			return "redis-server-6.2.7-linux-arm64";
		}
		if (os.contains("mac") && amd64) {
			return "redis-server-6.2.6-v5-darwin-amd64";
		}
		if (os.contains("mac") && arm) {
			return "redis-server-6.2.6-v5-darwin-arm64";
		}
		throw new IllegalStateException(("No redis-server for %s/%s: set %s to a redis-server binary, put one on the "
				+ "PATH or start Docker").formatted(os, arch, ENVIRONMENT_VARIABLE));
	}

	private static Path extract(String resource) {
		try (InputStream in = RedisLauncher.class.getResourceAsStream("/" + resource)) {
			if (in == null) {
				throw new IllegalStateException(("No redis-server found: set %s, put redis-server on the PATH, start "
						+ "Docker or add com.github.codemonstur:embedded-redis (resource %s) to the test classpath")
					.formatted(ENVIRONMENT_VARIABLE, resource));
			}
			Path binary = Files.createTempFile("embedded-redis-server-", "");
			binary.toFile().deleteOnExit();
			Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
			if (!binary.toFile().setExecutable(true, true)) {
				throw new IllegalStateException("Could not make " + binary + " executable");
			}
			return binary;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not extract " + resource + " from embedded-redis", ex);
		}
	}

	/**
	 * Where servers come from: a binary, or a container when {@code binary} is {@code null}.
	 */
	private record Source(@Nullable Path binary, String description) {

	}

}
