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


package io.github.leaderelection.redis;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisLeaseStoreRuntimeHints}: every Lua script of the store stays in a native image.
 */
class RedisLeaseStoreRuntimeHintsTests {

	@Test
	void registersEveryScriptOfTheStore() throws IOException {
		RuntimeHints hints = new RuntimeHints();
		new RedisLeaseStoreRuntimeHints().registerHints(hints, getClass().getClassLoader());
		List<String> scripts = Arrays
			.stream(new PathMatchingResourcePatternResolver().getResources("classpath*:io/github/leaderelection/redis/*.lua"))
			.map(Resource::getFilename)
			.toList();
		assertThat(scripts).contains("common.lua", "renew.lua", "renew-all.lua");
		assertThat(scripts).allSatisfy((script) -> assertThat(
				RuntimeHintsPredicates.resource().forResource("io/github/leaderelection/redis/" + script))
			.as(script)
			.accepts(hints));
	}

}
