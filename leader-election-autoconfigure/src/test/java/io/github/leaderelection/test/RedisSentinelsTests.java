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


package io.github.leaderelection.test;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.log.LogAccessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RedisSentinels}: real failovers among local processes, and one that really loses the writes a
 * replica missed, which is what the election tests on Sentinel rely on.
 */
class RedisSentinelsTests {

	private static final LogAccessor logger = new LogAccessor(RedisSentinelsTests.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private RedisSentinels sentinels;

	@BeforeEach
	void requireBinary() {
		Assumptions.assumeTrue(RedisSentinels.isAvailable(),
				"Redis Sentinel needs a local redis-server binary; test servers run in containers here");
	}

	@AfterEach
	void stop() {
		if (this.sentinels != null) {
			this.sentinels.close();
		}
	}

	@Test
	void killedMasterIsReplacedByTheReplicaThatEverySentinelReportsAndRejoinsAsItsReplica() {
		this.sentinels = RedisSentinels.start(2);
		assertThat(this.sentinels.master()).isZero();
		assertThat(this.sentinels.command(0, "SET", "key", "value")).isEqualTo("+OK");
		this.sentinels.awaitReplication();

		long killedAt = System.nanoTime();
		this.sentinels.kill(0);
		int master = this.sentinels.awaitFailover(0);
		Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
		logger.info(() -> "Sentinels agreed on a new master %d ms after kill -9 of the master"
			.formatted(failover.toMillis()));

		assertThat(master).as("the replica with the best priority").isEqualTo(1);
		assertThat(this.sentinels.reportedMasters()).containsOnly(this.sentinels.address(1));
		assertThat(this.sentinels.command(1, "ROLE")).startsWith("*3\n$6\nmaster\n");
		assertThat(this.sentinels.command(1, "GET", "key")).isEqualTo("$5\nvalue");
		// The other replica follows the new master.
		await().atMost(TIMEOUT)
			.until(() -> this.sentinels.command(2, "INFO", "replication"),
					(info) -> info.contains("master_port:" + this.sentinels.address(1).split(":")[1] + "\r\n")
							&& info.contains("master_link_status:up"));

		this.sentinels.restartAsReplica(0);
		assertThat(this.sentinels.master()).isEqualTo(1);
		assertThat(this.sentinels.command(0, "ROLE")).startsWith("*5\n$5\nslave\n");
		assertThat(this.sentinels.command(0, "GET", "key")).isEqualTo("$5\nvalue");
		assertThat(this.sentinels.command(0, "SET", "key", "other")).startsWith("-READONLY");
	}

	@Test
	void failoverToACutOffReplicaLosesTheWritesItMissed() {
		this.sentinels = RedisSentinels.start(1);
		this.sentinels.command(0, "SET", "before", "1");
		this.sentinels.awaitReplication();
		this.sentinels.cutOff(1);
		this.sentinels.command(0, "SET", "after", "1");
		assertThat(this.sentinels.command(0, "GET", "after")).isEqualTo("$1\n1");
		assertThat(this.sentinels.command(1, "GET", "after")).as("on the cut-off replica").isEqualTo("$-1");
		assertThat(this.sentinels.command(1, "INFO", "replication")).as("the replica's own view")
			.contains("master_link_status:up");

		this.sentinels.kill(0);
		assertThat(this.sentinels.awaitFailover(0)).isEqualTo(1);

		assertThat(this.sentinels.command(1, "GET", "before")).isEqualTo("$1\n1");
		assertThat(this.sentinels.command(1, "GET", "after")).as("the write after the cut").isEqualTo("$-1");
	}

	@Test
	void failoverToACutOffReplicaLosesTheWritesItMissedAgainAfterEarlierFailovers() {
		this.sentinels = RedisSentinels.start(1);
		for (int round = 1; round <= 2; round++) {
			int master = this.sentinels.master();
			int replica = this.sentinels.replicas().get(0);
			this.sentinels.command(master, "SET", "before-" + round, "1");
			this.sentinels.awaitReplication();
			this.sentinels.cutOff(replica);
			this.sentinels.command(master, "SET", "after-" + round, "1");
			assertThat(this.sentinels.replicationOffset(replica)).as("round %d", round)
				.isLessThan(this.sentinels.replicationOffset(master));

			this.sentinels.kill(master);
			assertThat(this.sentinels.awaitFailover(master)).as("round %d", round).isEqualTo(replica);
			assertThat(this.sentinels.command(replica, "GET", "before-" + round)).isEqualTo("$1\n1");
			assertThat(this.sentinels.command(replica, "GET", "after-" + round)).as("round %d", round)
				.isEqualTo("$-1");
			this.sentinels.restartAsReplica(master);
			assertThat(this.sentinels.replicas()).containsExactly(master);
		}
	}

	@Test
	void replicaThatSentinelPointedAtTheNewMasterIsCutOffThroughANewProxy() {
		this.sentinels = RedisSentinels.start(2);
		this.sentinels.kill(0);
		assertThat(this.sentinels.awaitFailover(0)).isEqualTo(1);
		String newMasterPort = this.sentinels.address(1).split(":")[1];
		// Sentinel points replica 2 at the new master itself, not through a proxy.
		await().atMost(TIMEOUT)
			.until(() -> this.sentinels.command(2, "INFO", "replication"),
					(info) -> info.contains("master_port:" + newMasterPort + "\r\n")
							&& info.contains("master_link_status:up"));
		this.sentinels.command(1, "SET", "before", "1");
		this.sentinels.awaitReplication();

		this.sentinels.cutOff(2);
		this.sentinels.command(1, "SET", "after", "1");
		assertThat(this.sentinels.command(2, "GET", "before")).isEqualTo("$1\n1");
		assertThat(this.sentinels.command(2, "GET", "after")).as("on the cut-off replica").isEqualTo("$-1");
		assertThat(this.sentinels.command(2, "INFO", "replication")).as("the replica's own view")
			.contains("master_link_status:up")
			.doesNotContain("master_port:" + newMasterPort + "\r\n");

		this.sentinels.reconnect(2);
		await().atMost(TIMEOUT).until(() -> this.sentinels.command(2, "GET", "after"), "$1\n1"::equals);
	}

	@Test
	void pausedMasterIsFailedOverAndStillBelievesItIsMasterWhenResumed() {
		this.sentinels = RedisSentinels.start(1);
		this.sentinels.pause(0);
		assertThat(this.sentinels.awaitFailover(0)).isEqualTo(1);
		this.sentinels.resume(0);
		// Until a Sentinel tells it otherwise, seconds later, a resumed master takes writes nobody will read.
		assertThat(this.sentinels.command(0, "ROLE")).startsWith("*3\n$6\nmaster\n");
		assertThat(this.sentinels.command(0, "SET", "stale", "1")).isEqualTo("+OK");
		assertThat(this.sentinels.command(1, "GET", "stale")).isEqualTo("$-1");
	}

}
