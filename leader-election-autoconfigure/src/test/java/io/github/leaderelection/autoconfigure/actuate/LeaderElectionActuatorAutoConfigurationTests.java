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

import java.util.List;
import java.util.Map;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.actuate.LeaderElectionEndpoint;
import io.github.leaderelection.actuate.LeaderElectionEndpoint.ElectionDescriptor;
import io.github.leaderelection.actuate.LeaderElectionHealthIndicator;
import io.github.leaderelection.actuate.LeaderElectionInfoContributor;
import io.github.leaderelection.actuate.LeaderLookup;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.support.LeaseLeaderElector.State;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jackson.JacksonEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.jmx.JmxEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.actuate.endpoint.jmx.ExposableJmxEndpoint;
import org.springframework.boot.actuate.endpoint.jmx.JmxEndpointsSupplier;
import org.springframework.boot.actuate.endpoint.jmx.JmxOperation;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.json.BasicJsonTester;
import org.springframework.boot.test.json.JsonContent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Conditions of the Actuator auto-configurations and the JSON the endpoint writes, in standalone mode (no store).
 */
class LeaderElectionActuatorAutoConfigurationTests {

	private static final AutoConfigurations ACTUATE = AutoConfigurations.of(
			LeaderElectionEndpointAutoConfiguration.class, LeaderElectionHealthContributorAutoConfiguration.class,
			LeaderElectionInfoContributorAutoConfiguration.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
				DataRedisAutoConfiguration.class, EndpointAutoConfiguration.class,
				JacksonEndpointAutoConfiguration.class))
		.withConfiguration(ACTUATE)
		.withPropertyValues("leader.election.mode=standalone", "leader.election.role=reports",
				"leader.election.instance-id=node-1");

	private final BasicJsonTester json = new BasicJsonTester(getClass());

	@Test
	void theAutoConfigurationsAreRegistered() {
		List<String> registered = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(registered).contains(LeaderElectionEndpointAutoConfiguration.class.getName(),
				LeaderElectionHealthContributorAutoConfiguration.class.getName(),
				LeaderElectionInfoContributorAutoConfiguration.class.getName());
	}

	@Test
	void healthAndInfoByDefaultTheEndpointOnceExposed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(LeaderElectionHealthIndicator.class)
				.hasBean("leaderElectionHealthIndicator")
				.hasSingleBean(LeaderElectionInfoContributor.class)
				.hasSingleBean(LeaderLookup.class)
				.doesNotHaveBean(LeaderElectionEndpoint.class);
		});
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=leaderelection")
			.run((context) -> assertThat(context).hasSingleBean(LeaderElectionEndpoint.class)
				.hasSingleBean(LeaderLookup.class));
	}

	@Test
	void theEndpointBacksOffWhenItsAccessIsNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=leaderelection",
					"management.endpoint.leaderelection.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(LeaderElectionEndpoint.class));
	}

	@Test
	void healthAndInfoTurnOffWithBootsSwitches() {
		this.contextRunner
			.withPropertyValues("management.health.leaderelection.enabled=false",
					"management.info.leaderelection.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LeaderElectionHealthIndicator.class)
				.doesNotHaveBean(LeaderElectionInfoContributor.class)
				.doesNotHaveBean(LeaderLookup.class));
	}

	@Test
	void everythingBacksOffWhenLeaderElectionIsDisabled() {
		this.contextRunner
			.withPropertyValues("leader.election.enabled=false",
					"management.endpoints.web.exposure.include=leaderelection")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LeaderElectors.class)
				.doesNotHaveBean(LeaderElectionEndpoint.class)
				.doesNotHaveBean(LeaderElectionHealthIndicator.class)
				.doesNotHaveBean(LeaderElectionInfoContributor.class));
	}

	@Test
	void theStarterRunsWithoutActuator() {
		new ApplicationContextRunner()
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.",
					"org.springframework.boot.health."))
			.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class,
					DataRedisAutoConfiguration.class))
			.withConfiguration(ACTUATE)
			.withPropertyValues("leader.election.mode=standalone", "leader.election.role=reports",
					"management.endpoints.web.exposure.include=*")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean("leaderElectionEndpoint")
					.doesNotHaveBean("leaderElectionHealthIndicator")
					.doesNotHaveBean("leaderElectionInfoContributor")
					.doesNotHaveBean("leaderElectionLeaderLookup");
				assertThat(context.getBean(LeaderElectors.class).defaultElector().isLeader()).isTrue();
			});
	}

	@Test
	void theEndpointWritesTheElectionAsJson() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=leaderelection")
			.run((context) -> {
				context.getBean(LeaderElectors.class).forRole("cleanup");
				ElectionDescriptor election = context.getBean(LeaderElectionEndpoint.class).election();
				JsonContent<Object> written = this.json
					.from(context.getBean(EndpointJsonMapper.class).get().writeValueAsString(election));
				assertThat(written).extractingJsonPathStringValue("$.mode").isEqualTo("standalone");
				assertThat(written).extractingJsonPathStringValue("$.store").isEqualTo("none");
				assertThat(written).extractingJsonPathStringValue("$.instanceId").isEqualTo("node-1");
				assertThat(written).extractingJsonPathStringValue("$.defaultRole").isEqualTo("reports");
				assertThat(written).extractingJsonPathMapValue("$.roles").containsOnlyKeys("cleanup", "reports");
				assertThat(written).extractingJsonPathStringValue("$.roles.reports.state").isEqualTo("LEADING");
				assertThat(written).extractingJsonPathNumberValue("$.roles.reports.fencingToken").isEqualTo(1);
				assertThat(written).extractingJsonPathStringValue("$.roles.reports.leader.instanceId")
					.isEqualTo("node-1");
				assertThat(written).extractingJsonPathStringValue("$.roles.reports.leader.acquiredAt")
					.matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
				// Standalone electors hold no lease and call no store; nulls are left out.
				assertThat(written).doesNotHaveJsonPath("$.roles.reports.remainingLease")
					.doesNotHaveJsonPath("$.roles.reports.lastStoreContact")
					.doesNotHaveJsonPath("$.roles.reports.error");
			});
	}

	@Test
	void theSelectorReadsOneRoleAndCreatesNoElector() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=leaderelection")
			.run((context) -> {
				LeaderElectionEndpoint endpoint = context.getBean(LeaderElectionEndpoint.class);
				LeaderElectors electors = context.getBean(LeaderElectors.class);
				assertThat(endpoint.role("reports")).satisfies((role) -> {
					assertThat(role).isNotNull();
					assertThat(role.state()).isEqualTo(State.LEADING);
					assertThat(role.leader()).isNotNull();
				});
				assertThat(endpoint.role("orders")).isNull();
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint.yieldLeadership("orders"))
					.withMessageContaining("No elector for role 'orders'");
				assertThat(electors.electors()).singleElement()
					.satisfies((elector) -> assertThat(elector.role()).isEqualTo("reports"));
			});
	}

	@Test
	void theWriteIsOffByDefaultAndOnOnceAccessIsUnrestricted() {
		ApplicationContextRunner jmx = this.contextRunner
			.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class, JmxEndpointAutoConfiguration.class))
			.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=leaderelection");
		jmx.run((context) -> assertThat(operations(context.getBean(JmxEndpointsSupplier.class)))
			.containsExactly(OperationType.READ, OperationType.READ));
		// Upper case: the runner's environment has none of Boot's lenient conversions, an application's has.
		jmx.withPropertyValues("management.endpoint.leaderelection.access=UNRESTRICTED")
			.run((context) -> assertThat(operations(context.getBean(JmxEndpointsSupplier.class)))
				.containsExactlyInAnyOrder(OperationType.READ, OperationType.READ, OperationType.WRITE));
	}

	@Test
	void healthIsUpWithDetailsPerRole() {
		this.contextRunner.run((context) -> {
			context.getBean(LeaderElectors.class).forRole("cleanup");
			Health health = context.getBean(LeaderElectionHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsOnlyKeys("roles");
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> roles = (Map<String, Map<String, Object>>) health.getDetails()
				.get("roles");
			assertThat(roles).containsOnlyKeys("cleanup", "reports");
			assertThat(roles.get("reports")).containsEntry("state", State.LEADING).containsEntry("fencingToken", 1L);
		});
	}

	@Test
	void infoNamesTheLeaderOfEachRole() {
		this.contextRunner.run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean(LeaderElectionInfoContributor.class).contribute(builder);
			assertThat(builder.build().getDetails()).containsOnlyKeys("leaderElection");
			assertThat(builder.build().get("leaderElection")).isEqualTo(Map.of("roles", Map.of("reports",
					Map.of("leader", "node-1", "hostname", hostname(context), "since", since(context),
							"fencingToken", 1L))));
		});
	}

	private static String hostname(org.springframework.context.ApplicationContext context) {
		return context.getBean(LeaderElectors.class).defaultElector().currentLeader().orElseThrow().hostname();
	}

	private static String since(org.springframework.context.ApplicationContext context) {
		return context.getBean(LeaderElectors.class)
			.defaultElector()
			.currentLeader()
			.orElseThrow()
			.acquiredAt()
			.toString();
	}

	private static List<OperationType> operations(JmxEndpointsSupplier supplier) {
		ExposableJmxEndpoint endpoint = supplier.getEndpoints()
			.stream()
			.filter((candidate) -> candidate.getEndpointId().toString().equals("leaderelection"))
			.findFirst()
			.orElseThrow();
		return endpoint.getOperations().stream().map(JmxOperation::getType).toList();
	}

}
