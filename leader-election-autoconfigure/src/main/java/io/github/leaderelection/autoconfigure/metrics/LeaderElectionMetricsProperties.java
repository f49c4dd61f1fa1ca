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


package io.github.leaderelection.autoconfigure.metrics;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the leader election meters and observations.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("leader.election.metrics")
public class LeaderElectionMetricsProperties {

	/**
	 * Whether meters and observations carry the role as a tag; turn it off for applications with thousands of roles,
	 * whose gauges then count the roles led and show the shortest lease left.
	 */
	private boolean roleTag = true;

	public boolean isRoleTag() {
		return this.roleTag;
	}

	public void setRoleTag(boolean roleTag) {
		this.roleTag = roleTag;
	}

}
