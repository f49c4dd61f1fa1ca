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


package io.github.leaderelection;

/**
 * One run of leader-only work that {@link LeaderElector#admit(String)} let in, such as a {@code @LeaderOnly} call.
 * A graceful handover keeps the lease until every run of the term has been closed. Closing twice is harmless.
 * <pre class="code">
 * elector.admit("nightly cleanup").ifPresent((work) -&gt; {
 * 	try (work) {
 * 		cleanUp(work.leadership().fencingToken());
 * 	}
 * });
 * </pre>
 *
 * @since 0.1.0
 */
public interface LeaderWork extends AutoCloseable {

	/**
	 * The grant under which the work was admitted, with its fencing token; it stays the same while the work runs,
	 * also after the term has ended.
	 */
	Leadership leadership();

	/**
	 * Ends the run; a handover waiting for it may proceed.
	 */
	@Override
	void close();

	/**
	 * A run that nothing waits for: for electors without a lease to hand over.
	 * @param leadership the grant the run belongs to
	 * @return the run
	 */
	static LeaderWork untracked(Leadership leadership) {
		return new LeaderWork() {

			@Override
			public Leadership leadership() {
				return leadership;
			}

			@Override
			public void close() {
			}

		};
	}

}
