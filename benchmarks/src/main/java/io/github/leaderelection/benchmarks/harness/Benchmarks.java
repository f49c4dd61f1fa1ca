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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * Runs the benchmarks and writes {@code results.md}, {@code results.json} and {@code handover-failover.svg}.
 * System properties: {@code benchmarks.profile} ({@code full}, the default, or {@code smoke}),
 * {@code benchmarks.output} (the directory, {@code results} by default) and {@code benchmarks.only} (a comma-separated
 * subset of {@code jmh}, {@code scale} and the contenders' keys, to try one part; the committed results come from a
 * run of everything).
 */
public final class Benchmarks {

	/**
	 * The command the README names; it runs this class in the benchmarks module.
	 */
	static final String COMMAND = "./mvnw -B -DskipTests -Pbenchmarks verify -pl benchmarks -am";

	private Benchmarks() {
	}

	public static void main(String[] args) {
		Settings settings = "smoke".equals(System.getProperty("benchmarks.profile")) ? Settings.smoke()
				: Settings.full();
		Path output = Path.of(System.getProperty("benchmarks.output", "results"));
		Set<String> only = new LinkedHashSet<>();
		Arrays.stream(System.getProperty("benchmarks.only", "").split(","))
			.map(String::strip)
			.filter((part) -> !part.isEmpty())
			.forEach(only::add);
		Map<String, Object> results = run(settings, only);
		Report.write(results, output);
		Log.info("Wrote %s", output.toAbsolutePath());
		// JMH and the fixtures leave non-daemon threads behind.
		System.exit(0);
	}

