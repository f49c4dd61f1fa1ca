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
import io.github.leaderelection.actuate.LeaderElectionEndpoint;
import io.github.leaderelection.actuate.LeaderLookup;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.store.LeaseStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the {@code leaderelection} endpoint, when Actuator is on the class path and the endpoint is
 * available (accessible and exposed).
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
public final class LeaderElectionEndpointAutoConfiguration {

	// Actuator's conditions go on a nested class: one whose classes are missing must not be loaded at all.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(LeaderElectors.class)
	@ConditionalOnAvailableEndpoint(LeaderElectionEndpoint.class)
	@Import(LeaderLookupConfiguration.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeaderElectionEndpoint leaderElectionEndpoint(LeaderElectors electors, ObjectProvider<LeaseStore> store,
				ObjectProvider<LeaderElectionProperties> properties, LeaderLookup lookup) {
			LeaseStore leaseStore = store.getIfAvailable();
			LeaderElectionProperties configured = properties.getIfAvailable();
			// As the electors were created: standalone, or on the store (Redis, unless the application brings
			// another).
			if (leaseStore == null || (configured != null && configured.getMode() == Mode.STANDALONE)) {
				return new LeaderElectionEndpoint(electors, "standalone", "none", lookup);
			}
			return new LeaderElectionEndpoint(electors, "redis", leaseStore.toString(), lookup);
		}

	}

}
