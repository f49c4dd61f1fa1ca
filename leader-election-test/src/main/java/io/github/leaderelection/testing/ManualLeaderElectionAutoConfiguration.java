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

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Replaces the application's {@link LeaderElectors} with those of a {@link LeaderElectionTester}, so that a test
 * grants and revokes leadership by hand. Imported by {@link ManualLeaderElection @ManualLeaderElection}; runs before
 * {@link LeaderElectionAutoConfiguration}, which then backs off from creating electors of its own and still sets up
 * {@code @LeaderOnly} and the default role's {@code LeaderElector} bean.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = LeaderElectionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionProperties.class)
public final class ManualLeaderElectionAutoConfiguration {

	/**
	 * Whether this instance leads every role from the start; set by {@link ManualLeaderElection#leader()}.
	 */
	static final String LEADER_PROPERTY = "leader.election.test.leader";

	/**
	 * Instance id of a test that sets no {@code leader.election.instance-id}.
	 */
	static final String DEFAULT_INSTANCE_ID = "test-instance";

	@Bean
	@ConditionalOnMissingBean
	LeaderElectionTester leaderElectionTester(LeaderElectionProperties properties, Environment environment,
			ApplicationEventPublisher publisher) {
		// A test of a badly configured application fails as the application would.
		properties.validate();
		String instanceId = (properties.getInstanceId() != null) ? properties.getInstanceId() : DEFAULT_INSTANCE_ID;
		boolean leader = environment.getProperty(LEADER_PROPERTY, Boolean.class, false);
		return new LeaderElectionTester(defaultRole(properties, environment), instanceId, leader, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	LeaderElectors leaderElectors(LeaderElectionTester tester) {
		return tester.electors();
	}

	// As the application resolves it: leader.election.role, else spring.application.name, else "default".
	private static String defaultRole(LeaderElectionProperties properties, Environment environment) {
		if (properties.getRole() != null) {
			return properties.getRole();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return (applicationName == null || applicationName.isBlank()) ? "default" : applicationName;
	}

}
