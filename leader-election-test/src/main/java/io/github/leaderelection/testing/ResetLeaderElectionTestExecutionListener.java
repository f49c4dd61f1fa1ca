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


package io.github.leaderelection.testing;

import java.util.Optional;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Gives each test method a fresh {@link LeaderElectionTester} in a context that tests share: its records start empty,
 * and after the method every role returns to its state at start. Registered in {@code META-INF/spring.factories}.
 */
final class ResetLeaderElectionTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		tester(testContext).ifPresent(LeaderElectionTester::clearRecords);
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		tester(testContext).ifPresent(LeaderElectionTester::reset);
	}

	private static Optional<LeaderElectionTester> tester(TestContext testContext) {
		// Never loads a context for a test that has none yet.
		if (!testContext.hasApplicationContext()) {
			return Optional.empty();
		}
		ApplicationContext context = testContext.getApplicationContext();
		return context.getBeanProvider(LeaderElectionTester.class).stream().findFirst();
	}

}
