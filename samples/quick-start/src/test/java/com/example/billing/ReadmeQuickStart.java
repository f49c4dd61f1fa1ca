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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * The files of the README's Quick start: each code block that follows a {@code <!-- quick-start: <path> -->} comment,
 * by that path, relative to the root of a new project (and of {@code samples/quick-start}); and the excerpts of
 * other files that the README shows.
 */
final class ReadmeQuickStart {

	/**
	 * Name of the block that shows only the starter's dependency, to add to an existing {@code pom.xml}.
	 */
	static final String DEPENDENCY = "dependency of pom.xml";

	private static final Pattern BLOCK = Pattern
		.compile("<!-- quick-start: ([^>]+?) -->\\n```[a-z]*\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE);

	private static final Pattern EXCERPT = Pattern.compile("<!-- excerpt of: ([^>]+?) -->\\n```[a-z]*\\n(.*?)^```$",
			Pattern.DOTALL | Pattern.MULTILINE);

	private final Map<String, String> files;

	private final Map<String, String> excerpts;

	private ReadmeQuickStart(Map<String, String> files, Map<String, String> excerpts) {
		this.files = files;
		this.excerpts = excerpts;
	}

	/**
	 * Reads the README that the build names in the system property {@code readme}.
	 */
	static ReadmeQuickStart read() {
		String readme = System.getProperty("readme");
		Assert.state(readme != null, "Run through Maven, which sets the system property 'readme'");
		try {
			return parse(Files.readString(Path.of(readme), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + readme, ex);
		}
	}

	static ReadmeQuickStart parse(String readme) {
		return new ReadmeQuickStart(blocks(BLOCK, readme), blocks(EXCERPT, readme));
	}

	private static Map<String, String> blocks(Pattern pattern, String readme) {
		Map<String, String> blocks = new LinkedHashMap<>();
		Matcher matcher = pattern.matcher(readme);
		while (matcher.find()) {
			String path = matcher.group(1);
			Assert.state(blocks.put(path, matcher.group(2)) == null, () -> "Two blocks for " + path + " in the README");
		}
		return blocks;
	}

	/**
	 * Blocks by path, in the order of the README, {@link #DEPENDENCY} among them.
	 */
	Map<String, String> files() {
		return this.files;
	}

	/**
	 * Blocks elsewhere in the README that show part of a file, by its path from the root of the repository: each
	 * follows a {@code <!-- excerpt of: <path> -->} comment.
	 */
	Map<String, String> excerpts() {
		return this.excerpts;
	}

	/**
	 * The files of a new project: every block but {@link #DEPENDENCY}.
	 */
	Map<String, String> projectFiles() {
		Map<String, String> project = new LinkedHashMap<>(this.files);
		project.remove(DEPENDENCY);
		return project;
	}

}
