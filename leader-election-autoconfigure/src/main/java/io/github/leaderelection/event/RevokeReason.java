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


package io.github.leaderelection.event;

/**
 * Why this instance stopped leading a role.
 *
 * @since 0.1.0
 */
public enum RevokeReason {

	/**
	 * The application called {@link io.github.leaderelection.LeaderElector#yieldLeadership()}.
	 */
	YIELDED,

	/**
	 * The elector stopped, normally because the application context closed.
	 */
	SHUTDOWN,

	/**
	 * The store answered that another instance owns the lease or that the lease is gone.
	 */
	LEASE_LOST,

	/**
	 * No renewal succeeded before the local lease deadline, for example while the store was unreachable or this
	 * process was paused.
	 */
	LEASE_EXPIRED

}
