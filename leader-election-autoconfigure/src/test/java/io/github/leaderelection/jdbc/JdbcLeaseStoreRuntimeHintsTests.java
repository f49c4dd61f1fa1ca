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

package io.github.leaderelection.jdbc;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcLeaseStoreRuntimeHintsTests {

	@Test
	void keepsEverySchemaScriptOfTheStore() throws IOException {
		RuntimeHints hints = new RuntimeHints();
		new JdbcLeaseStoreRuntimeHints().registerHints(hints, getClass().getClassLoader());
		List<String> scripts = scripts();
		assertThat(scripts).contains("schema-postgresql.sql", "schema-mariadb.sql", "schema-mysql.sql",
				"schema-h2.sql");
		assertThat(scripts).allSatisfy((script) -> assertThat(
				RuntimeHintsPredicates.resource().forResource("io/github/leaderelection/jdbc/" + script))
			.accepts(hints));
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/leaderelection/jdbc/other.txt"))
			.rejects(hints);
	}

	@Test
	void isRegisteredForSpringAot() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.hasAtLeastOneElementOfType(JdbcLeaseStoreRuntimeHints.class);
	}

	private static List<String> scripts() throws IOException {
		Resource[] resources = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:io/github/leaderelection/jdbc/schema-*.sql");
		return Arrays.stream(resources).map(Resource::getFilename).toList();
	}

}
