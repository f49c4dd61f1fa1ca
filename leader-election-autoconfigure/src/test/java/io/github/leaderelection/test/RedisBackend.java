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


package io.github.leaderelection.test;

/**
 * One Redis server as {@link RedisServer} drives it: a local process or a container.
 */
interface RedisBackend {

	String host();

	int port();

	long pid();

	boolean isRunning();

	/**
	 * Starts the server again on the same port with an empty dataset and returns once it answers {@code PING}.
	 */
	void start();

	/**
	 * Shuts the server down gracefully, forcibly if it does not exit in time; does nothing when it is not running.
	 */
	void stop();

	void kill();

	void pause();

	void resume();

	/**
	 * Stops the server for good and frees what it holds (directory, container).
	 */
	void close();

}
