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

package io.github.leaderelection.annotation;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderOnlyRuntimeHintsTests {

	@Test
	void registersAnnotatedMethodsForInvocation() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, MethodJob.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MethodJob.class, "run")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(MethodJob.class, "other")).rejects(hints);
	}

	@Test
	void registersThePublicMethodsOfAnAnnotatedClass() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, ClassJob.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ClassJob.class, "first")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ClassJob.class, "second")).accepts(hints);
	}

	static class MethodJob {

		@LeaderOnly
		void run() {
		}

		void other() {
		}

	}

	@LeaderOnly(role = "batch")
	public static class ClassJob {

		public void first() {
		}

		public void second() {
		}

	}

}
