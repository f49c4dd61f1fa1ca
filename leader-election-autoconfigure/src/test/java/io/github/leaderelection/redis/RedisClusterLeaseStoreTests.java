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


package io.github.leaderelection.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.store.LeaseRenewal;
import io.github.leaderelection.store.PartialRenewalException;
import io.github.leaderelection.test.RedisCluster;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.StringUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisLeaseStore#renewAll(List)} with Lettuce and Jedis on a real three-master Redis Cluster: one
 * script call per hash slot, counted in each node's {@code INFO commandstats}, and the answers of the nodes that
 * are up while one is not.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisClusterLeaseStoreTests {

	private static final int MASTERS = 3;

	private static final int ROLES = 300;

	// Long enough to outlast the claims of all roles.
	private static final Duration LEASE = Duration.ofMinutes(1);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private static final Pattern SCRIPT_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+),");

	private static final RedisLeaseStore.Options OPTIONS = RedisLeaseStore.Options.DEFAULTS
		.withQuarantineNewServer(false);

	private static RedisCluster cluster;

	private final List<DisposableBean> factories = new ArrayList<>();

	private final List<RedisLeaseStore> stores = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		Assumptions.assumeTrue(RedisCluster.isAvailable(),
				"A Redis Cluster needs a local redis-server binary; test servers run in containers here");
		cluster = RedisCluster.start(MASTERS);
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@AfterEach
	void stopStoresAndFactories() throws Exception {
		IntStream.range(0, MASTERS).forEach(cluster::resume);
		this.stores.forEach(RedisLeaseStore::stop);
		for (DisposableBean factory : this.factories) {
			factory.destroy();
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "lettuce", "jedis" })
	void renewAllMakesOneScriptCallPerHashSlot(String client) {
		RedisLeaseStore store = store(client);
		String prefix = client + "-slots-";
		List<String> roles = roles(prefix);
		// Two roles whose keys share a slot go in one call.
		String first = roles.get(0);
		String sameSlot = IntStream.iterate(0, (i) -> i + 1)
			.mapToObj((i) -> prefix + "same-slot-" + i)
			.filter((role) -> slot(role) == slot(first))
			.findFirst()
			.orElseThrow();
		roles.add(sameSlot);
		List<LeaseRenewal> renewals = claimAll(store, roles);
		// Loaded on every node first, so that each call is one EVALSHA rather than a failed one and an EVAL.
		assertThat(store.renewAll(renewals)).containsOnly(true);
		IntStream.range(0, MASTERS)
			.forEach((node) -> assertThat(cluster.command(node, "CONFIG", "RESETSTAT")).isEqualTo("+OK"));
		List<Boolean> renewed = store.renewAll(renewals);
		assertThat(renewed).hasSize(roles.size()).containsOnly(true);
		Map<Integer, Set<Integer>> slotsOfNode = new HashMap<>();
		roles.forEach((role) -> slotsOfNode.computeIfAbsent(cluster.nodeOf(slot(role)), (node) -> new HashSet<>())
			.add(slot(role)));
		assertThat(slotsOfNode).as("roles on every master").hasSize(MASTERS);
		int slots = 0;
		for (int node = 0; node < MASTERS; node++) {
			String stats = cluster.command(node, "INFO", "commandstats");
			assertThat(scriptCalls(stats)).as("script calls on node %d", node).isEqualTo(slotsOfNode.get(node).size());
			assertThat(stats).doesNotContain("cmdstat_eval:");
			slots += slotsOfNode.get(node).size();
		}
		assertThat(slots).isLessThan(roles.size());
	}

	// Lettuce only: Jedis retries a timed-out command until after the other masters have declared the cluster down
	// (cluster-node-timeout), and from then on they refuse every command.
	@Test
	void renewAllAnswersForTheNodesThatAreUpAndTriesTheOneThatIsNotOnce(CapturedOutput output) {
		// Short, so that both calls below end well before the other masters declare the paused one failed.
		RedisLeaseStore store = store("lettuce", Duration.ofSeconds(1));
		List<String> roles = roles("partial-");
		List<LeaseRenewal> renewals = claimAll(store, roles);
		int paused = 1;
		cluster.pause(paused);
		PartialRenewalException ex = assertThatExceptionOfType(PartialRenewalException.class)
			.isThrownBy(() -> store.renewAll(renewals))
			.withCauseInstanceOf(DataAccessException.class)
			.actual();
		// Each further call to the paused node would have waited out the command timeout as well.
		assertThat(ex.getCause().getSuppressed()).isEmpty();
		for (int i = 0; i < roles.size(); i++) {
			boolean onPausedNode = cluster.nodeOf(slot(roles.get(i))) == paused;
			assertThat(ex.outcomes().get(i)).as(roles.get(i)).isEqualTo(onPausedNode ? null : true);
		}
		// The outage is told once, and its end once.
		assertThatExceptionOfType(PartialRenewalException.class).isThrownBy(() -> store.renewAll(renewals));
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), "is unreachable")).isOne();
		assertThat(output.getAll()).doesNotContain("is reachable again");
		cluster.resume(paused);
		assertThat(store.renewAll(renewals)).hasSize(roles.size()).containsOnly(true);
		assertThat(StringUtils.countOccurrencesOf(output.getAll(), "is reachable again")).isOne();
	}

	private List<String> roles(String prefix) {
		return new ArrayList<>(IntStream.range(0, ROLES).mapToObj((i) -> prefix + i).toList());
	}

	private List<LeaseRenewal> claimAll(RedisLeaseStore store, List<String> roles) {
		LeaseHolder holder = new LeaseHolder("one", "nonce-1");
		List<LeaseRenewal> renewals = new ArrayList<>();
		for (String role : roles) {
			assertThat(store.acquire(new LeaseClaim(role, holder, "localhost", Instant.EPOCH, LEASE)).isGranted())
				.as(role)
				.isTrue();
			renewals.add(new LeaseRenewal(role, holder, LEASE));
		}
		return renewals;
	}

	private RedisLeaseStore store(String client) {
		return store(client, COMMAND_TIMEOUT);
	}

	private RedisLeaseStore store(String client, Duration commandTimeout) {
		RedisLeaseStore store = new RedisLeaseStore(factory(client, commandTimeout), RedisLeaseStores.KEY_PREFIX,
				RedisLeaseStores.RESUBSCRIBE_INTERVAL, OPTIONS);
		store.start();
		this.stores.add(store);
		return store;
	}

	private RedisConnectionFactory factory(String client, Duration commandTimeout) {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(List.of(cluster.nodes().split(",")));
		if (client.equals("jedis")) {
			JedisConnectionFactory factory = new JedisConnectionFactory(configuration,
					JedisClientConfiguration.builder().connectTimeout(commandTimeout).readTimeout(commandTimeout).build());
			factory.afterPropertiesSet();
			factory.start();
			this.factories.add(factory);
			return factory;
		}
		LettuceClientConfiguration configurationOfClient = LettuceClientConfiguration.builder()
			.commandTimeout(commandTimeout)
			.shutdownTimeout(Duration.ZERO)
			.clientOptions(ClientOptions.builder()
				.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration, configurationOfClient);
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	private static int slot(String role) {
		return ClusterSlotHashUtil.calculateSlot("{" + RedisLeaseStores.KEY_PREFIX + ":" + role + "}:lock");
	}

	private static int scriptCalls(String stats) {
		Matcher matcher = SCRIPT_CALLS.matcher(stats);
		return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
	}

}
