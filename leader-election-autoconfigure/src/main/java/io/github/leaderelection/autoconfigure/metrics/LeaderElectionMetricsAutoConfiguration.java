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


package io.github.leaderelection.autoconfigure.metrics;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.metrics.LeaderOnlySkipCounter;
import io.github.leaderelection.metrics.LeadershipGauges;
import io.github.leaderelection.metrics.LeadershipTermObservations;
import io.github.leaderelection.metrics.LeadershipTransitionCounter;
import io.github.leaderelection.metrics.ObservedLeaseStore;
import io.github.leaderelection.store.LeaseStoreDecorator;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the Micrometer meters and observations of leader election: gauges, counters and, through
 * observations, timers of the store calls and of the terms of leadership. Store calls and terms go to the
 * application's {@link ObservationRegistry}; without one, straight to the {@link MeterRegistry} as timers.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LeaderElectionAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ObservationRegistry.class })
@ConditionalOnBean(LeaderElectors.class)
@EnableConfigurationProperties(LeaderElectionMetricsProperties.class)
public final class LeaderElectionMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(MeterRegistry.class)
	static class MeterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LeadershipGauges leaderElectionGauges(LeaderElectors electors, MeterRegistry registry,
				LeaderElectionMetricsProperties properties) {
			LeadershipGauges gauges = new LeadershipGauges(electors, properties.isRoleTag());
			gauges.bindTo(registry);
			return gauges;
		}

		@Bean
		@ConditionalOnMissingBean
		LeadershipTransitionCounter leaderElectionTransitionCounter(MeterRegistry registry,
				LeaderElectionMetricsProperties properties) {
			return new LeadershipTransitionCounter(registry, properties.isRoleTag());
		}

		@Bean
		@ConditionalOnMissingBean
		LeaderOnlySkipCounter leaderElectionSkipCounter(MeterRegistry registry,
				LeaderElectionMetricsProperties properties) {
			return new LeaderOnlySkipCounter(registry, properties.isRoleTag());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		LeaseStoreDecorator leaderElectionObservedLeaseStore(ObservationRegistry observations,
				ObjectProvider<MeterRegistry> meters, LeaderElectionMetricsProperties properties) {
			DistributionSummary renewals = renewalsPerCall(meters.getIfUnique());
			return (store) -> new ObservedLeaseStore(store, observations, renewals, properties.isRoleTag());
		}

		@Bean
		@ConditionalOnMissingBean
		LeadershipTermObservations leaderElectionTermObservations(ObservationRegistry observations,
				LeaderElectionMetricsProperties properties) {
			return new LeadershipTermObservations(observations, properties.isRoleTag());
		}

	}

	// Without an ObservationRegistry (Micrometer without Boot's observation support), the same timers, made by a
	// registry of the starter's own that only feeds the MeterRegistry.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnMissingBean(ObservationRegistry.class)
	static class MeterObservationConfiguration {

		@Bean
		LeaseStoreDecorator leaderElectionObservedLeaseStore(MeterRegistry meters,
				LeaderElectionMetricsProperties properties) {
			ObservationRegistry observations = meterObservations(meters);
			DistributionSummary renewals = renewalsPerCall(meters);
			return (store) -> new ObservedLeaseStore(store, observations, renewals, properties.isRoleTag());
		}

		@Bean
		@ConditionalOnMissingBean
		LeadershipTermObservations leaderElectionTermObservations(MeterRegistry meters,
				LeaderElectionMetricsProperties properties) {
			return new LeadershipTermObservations(meterObservations(meters), properties.isRoleTag());
		}

		private static ObservationRegistry meterObservations(MeterRegistry meters) {
			ObservationRegistry observations = ObservationRegistry.create();
			observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return observations;
		}

	}

	static @Nullable DistributionSummary renewalsPerCall(@Nullable MeterRegistry meters) {
		if (meters == null) {
			return null;
		}
		return DistributionSummary.builder(ObservedLeaseStore.RENEWALS)
			.description("Renewals sent in one renew-all store call")
			.baseUnit("renewals")
			.register(meters);
	}

}
