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

package io.github.leaderelection.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.leaderelection.test.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaders running as real child JVMs, stopped the way production stops them: SIGTERM and SIGKILL.
 */
class LeaderElectionIT {

	private static final Duration LEASE = Duration.ofSeconds(2);

	private static final Duration STARTUP = Duration.ofSeconds(60);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<ChildJvm> children = new ArrayList<>();

	@AfterEach
	void stopChildren() throws InterruptedException {
		for (ChildJvm child : this.children) {
			child.close();
		}
	}

	@Test
	void terminatedLeaderHandsOverWithinOneSecond() throws Exception {
		ChildJvm first = start("first");
		first.awaitLine("ELECTION GRANTED", STARTUP);
		ChildJvm second = start("second");
		second.awaitLine("ELECTION STARTED", STARTUP);
		long terminated = System.nanoTime();
		first.terminate();
		second.awaitLine("ELECTION GRANTED", Duration.ofSeconds(10));
		Duration handover = Duration.ofNanos(second.firstLineNanos("ELECTION GRANTED") - terminated);
		assertThat(handover).as(() -> first.output() + second.output()).isLessThan(Duration.ofSeconds(1));
		assertThat(first.awaitExit(Duration.ofSeconds(10))).isTrue();
		assertThat(first.count("ELECTION REVOKED first")).as(first::output).isEqualTo(1);
		assertThat(first.lines()).anyMatch((line) -> line.text().endsWith("SHUTDOWN"));
	}

	@Test
	void killedLeaderIsReplacedOnceItsLeaseEnds() throws Exception {
		ChildJvm first = start("first");
		first.awaitLine("ELECTION GRANTED", STARTUP);
		ChildJvm second = start("second");
		second.awaitLine("ELECTION STARTED", STARTUP);
		long killed = System.nanoTime();
		first.kill();
		assertThat(first.awaitExit(Duration.ofSeconds(10))).isTrue();
		second.awaitLine("ELECTION GRANTED", Duration.ofSeconds(15));
		Duration takeover = Duration.ofNanos(second.firstLineNanos("ELECTION GRANTED") - killed);
		// The dead leader renewed at most one renew-interval before it died: its lease ends between
		// lease - renew-interval and lease after the kill.
		assertThat(takeover).as(() -> first.output() + second.output())
			.isGreaterThan(LEASE.minusMillis(500).minusMillis(100))
			.isLessThan(LEASE.plusSeconds(2));
		assertThat(first.count("ELECTION REVOKED")).isZero();
	}

	private ChildJvm start(String instanceId) throws Exception {
		ChildJvm child = ChildJvm.start(instanceId, ElectionApplication.class, "--spring.data.redis.host=" + redis.host(),
				"--spring.data.redis.port=" + redis.port(), "--leader.election.instance-id=" + instanceId,
				"--leader.election.role=it", "--leader.election.lease-duration=" + LEASE.toMillis() + "ms",
				"--leader.election.renew-interval=500ms", "--leader.election.retry-interval=250ms",
				"--leader.election.election-jitter=0ms", "--spring.main.banner-mode=off",
				"--spring.main.keep-alive=true");
		this.children.add(child);
		return child;
	}

}
