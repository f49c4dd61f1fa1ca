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

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.annotation.LeaderOnly;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes a report every second, on the leader of the default role only ({@code leader.election.role}).
 */
@Component
class ReportJob {

	private static final LogAccessor logger = new LogAccessor(ReportJob.class);

	private final LeaderElector elector;

	private final AtomicLong published = new AtomicLong();

	ReportJob(LeaderElector elector) {
		this.elector = elector;
	}

	@LeaderOnly
	@Scheduled(fixedRateString = "${sample.report-rate:1s}")
	void publishReport() {
		// Read the grant once and send its fencing token with the report: a report store that has seen a higher
		// token can then reject this report, should this instance have lost its lease in the meantime.
		this.elector.leadership().ifPresent((leadership) -> {
			long number = this.published.incrementAndGet();
			logger.info(() -> "Published report #%d as '%s' (fencing token %d)".formatted(number,
					leadership.instanceId(), leadership.fencingToken()));
		});
	}

	/**
	 * Number of reports this instance has published.
	 */
	long published() {
		return this.published.get();
	}

}