	/**
	 * Runs every part, or those named in {@code only}, and returns what they measured.
	 */
	static Map<String, Object> run(Settings settings, Set<String> only) {
		long started = System.nanoTime();
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("profile", settings.profile());
		results.put("command", settings.isFull() ? COMMAND : "smoke run in ./mvnw -B verify");
		results.put("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
		results.put("environment", environment());
		Map<String, Callable<Map<String, Object>>> parts = new LinkedHashMap<>();
		if (only.isEmpty() || only.contains("jmh")) {
			parts.put("jmh", () -> JmhBenchmarks.run(settings));
		}
		for (Contender contender : Contender.all(settings)) {
			if (only.isEmpty() || only.contains(contender.key())) {
				parts.put(contender.key(), () -> ProcessScenarios.run(contender, settings));
			}
		}
		if (only.isEmpty() || only.contains("scale")) {
			parts.put("scale", () -> ScaleScenarios.run(settings));
		}
		Map<String, Map<String, Object>> measured = settings.isFull() ? oneAfterAnother(parts) : atOnce(parts);
		Map<String, Object> contenders = new LinkedHashMap<>();
		measured.forEach((key, value) -> {
			if (key.equals("jmh") || key.equals("scale")) {
				results.put(key, value);
			}
			else {
				contenders.put(key, value);
			}
		});
		results.put("contenders", contenders);
		results.put("durationSeconds", Duration.ofNanos(System.nanoTime() - started).toSeconds());
		return results;
	}

	// The full run measures one part at a time, on a machine otherwise as idle as it gets.
	private static Map<String, Map<String, Object>> oneAfterAnother(Map<String, Callable<Map<String, Object>>> parts) {
		Map<String, Map<String, Object>> results = new LinkedHashMap<>();
		parts.forEach((key, part) -> {
			try {
				results.put(key, part.call());
			}
			catch (Exception ex) {
				// One part that fails leaves the others' figures: the report shows n/a and the error.
				Log.info("%s failed: %s", key, ex);
				ex.printStackTrace(System.out);
				Map<String, Object> failed = new LinkedHashMap<>();
				failed.put("label", key);
				failed.put("error", String.valueOf(ex));
				results.put(key, failed);
			}
		});
		return results;
	}

	// The smoke run measures nothing worth quoting: all parts at once, so that their waits overlap.
	private static Map<String, Map<String, Object>> atOnce(Map<String, Callable<Map<String, Object>>> parts) {
		ExecutorService executor = Executors.newFixedThreadPool(Math.max(1, parts.size()));
		try {
			Map<String, Future<Map<String, Object>>> futures = new LinkedHashMap<>();
			parts.forEach((key, part) -> futures.put(key, executor.submit(part)));
			Map<String, Map<String, Object>> results = new LinkedHashMap<>();
			for (Map.Entry<String, Future<Map<String, Object>>> future : futures.entrySet()) {
				try {
					results.put(future.getKey(), future.getValue().get());
				}
				catch (ExecutionException ex) {
					// The first line of the cause in the message: a build log's tail shows little more.
					Throwable cause = ex.getCause();
					String reason = String.valueOf((cause != null) ? cause.getMessage() : ex.getMessage()).lines()
						.findFirst()
						.orElse("");
					throw new IllegalStateException(future.getKey() + " failed: " + reason, cause);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted", ex);
				}
			}
			return results;
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static Map<String, Object> environment() {
		Map<String, Object> environment = new LinkedHashMap<>();
		environment.put("cpu", cpuModel());
		environment.put("cores", Runtime.getRuntime().availableProcessors());
		environment.put("memory", memory());
		environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		environment.put("loadAverageAtStart", firstLine(Path.of("/proc/loadavg")));
		environment.put("jdk", "%s %s (%s)".formatted(System.getProperty("java.vm.vendor"),
				System.getProperty("java.runtime.version"), System.getProperty("java.vm.name")));
		environment.put("childJvmOptions", String.join(" ", ProcessScenarios.jvmOptions()));
		Properties versions = new Properties();
		try (InputStream in = Benchmarks.class.getResourceAsStream("/benchmark-versions.properties")) {
			if (in != null) {
				versions.load(in);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> libraries = new LinkedHashMap<>();
		libraries.put("this starter", versions.getProperty("starter", "?"));
		libraries.put("Spring Boot", SpringBootVersion.getVersion());
		libraries.put("Spring Framework", SpringVersion.getVersion());
		libraries.put("Spring Data Redis", implementationVersion("org.springframework.data.redis.core.RedisTemplate"));
		libraries.put("Lettuce", implementationVersion("io.lettuce.core.RedisClient"));
		libraries.put("Spring Integration", implementationVersion(
				"org.springframework.integration.support.leader.LockRegistryLeaderInitiator"));
		libraries.put("ShedLock", pomVersion("net.javacrumbs.shedlock", "shedlock-spring"));
		libraries.put("PostgreSQL JDBC driver", implementationVersion("org.postgresql.Driver"));
		libraries.put("HikariCP", pomVersion("com.zaxxer", "HikariCP"));
		libraries.put("JMH", versions.getProperty("jmh", "?"));
		environment.put("versions", libraries);
		return environment;
	}

	private static String implementationVersion(String className) {
		try {
			Package found = Class.forName(className, false, Benchmarks.class.getClassLoader()).getPackage();
			String version = (found != null) ? found.getImplementationVersion() : null;
			return (version != null) ? version : "?";
		}
		catch (ClassNotFoundException ex) {
			return "not on the class path";
		}
	}

	private static String pomVersion(String groupId, String artifactId) {
		Properties pom = new Properties();
		try (InputStream in = Benchmarks.class
			.getResourceAsStream("/META-INF/maven/%s/%s/pom.properties".formatted(groupId, artifactId))) {
			if (in == null) {
				return "?";
			}
			pom.load(in);
			return pom.getProperty("version", "?");
		}
		catch (IOException ex) {
			return "?";
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).strip())
				.findFirst()
				.orElse(System.getProperty("os.arch"));
		}
		catch (IOException ex) {
			return System.getProperty("os.arch");
		}
	}

	private static String memory() {
		String total = firstLine(Path.of("/proc/meminfo"));
		String[] words = total.split("\\s+");
		return (words.length >= 2 && words[0].equals("MemTotal:"))
				? "%.1f GiB".formatted(Long.parseLong(words[1]) / 1024.0 / 1024.0) : "?";
	}

	private static String firstLine(Path file) {
		try {
			return Files.readAllLines(file).stream().findFirst().orElse("?").strip();
		}
		catch (IOException ex) {
			return "?";
		}
	}

}
