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

import io.github.leaderelection.event.OnGrantedEvent;
import io.github.leaderelection.event.OnRevokedEvent;

import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogAccessor;
import org.springframework.stereotype.Component;

@Component
class LeadershipLog {

	private static final LogAccessor logger = new LogAccessor(LeadershipLog.class);

	@EventListener
	void granted(OnGrantedEvent event) {
		logger.info(() -> ">>> '%s' now leads '%s' (fencing token %d)".formatted(event.instanceId(), event.role(),
				event.fencingToken()));
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		logger.info(() -> "<<< '%s' no longer leads '%s' (fencing token %d): %s".formatted(event.instanceId(),
				event.role(), event.fencingToken(), event.reason()));
	}

}
