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


package io.github.leaderelection.samples.demo;

import io.github.leaderelection.samples.scheduledjobs.ScheduledJobsApplication;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;

/**
 * One instance of the sample as the failover demo runs it, in a JVM of its own: the sample application plus the
 * {@link DemoProbe}, which reports on standard output what the demo measures. It never starts an embedded Redis: the
 * demo passes the address of its own.
 */
public final class DemoInstance {

	private DemoInstance() {
	}

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ScheduledJobsApplication.class, DemoProbe.class);
		application.setBannerMode(Banner.Mode.OFF);
		application.run(args);
	}

}
