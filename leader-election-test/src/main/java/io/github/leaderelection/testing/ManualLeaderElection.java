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

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;
import org.springframework.test.context.TestPropertySource;

/**
 * Puts leadership in the test's hands: on a {@code @SpringBootTest} (or a test slice), the application's electors
 * are replaced with a {@link LeaderElectionTester} bean that grants and revokes roles on demand. No store is used
 * and Redis is never contacted (the annotation sets {@code leader.election.mode=standalone}, so that no
 * {@code RedisLeaseStore} is created); {@code @LeaderOnly}, injected electors and leadership events follow what the
 * test decides.
 *
 * @since 0.1.0
 * @see LeaderElectionTester
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration(ManualLeaderElectionAutoConfiguration.class)
@PropertyMapping("leader.election.test")
@TestPropertySource(properties = "leader.election.mode=standalone")
public @interface ManualLeaderElection {

	/**
	 * Whether this instance leads every role from the start, and again after each test method, as a single instance
	 * would; by default it follows every role until the test grants it.
	 */
	boolean leader() default false;

}
