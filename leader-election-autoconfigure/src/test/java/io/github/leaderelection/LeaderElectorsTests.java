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

package io.github.leaderelection;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.leaderelection.support.LeadershipEventPublisher;
import io.github.leaderelection.support.StandaloneLeaderElector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeaderElectors#onCreated}: every elector is told once, whether it was created before or after the
 * listener was added, also when roles are created from many threads at once.
 */
class LeaderElectorsTests {

	private final LeadershipEventPublisher events = new LeadershipEventPublisher((event) -> {
	});

	private final LeaderElectors electors = new LeaderElectors("default",
			(role) -> new StandaloneLeaderElector(role, "node-1", "localhost", this.events));

	@Test
	void listenerSeesElectorsCreatedBeforeAndAfterItOnce() {
		this.electors.forRole("orders");
		List<String> seen = new CopyOnWriteArrayList<>();
		this.electors.onCreated((elector) -> seen.add(elector.role()));
		assertThat(seen).containsExactly("orders");
		this.electors.forRole("reports");
		this.electors.forRole("orders");
		this.electors.forRole("reports");
		assertThat(seen).containsExactly("orders", "reports");
	}

	@Test
	void listenerThatThrowsDoesNotFailTheCreation() {
		this.electors.onCreated((elector) -> {
			throw new IllegalStateException("meters down");
		});
		assertThat(this.electors.forRole("orders").role()).isEqualTo("orders");
		assertThat(this.electors.electors()).hasSize(1);
	}

	@Test
	void listenerAddedWhileRolesAreCreatedSeesEachRoleOnce() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> creators = IntStream.range(0, 4)
				.<Future<?>>mapToObj((thread) -> threads.submit(() -> IntStream.range(0, 500)
					.forEach((role) -> this.electors.forRole("role-" + (role * 4 + thread) % 1000))))
				.toList();
			List<String> seen = new CopyOnWriteArrayList<>();
			this.electors.onCreated((elector) -> seen.add(elector.role()));
			for (Future<?> creator : creators) {
				creator.get(30, TimeUnit.SECONDS);
			}
			List<String> created = this.electors.electors().stream().map(LeaderElector::role).toList();
			assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
			assertThat(seen).hasSize(1000);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
