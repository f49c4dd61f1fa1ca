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

import java.net.InetAddress;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnlyAdvisor;
import io.github.leaderelection.annotation.LeaderOnlyListener;
import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.store.LeaseStore;
import io.github.leaderelection.store.LeaseStoreDecorator;
import io.github.leaderelection.support.ElectionRuntime;
import io.github.leaderelection.support.LeaseLeaderElector;
import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.support.StandaloneLeaderElector;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for leader election: the electors, their events and {@code @LeaderOnly}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "leader.election.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeaderElectionProperties.class)
@Import({ RedisLeaseStoreConfiguration.class, JdbcLeaseStoreConfiguration.class, LeaderOnlyProxyRegistrar.class })
public final class LeaderElectionAutoConfiguration {

	private static final LogAccessor logger = new LogAccessor(LeaderElectionAutoConfiguration.class);

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static LeaderOnlyAdvisor leaderOnlyAdvisor(ObjectProvider<LeaderElectors> electors,
			ObjectProvider<LeaderOnlyListener> listeners) {
		return new LeaderOnlyAdvisor(electors, listeners);
	}

	// Closed as the context is destroyed, after every elector has stopped in its lifecycle phase.
	@Bean
	@ConditionalOnMissingBean
	ElectionRuntime leaderElectionRuntime(Environment environment) {
		return Threading.VIRTUAL.isActive(environment) ? ElectionRuntime.virtualThreads()
				: ElectionRuntime.platformThreads(ElectionRuntime.DEFAULT_IO_THREADS);
	}

	@Bean
	@ConditionalOnMissingBean
	LeaderElectors leaderElectors(LeaderElectionProperties properties, ObjectProvider<LeaseStore> store,
			ApplicationEventPublisher publisher, Environment environment, ElectionRuntime runtime,
			ObjectProvider<LeaseStoreDecorator> decorators) {
		properties.validate(environment);
		properties.validateRoleProperties(environment);
		String role = defaultRole(properties, environment);
		String instanceId = (properties.getInstanceId() != null) ? properties.getInstanceId() : generateInstanceId();
		String hostname = hostname();
		LeadershipEventPublisher events = new LeadershipEventPublisher(publisher);
		LeaseStore leaseStore = decorate(store.getIfAvailable(), decorators);
		Function<String, LeaderElector> factory;
		if (properties.getMode() == Mode.STANDALONE || (properties.getMode() == Mode.AUTO && leaseStore == null)) {
			if (properties.getMode() == Mode.AUTO) {
				FailOpenWarnings.standaloneInAutoMode();
			}
			factory = (name) -> new StandaloneLeaderElector(name, instanceId, hostname, events);
		}
		else if (leaseStore == null && properties.getMode() == Mode.JDBC) {
			throw new InvalidConfigurationPropertyValueException("leader.election.mode", properties.getMode(),
					"Needs a DataSource bean and Spring JDBC, and there is none: add leader-election-spring-boot-starter-jdbc (or spring-boot-starter-jdbc) and your database's JDBC driver, and configure spring.datasource.url; or set the mode to redis or standalone.");
		}
		else if (leaseStore == null) {
			throw new InvalidConfigurationPropertyValueException("leader.election.mode", properties.getMode(),
					"Needs a RedisConnectionFactory bean, and there is none: add spring-boot-starter-data-redis and configure spring.data.redis, or set the mode to standalone.");
		}
		else {
			if (properties.getRole() == null && !StringUtils.hasText(environment.getProperty("spring.application.name"))) {
				FailOpenWarnings.defaultRoleWithoutApplicationName();
			}
			factory = (name) -> new LeaseLeaderElector(name, instanceId, hostname, leaseStore,
					properties.settingsFor(name), events, runtime);
		}
		// All roles stop at once, so the registry waits as long as the slowest elector may take.
		LeaderElectors electors = new LeaderElectors(role, factory, properties.stopTimeout());
		electors.onStop(events::close);
		electors.onStop(() -> logUnusedRoles(properties, electors, true));
		return electors;
	}

	// Decorated once: the electors batch their renewals per store instance, so all must share the one wrapped store.
	private static @Nullable LeaseStore decorate(@Nullable LeaseStore store,
			ObjectProvider<LeaseStoreDecorator> decorators) {
		if (store == null) {
			return null;
		}
		LeaseStore decorated = store;
		for (LeaseStoreDecorator decorator : decorators.orderedStream().toList()) {
			decorated = decorator.decorate(decorated);
		}
		return decorated;
	}

	// A view of the registry: @LeaderOnly asks LeaderElectors, so that is the bean to replace to change its answer.
	@Bean
	@ConditionalOnMissingBean
	LeaderElector leaderElector(LeaderElectors electors) {
		return electors.defaultElector();
	}

	@Bean
	static SmartInitializingSingleton leaderOnlyRoles(ObjectProvider<LeaderOnlyAdvisor> advisor,
			ObjectProvider<LeaderElectors> electors, ObjectProvider<LeaderElectionProperties> properties) {
		// Runs once every singleton is proxied: the named roles are known, and their elections start with the
		// context rather than at the first call.
		return () -> electors.ifAvailable((registry) -> {
			advisor.ifAvailable((leaderOnly) -> leaderOnly.declaredRoles().forEach(registry::forRole));
			properties.ifAvailable((configured) -> logUnusedRoles(configured, registry, false));
		});
	}

	// A misspelt role name under leader.election.roles configures a role nobody elects, while the role meant runs on
	// the global settings. Code may ask for a role only later, in the first run of a job, so the start can only tell
	// (at INFO) what is unused so far; the stop tells (at WARN) what went unused for the whole run.
	static void logUnusedRoles(LeaderElectionProperties properties, LeaderElectors registry, boolean stopping) {
		Set<String> used = new HashSet<>();
		used.add(registry.defaultRole());
		registry.electors().forEach((elector) -> used.add(elector.role()));
		List<String> unused = properties.getRoles()
			.keySet()
			.stream()
			.filter((role) -> !used.contains(role))
			.toList();
		if (unused.isEmpty()) {
			return;
		}
		String roles = unused.stream().map((role) -> "'" + role + "'").collect(Collectors.joining(", "));
		String them = (unused.size() == 1) ? "it" : "them";
		if (stopping) {
			logger.warn(() -> ("leader.election.roles configures %s, but no @LeaderOnly method or "
					+ "LeaderElectors.forRole used %s while the application ran: check the name").formatted(roles,
							them));
		}
		else {
			logger.info(() -> ("leader.election.roles configures %s, which no @LeaderOnly method or "
					+ "LeaderElectors.forRole uses yet; a role first used later takes its settings then")
				.formatted(roles));
		}
	}

	static String defaultRole(LeaderElectionProperties properties, Environment environment) {
		if (properties.getRole() != null) {
			return properties.getRole();
		}
		String applicationName = environment.getProperty("spring.application.name");
		if (applicationName == null || applicationName.isBlank()) {
			return "default";
		}
		if (applicationName.chars().anyMatch((c) -> Character.isWhitespace(c) || c == '{' || c == '}')) {
			throw new InvalidConfigurationPropertyValueException("spring.application.name", applicationName,
					"Serves as the default leader.election.role, which must not contain whitespace or braces: set leader.election.role, for example orders.");
		}
		return applicationName;
	}

	static String generateInstanceId() {
		byte[] suffix = new byte[3];
		ThreadLocalRandom.current().nextBytes(suffix);
		return hostname() + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(suffix);
	}

	static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return "localhost";
		}
	}

}
