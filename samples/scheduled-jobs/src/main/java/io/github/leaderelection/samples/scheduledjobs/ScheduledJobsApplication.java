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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A Spring Boot application whose scheduled jobs run on one instance at a time: start it several times and only the
 * leader of each role runs that role's job; stop the leader and another instance takes over.
 *
 * @since 0.1.0
 */
@SpringBootApplication
@EnableScheduling
public class ScheduledJobsApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ScheduledJobsApplication.class);
		// Not the library's business, so it lives here: without a Redis, start one for the instances of this machine.
		application.addListeners(new EmbeddedRedis());
		application.run(args);
	}

	// Lettuce backs off up to 30 s between reconnection attempts; the election resumes only once it reconnects.
	@Bean
	ClientResourcesBuilderCustomizer fastReconnect() {
		return (builder) -> builder.reconnectDelay(
				Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

}
