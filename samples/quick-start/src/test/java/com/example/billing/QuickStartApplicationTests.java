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

import java.time.Duration;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class QuickStartApplicationTests {

	@Test
	void electsItselfAndRunsTheJob(CapturedOutput output) {
		try (RedisServer redis = RedisServer.start();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(BillingApplication.class).run(
						"--spring.data.redis.host=" + redis.host(), "--spring.data.redis.port=" + redis.port(),
						"--leader.election.instance-id=billing-1", "--leader.election.lease-duration=1s",
						"--leader.election.renew-interval=300ms", "--leader.election.retry-interval=200ms",
						"--billing.report-rate=100ms")) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> output.getOut().contains("Published the report (fencing token "));
			assertThat(context.getBean(LeaderElector.class).isLeader()).isTrue();
			assertThat(output).contains("Granted leadership of 'billing' to 'billing-1' (token ")
				.contains(">>> 'billing-1' now leads 'billing' (fencing token ");
		}
		assertThat(output).contains("<<< 'billing-1' no longer leads 'billing' (fencing token ");
	}

}
