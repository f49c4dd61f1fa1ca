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


package io.github.leaderelection.store;

/**
 * Wraps the {@link LeaseStore} that the electors use, for example to time its calls. Beans of this type are applied
 * once, in their order, when the electors are set up; every elector then uses the same wrapped store, while the
 * {@code LeaseStore} bean itself stays as it is.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface LeaseStoreDecorator {

	/**
	 * Wraps a store.
	 * @param store the store to wrap
	 * @return a store that delegates every operation, including {@link LeaseStore#renewAll(java.util.List)} and
	 * {@link LeaseStore#onRelease(String, Runnable)}, to {@code store}
	 */
	LeaseStore decorate(LeaseStore store);

}
