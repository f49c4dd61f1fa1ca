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

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Keeps the Lua scripts of {@link RedisLeaseStore} in a native image.
 *
 * @since 0.1.0
 */
public final class RedisLeaseStoreRuntimeHints implements RuntimeHintsRegistrar {

	static final String[] SCRIPTS = { "common.lua", "acquire.lua", "renew.lua", "renew-all.lua", "release.lua", "leader.lua" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String script : SCRIPTS) {
			hints.resources().registerPattern("io/github/leaderelection/redis/" + script);
		}
	}

}
