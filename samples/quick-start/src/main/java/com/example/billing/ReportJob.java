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

package com.example.billing;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.annotation.LeaderOnly;

import org.springframework.core.log.LogAccessor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

@Component
class ReportJob {

	private static final LogAccessor logger = new LogAccessor(ReportJob.class);

	private final LeaderElector elector;

	ReportJob(LeaderElector elector) {
		this.elector = elector;
	}

	@LeaderOnly
	@Scheduled(fixedRateString = "${billing.report-rate:1s}")
	void publishReport() {
		// Read the grant once and pass its fencing token on with the work: a store that has seen a higher token
		// can then reject this write, should this instance have lost its lease in the meantime.
		this.elector.leadership().ifPresent((leadership) -> publish(leadership.fencingToken()));
	}

	private void publish(long fencingToken) {
		// Your work goes here: send the token along with what you write.
		logger.info(() -> "Published the report (fencing token %d)".formatted(fencingToken));
	}

}
