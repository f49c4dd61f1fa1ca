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


package io.github.leaderelection.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.autoconfigure.LeaderElectionAutoConfiguration;
import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Elects 2,000 roles in one JVM, through the auto-configured {@link LeaderElectors} and its lease electors, on a real
 * Redis server: every role gets a leader, and the election's threads do not grow with the number of roles. Bounds
 * are generous and nothing is timed; the figures the README quotes come from a benchmark.
 */
class ElectionScaleTests {

	private static final int FEW_ROLES = 10;

	private static final int MANY_ROLES = 2000;

	// Threads that may come and go whatever the number of roles, such as a check at start.
	private static final int SPARE_THREADS = 4;

	private static final int MAX_THREADS = 64;

	private static final Duration LEASE = Duration.ofSeconds(10);

	private static final String THREAD_PREFIX = "leader-election";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LeaderElectionAutoConfiguration.class, DataRedisAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=5s", "leader.election.instance-id=scale",
				"leader.election.lease-duration=" + LEASE.toSeconds() + "s", "leader.election.renew-interval=3s",
				// The server started moments ago, and no leader can have been lost with earlier data.
				"leader.election.redis.quarantine-new-server=false");

	@Test
	void everyRoleIsLedAndTheElectionThreadsDoNotGrowWithTheRoles() {
		Set<Thread> before = electionThreads();
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			LeaderElectors electors = context.getBean(LeaderElectors.class);
			List<LeaderElector> few = elect(electors, 0, FEW_ROLES);
			awaitLeaders(few);
			int threadsForFew = newThreads(before);
			List<LeaderElector> all = new ArrayList<>(few);
			all.addAll(elect(electors, FEW_ROLES, MANY_ROLES));
			awaitLeaders(all);
			int threadsForMany = newThreads(before);
			assertThat(threadsForMany).as("election threads for %d roles, against %d for %d roles: %s", MANY_ROLES,
					threadsForFew, FEW_ROLES, names(before))
				.isLessThanOrEqualTo(threadsForFew + SPARE_THREADS)
				.isLessThanOrEqualTo(MAX_THREADS);
			assertThat(all).allMatch(LeaderElector::isLeader);
		});
		// Closing the context stops every elector: none of their threads stays behind.
		await("election threads to end").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(newThreads(before)).as(names(before)).isZero());
	}

	private static List<LeaderElector> elect(LeaderElectors electors, int from, int to) {
		return IntStream.range(from, to).mapToObj((i) -> electors.forRole("role-" + i)).toList();
	}

	// The only instance leads every role once its claims went through: two leases are plenty.
	private static void awaitLeaders(List<LeaderElector> electors) {
		await("a leader for each of %d roles".formatted(electors.size())).atMost(LEASE.multipliedBy(2))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> electors.stream().allMatch(LeaderElector::isLeader));
	}

	private static int newThreads(Set<Thread> before) {
		return (int) electionThreads().stream().filter((thread) -> !before.contains(thread)).count();
	}

	// The election's threads that did not run before the test, by name, for a failure message.
	private static String names(Set<Thread> before) {
		List<String> names = electionThreads().stream()
			.filter((thread) -> !before.contains(thread))
			.map(Thread::getName)
			.sorted()
			.toList();
		return names.stream().limit(20).collect(Collectors.joining(", ")) + ((names.size() > 20) ? ", …" : "");
	}

	private static Set<Thread> electionThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith(THREAD_PREFIX))
			.collect(Collectors.toSet());
	}

}
