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

package io.github.leaderelection.support;

import java.time.Duration;
import java.time.Instant;

import io.github.leaderelection.store.Acquisition;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LeaseLeaderElector#lastStoreContact()}: moved by every store call that returns, whatever its answer, and by
 * none that throws; on a fake clock and a scheduler the test drives.
 */
class LeaseLeaderElectorStoreContactTests {

	private static final LeaseSettings SETTINGS = new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(3),
			Duration.ofSeconds(1), Duration.ZERO, true, Duration.ofSeconds(30));

	private final FakeClock clock = new FakeClock();

	private final ManualScheduler scheduler = new ManualScheduler(this.clock);

	private final InMemoryLeaseStore store = new InMemoryLeaseStore();

	private final LeaseLeaderElector elector = new LeaseLeaderElector("orders", "node-1", "host", this.store,
			SETTINGS, new LeadershipEventPublisher((event) -> {
			}, Runnable::run), this.scheduler,
			new RenewalBatcher(this.store, this.scheduler, this.clock), this.clock);

	@Test
	void noContactUntilTheFirstCallReturns() {
		this.scheduler.holdIo();
		this.elector.start();
		assertThat(this.elector.lastStoreContact()).isEmpty();
		this.scheduler.releaseIo();
		assertThat(this.elector.lastStoreContact()).contains(now());
	}

	@Test
	void aRefusedClaimIsAContactAndAFailedOneIsNot() {
		this.store.duringNextAcquire(() -> {
			throw new IllegalStateException("Store unreachable");
		});
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.lastStoreContact()).isEmpty();
		this.store.refuseWith(Acquisition.held(Duration.ofSeconds(5)));
		this.scheduler.advance(SETTINGS.retryInterval());
		assertThat(this.elector.state()).isEqualTo(LeaseLeaderElector.State.FOLLOWING);
		assertThat(this.elector.lastStoreContact()).contains(now());
	}

	@Test
	void renewalsMoveItUntilTheyFail() {
		this.elector.start();
		this.scheduler.settle();
		assertThat(this.elector.isLeader()).isTrue();
		this.scheduler.advance(SETTINGS.renewInterval());
		Instant renewed = now();
		assertThat(this.elector.lastStoreContact()).contains(renewed);
		this.store.failRenewals(new IllegalStateException("Store unreachable"));
		this.scheduler.advance(SETTINGS.renewInterval().plus(SETTINGS.retryInterval()));
		assertThat(this.elector.lastStoreContact()).contains(renewed);
	}

	@Test
	void aReadOfTheLeaderIsAContact() {
		this.elector.currentLeader();
		assertThat(this.elector.lastStoreContact()).contains(now());
		assertThat(this.elector.startedAt()).isNotNull();
	}

	private Instant now() {
		return Instant.ofEpochMilli(this.clock.wallMillis());
	}

}
