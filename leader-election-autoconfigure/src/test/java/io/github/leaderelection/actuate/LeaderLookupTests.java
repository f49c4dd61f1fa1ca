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

package io.github.leaderelection.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.actuate.LeaderLookup.Reading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LeaderLookup} and the info contributor on electors whose store reads the test controls: failures, reads
 * that hang past the bound, and a lookup saturated by hung reads.
 */
class LeaderLookupTests {

	private final LeaderLookup lookup = new LeaderLookup(Duration.ofMillis(200));

	private final CountDownLatch hang = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.hang.countDown();
		this.lookup.close();
	}

	@Test
	void aFailedReadIsAnErrorNamingTheException() {
		Map<String, Reading> readings = this.lookup.read(List.of(elector("orders", () -> {
			throw new IllegalStateException("Store unreachable");
		}), elector("reports", Optional::empty)));
		assertThat(readings).containsExactly(
				Map.entry("orders", new Reading(null, "IllegalStateException: Store unreachable")),
				Map.entry("reports", new Reading(null, null)));
	}

	@Test
	void aReadThatHangsIsAnErrorOnceTheBoundHasPassed() {
		LeaderInfo leader = leader("billing");
		Map<String, Reading> readings = this.lookup.read(
				List.of(elector("billing", () -> Optional.of(leader)), elector("orders", this::hangs),
						elector("reports", Optional::empty)));
		assertThat(readings).containsExactly(Map.entry("billing", new Reading(leader, null)),
				Map.entry("orders",
						new Reading(null, "No answer from the store within 200 ms (read in turn with other roles)")),
				Map.entry("reports",
						new Reading(null, "No answer from the store within 200 ms (read in turn with other roles)")));
	}

	@Test
	void requestsBeyondTheWaitingOnesAreAnsweredAtOnce() {
		LeaderElector hung = elector("orders", this::hangsUninterruptibly);
		// Two reads hang on the two threads, sixteen wait behind them: the next finds no room.
		for (int i = 0; i < 18; i++) {
			assertThat(this.lookup.read(hung).error()).startsWith("No answer from the store within 200 ms");
		}
		assertThat(this.lookup.read(hung).error())
			.isEqualTo("Not read: too many reads of the store are waiting already");
	}

	@Test
	void infoShowsWhoLeadsNoneAndErrors() {
		LeaderInfo leader = leader("billing");
		List<LeaderElector> electors = List.of(elector("billing", () -> Optional.of(leader)),
				elector("orders", Optional::empty), elector("reports", this::hangs));
		LeaderElectors registry = new LeaderElectors("billing",
				(role) -> electors.stream().filter((elector) -> elector.role().equals(role)).findFirst().orElseThrow());
		electors.forEach((elector) -> registry.forRole(elector.role()));
		Info.Builder builder = new Info.Builder();
		new LeaderElectionInfoContributor(registry, this.lookup).contribute(builder);
		Map<String, Object> billing = Map.of("leader", "node-1", "hostname", "host", "since", "2026-01-01T00:00:01Z",
				"fencingToken", 7L);
		Map<String, Object> orders = new LinkedHashMap<>();
		orders.put("leader", null);
		assertThat(builder.build().get("leaderElection")).isEqualTo(Map.of("roles", Map.of("billing", billing,
				"orders", orders, "reports",
				Map.of("error", "No answer from the store within 200 ms (read in turn with other roles)"))));
	}

	private Optional<LeaderInfo> hangs() {
		try {
			this.hang.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted");
		}
		return Optional.empty();
	}

	// A store client that does not react to interrupts keeps its thread until the store answers.
	private Optional<LeaderInfo> hangsUninterruptibly() {
		List<InterruptedException> interrupts = new ArrayList<>();
		while (true) {
			try {
				this.hang.await();
				if (!interrupts.isEmpty()) {
					Thread.currentThread().interrupt();
				}
				return Optional.empty();
			}
			catch (InterruptedException ex) {
				interrupts.add(ex);
			}
		}
	}

	private static LeaderInfo leader(String role) {
		return new LeaderInfo(role, "node-1", "host", Instant.parse("2026-01-01T00:00:00Z"),
				Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:02Z"), 7);
	}

	private static LeaderElector elector(String role, Supplier<Optional<LeaderInfo>> currentLeader) {
		return new LeaderElector() {

			@Override
			public String role() {
				return role;
			}

			@Override
			public String instanceId() {
				return "node-2";
			}

			@Override
			public boolean isLeader() {
				return false;
			}

			@Override
			public Optional<Leadership> leadership() {
				return Optional.empty();
			}

			@Override
			public Optional<LeaderInfo> currentLeader() {
				return currentLeader.get();
			}

			@Override
			public void yieldLeadership() {
			}

			@Override
			public boolean awaitLeadership(Duration timeout) {
				return false;
			}

		};
	}

}
