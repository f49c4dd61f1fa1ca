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
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Quick start shows this module's files as they are, an {@code application.yml} of properties that
 * exist, and a {@code pom.xml} that uses this build's starter and Spring Boot. {@link FreshProjectIT} builds that project.
 */
class QuickStartReadmeTests {

	private static final Path REPOSITORY = Path.of(System.getProperty("readme")).getParent();

	private static final Path MODULE = REPOSITORY.resolve("samples/quick-start");

	private final ReadmeQuickStart readme = ReadmeQuickStart.read();

	@Test
	void readmeShowsEveryFileOfANewProject() throws IOException {
		assertThat(this.readme.files()).containsOnlyKeys(ReadmeQuickStart.DEPENDENCY, "pom.xml",
				"src/main/resources/application.yml", "src/main/java/com/example/billing/ReportJob.java",
				"src/main/java/com/example/billing/BillingApplication.java",
				"src/main/java/com/example/billing/LeadershipLog.java");
		try (Stream<Path> sources = Files.walk(MODULE.resolve("src/main"))) {
			List<String> files = sources.filter(Files::isRegularFile)
				.map((file) -> MODULE.relativize(file).toString())
				.filter((file) -> !file.endsWith("package-info.java"))
				.toList();
			assertThat(this.readme.files()).containsKeys(files.toArray(String[]::new));
		}
	}

	@Test
	void readmeBlocksEqualTheFilesOfThisModule() throws IOException {
		for (Map.Entry<String, String> block : this.readme.projectFiles().entrySet()) {
			if (!block.getKey().equals("pom.xml")) {
				String file = Files.readString(MODULE.resolve(block.getKey()), StandardCharsets.UTF_8);
				assertThat(block.getValue()).as("README block of %s", block.getKey())
					.isEqualTo(withoutLicenseHeader(file));
			}
		}
	}

	@Test
	void excerptsAreTheFilesText() throws IOException {
		assertThat(this.readme.excerpts()).isNotEmpty();
		for (Map.Entry<String, String> excerpt : this.readme.excerpts().entrySet()) {
			String file = Files.readString(REPOSITORY.resolve(excerpt.getKey()), StandardCharsets.UTF_8);
			assertThat(unindented(file)).as("%s, shown in the README", excerpt.getKey())
				.contains(unindented(excerpt.getValue()));
		}
	}

	@Test
	void dependencyIsTheOneOfThePom() {
		String dependency = this.readme.files().get(ReadmeQuickStart.DEPENDENCY);
		assertThat(dependency).contains("<artifactId>leader-election-spring-boot-starter</artifactId>")
			.contains("<version>" + System.getProperty("project.version") + "</version>");
		assertThat(unindented(this.readme.files().get("pom.xml"))).contains(unindented(dependency));
	}

	@Test
	void applicationYmlNamesOnlyPropertiesThatExist() throws IOException {
		String yaml = this.readme.files().get("src/main/resources/application.yml");
		Set<String> known = knownProperties();
		List<String> names = new ArrayList<>();
		for (PropertySource<?> source : new YamlPropertySourceLoader().load("README",
				new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))) {
			names.addAll(List.of(((EnumerablePropertySource<?>) source).getPropertyNames()));
		}
		assertThat(names).contains("spring.data.redis.host", "leader.election.lease-duration");
		assertThat(known).containsAll(names);
	}

	@Test
	void pomUsesTheSpringBootOfTheBuild() {
		assertThat(this.readme.files().get("pom.xml"))
			.contains("<artifactId>spring-boot-starter-parent</artifactId>\n\t\t<version>"
					+ SpringBootVersion.getVersion() + "</version>")
			.contains("<java.version>17</java.version>");
	}

	// Every property name in the configuration metadata of the jars on the class path: ours, Boot's, Spring Data's.
	private static Set<String> knownProperties() throws IOException {
		Set<String> names = new HashSet<>();
		Pattern name = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
		Enumeration<URL> files = QuickStartReadmeTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		for (URL file : Collections.list(files)) {
			try (InputStream in = file.openStream()) {
				Matcher matcher = name.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				while (matcher.find()) {
					names.add(matcher.group(1));
				}
			}
		}
		return names;
	}

	private static String withoutLicenseHeader(String source) {
		return source.startsWith("/*") ? source.substring(source.indexOf("*/\n") + 3).stripLeading() : source;
	}

	private static String unindented(String xml) {
		return xml.lines().map(String::strip).reduce("", (all, line) -> all + line + "\n");
	}

}
