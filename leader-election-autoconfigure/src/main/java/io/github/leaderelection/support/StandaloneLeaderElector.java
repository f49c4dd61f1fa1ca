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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderInfo;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.event.RevokeReason;
import org.jspecify.annotations.Nullable;

import org.springframework.context.Lifecycle;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * A {@link LeaderElector} for an application that runs alone, without a store: it leads from start to stop. Events
 * fire as for a real election, the first grant with fencing token 1. A yield revokes and grants again at once, with
 * the next token, since no other instance could take over.
 *
 * @since 0.1.0
 */
public final class StandaloneLeaderElector implements LeaderElector, Lifecycle {

	private static final LogAccessor logger = new LogAccessor(StandaloneLeaderElector.class);

	private final String role;

	private final String instanceId;

	private final String hostname;

	private final LeadershipEventPublisher events;

	private final Object monitor = new Object();

	private volatile @Nullable Leadership leadership;

	private volatile @Nullable Instant startedAt;

	private long lastToken;

	public StandaloneLeaderElector(String role, String instanceId, String hostname, LeadershipEventPublisher events) {
		Assert.hasText(role, "'role' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(hostname, "'hostname' must not be null");
		Assert.notNull(events, "'events' must not be null");
		this.role = role;
		this.instanceId = instanceId;
		this.hostname = hostname;
		this.events = events;
	}

	@Override
	public String role() {
		return this.role;
	}

	@Override
	public String instanceId() {
		return this.instanceId;
	}

	@Override
	public boolean isLeader() {
		return this.leadership != null;
	}

	@Override
	public Optional<Leadership> leadership() {
		return Optional.ofNullable(this.leadership);
	}

	@Override
	public Optional<LeaderInfo> currentLeader() {
		Leadership leadership = this.leadership;
		Instant startedAt = this.startedAt;
		if (leadership == null || startedAt == null) {
			return Optional.empty();
		}
		return Optional.of(new LeaderInfo(this.role, this.instanceId, this.hostname, startedAt,
				leadership.acquiredAt(), Instant.now(), leadership.fencingToken()));
	}

	@Override
	public void yieldLeadership() {
		synchronized (this.monitor) {
			if (this.leadership != null) {
				revoke(RevokeReason.YIELDED);
				grant();
			}
		}
	}

	@Override
	public boolean awaitLeadership(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (this.leadership == null) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
			return true;
		}
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.leadership == null) {
				this.startedAt = Instant.now();
				logger.info(() -> "Standalone mode: '%s' leads '%s' without a store".formatted(this.instanceId,
						this.role));
				grant();
			}
		}
	}

	@Override
	public void stop() {
		synchronized (this.monitor) {
			if (this.leadership != null) {
				revoke(RevokeReason.SHUTDOWN);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.leadership != null;
	}

	private void grant() {
		Leadership leadership = new Leadership(this.role, this.instanceId, ++this.lastToken, Instant.now());
		this.leadership = leadership;
		logger.info(() -> "Granted leadership of '%s' to '%s' (token %d)".formatted(this.role, this.instanceId,
				leadership.fencingToken()));
		this.events.publish(new OnGrantedEvent(this, leadership.fencingToken()));
		this.monitor.notifyAll();
	}

	private void revoke(RevokeReason reason) {
		Leadership leadership = this.leadership;
		Assert.state(leadership != null, "Not leading");
		this.leadership = null;
		logger.info(() -> "Revoked leadership of '%s' from '%s' (token %d): %s".formatted(this.role,
				this.instanceId, leadership.fencingToken(), reason));
		this.events.publish(new OnRevokedEvent(this, leadership.fencingToken(), reason));
	}

}
