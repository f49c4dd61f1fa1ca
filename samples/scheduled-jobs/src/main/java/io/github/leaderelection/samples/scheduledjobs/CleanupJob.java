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


package io.github.leaderelection.samples.scheduledjobs;

import java.util.concurrent.atomic.AtomicLong;

import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.annotation.LeaderOnly;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges old reports every five seconds, on the leader of the {@code cleanup} role only: a role of its own, elected
 * independently of the reports, so the two jobs may well run on different instances.
 */
@Component
class CleanupJob {

	static final String ROLE = "cleanup";

	private static final LogAccessor logger = new LogAccessor(CleanupJob.class);

	private final LeaderElectors electors;

	private final AtomicLong runs = new AtomicLong();

	CleanupJob(LeaderElectors electors) {
		this.electors = electors;
	}

	@LeaderOnly(role = ROLE)
	@Scheduled(fixedRateString = "${sample.cleanup-rate:5s}")
	void purgeOldReports() {
		this.electors.forRole(ROLE).leadership().ifPresent((leadership) -> {
			long run = this.runs.incrementAndGet();
			logger.info(() -> "Purged old reports, run #%d as '%s' (fencing token %d)".formatted(run,
					leadership.instanceId(), leadership.fencingToken()));
		});
	}

	/**
	 * Number of times this instance has purged.
	 */
	long runs() {
		return this.runs.get();
	}

}
