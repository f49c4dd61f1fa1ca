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
package io.github.leaderelection.autoconfigure;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnlyAdvisor;
import io.github.leaderelection.support.DisabledLeaderElector;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for an instance that takes no part in leader election ({@code leader.election.enabled=false}):
 * its electors never lead, so {@code @LeaderOnly} methods are skipped rather than run on every instance, and code that
 * injects a {@link LeaderElector} still starts.
 *
 * @since 0.2.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "leader.election.enabled", havingValue = false)
@Import(LeaderOnlyProxyRegistrar.class)
public final class DisabledLeaderElectionAutoConfiguration {

	// Under the name of the auto-configuration users look for at start.
	private static final LogAccessor logger = new LogAccessor(LeaderElectionAutoConfiguration.class);

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LeaderOnlyAdvisor leaderOnlyAdvisor(ObjectProvider<LeaderElectors> electors) {
		return new LeaderOnlyAdvisor(electors);
	}

	// Nothing is validated or started: the settings of an election that does not run cannot be wrong.
	@Bean
	@ConditionalOnMissingBean
	LeaderElectors leaderElectors(Environment environment) {
		String role = environment.getProperty("leader.election.role");
		if (!StringUtils.hasText(role)) {
			role = environment.getProperty("spring.application.name");
		}
		String defaultRole = (role != null && LeaderElectionProperties.isValidName(role)) ? role : "default";
		String instanceId = environment.getProperty("leader.election.instance-id");
		String id = (instanceId != null && StringUtils.hasText(instanceId)) ? instanceId
				: LeaderElectionAutoConfiguration.generateInstanceId();
		logger.warn("leader.election.enabled is false: this instance takes no part in leader election and never "
				+ "leads, so its @LeaderOnly methods do not run here and every LeaderElector answers isLeader() "
				+ "false. Remove the setting to elect a leader, or set leader.election.mode=standalone for an "
				+ "instance that runs alone and always leads.");
		return new LeaderElectors(defaultRole, (name) -> new DisabledLeaderElector(name, id));
	}

	@Bean
	@ConditionalOnMissingBean
	LeaderElector leaderElector(LeaderElectors electors) {
		return electors.defaultElector();
	}

}
