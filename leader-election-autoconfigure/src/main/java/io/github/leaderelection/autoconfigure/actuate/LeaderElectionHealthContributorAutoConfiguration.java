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

package io.github.leaderelection.autoconfigure.actuate;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code leaderElection} health contributor, when Spring Boot's health support is on the
 * class path; {@code management.health.leaderelection.enabled=false} turns it off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
public final class LeaderElectionHealthContributorAutoConfiguration {

	// Boot's health conditions go on a nested class: one whose classes are missing must not be loaded at all.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(LeaderElectors.class)
	@ConditionalOnEnabledHealthIndicator("leaderelection")
	static class HealthIndicatorConfiguration {

		// The bean name gives the contributor its name, leaderElection.
		@Bean
		@ConditionalOnMissingBean(name = "leaderElectionHealthIndicator")
		LeaderElectionHealthIndicator leaderElectionHealthIndicator(LeaderElectors electors) {
			return new LeaderElectionHealthIndicator(electors);
		}

	}

}
