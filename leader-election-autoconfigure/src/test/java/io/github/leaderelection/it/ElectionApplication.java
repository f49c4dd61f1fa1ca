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

package io.github.leaderelection.it;

import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;
import io.github.leaderelection.support.ElectionRuntime;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * A small application on the starter, run as a child JVM: it prints one line per leadership event to standard
 * output, for the parent to read.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ElectionApplication {

	@EventListener
	void ready(ApplicationReadyEvent event) {
		System.out.println("ELECTION RUNTIME " + event.getApplicationContext().getBean(ElectionRuntime.class));
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		System.out.println("ELECTION GRANTED " + event.instanceId() + " " + event.fencingToken());
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		System.out.println("ELECTION REVOKED " + event.instanceId() + " " + event.fencingToken() + " " + event.reason());
	}

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(ElectionApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.run(args);
		System.out.println("ELECTION STARTED");
	}

}
