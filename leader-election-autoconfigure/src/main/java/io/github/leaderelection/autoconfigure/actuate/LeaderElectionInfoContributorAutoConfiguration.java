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
import io.github.leaderelection.actuate.LeaderElectionInfoContributor;
import io.github.leaderelection.actuate.LeaderLookup;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the info contributor, when Actuator is on the class path;
 * {@code management.info.leaderelection.enabled=false} turns it off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnClass({ InfoContributor.class, ConditionalOnEnabledInfoContributor.class })
public final class LeaderElectionInfoContributorAutoConfiguration {

	// Actuator's conditions go on a nested class: one whose classes are missing must not be loaded at all.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(LeaderElectors.class)
	@ConditionalOnEnabledInfoContributor("leaderelection")
	@Import(LeaderLookupConfiguration.class)
	static class InfoContributorConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeaderElectionInfoContributor leaderElectionInfoContributor(LeaderElectors electors, LeaderLookup lookup) {
			return new LeaderElectionInfoContributor(electors, lookup);
		}

	}

}
