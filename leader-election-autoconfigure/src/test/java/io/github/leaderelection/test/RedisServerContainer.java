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

import java.io.IOException;
import java.io.UncheckedIOException;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@code redis:7} container whose shell loop runs {@code redis-server} again each time it exits, unless the flag
 * file {@code /tmp/down} exists: so stop, kill and restart keep the container, and with it the mapped port.
 * <p>
 * Untested here: the machine this was written on has no Docker engine. Loaded only when Docker is available.
 */
final class RedisServerContainer implements RedisBackend {

	private static final String LOOP = """
			while true; do
			  if [ -e /tmp/down ]; then sleep 0.1
			  else redis-server --save '' --appendonly no --protected-mode no --pidfile /tmp/redis.pid; fi
			done""";

	// Polls inside the container, bounded to about 10 s: 200 tries 50 ms apart.
	private static final String AWAIT_UP = """
			i=0; until [ "$(redis-cli ping 2>/dev/null)" = PONG ]; do
			  i=$((i+1)); [ $i -gt 200 ] && exit 1; sleep 0.05
			done""";

	private static final String AWAIT_DOWN = """
			i=0; while redis-cli ping >/dev/null 2>&1; do
			  i=$((i+1)); [ $i -gt 200 ] && exit 1; sleep 0.05
			done""";

	private final GenericContainer<?> container;

	private boolean running;

	private boolean paused;

	private RedisServerContainer(GenericContainer<?> container) {
		this.container = container;
		this.running = true;
	}

	static boolean isDockerAvailable() {
		return DockerClientFactory.instance().isDockerAvailable();
	}

	static RedisServerContainer launch() {
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379)
			.withCommand("sh", "-c", LOOP)
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
		container.start();
		return new RedisServerContainer(container);
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.container.getMappedPort(6379);
	}

	/**
	 * Always {@code -1}: the server is no process of this host.
	 */
	@Override
	public long pid() {
		return -1;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running && this.container.isRunning();
	}

	@Override
	public synchronized void start() {
		stop();
		exec("rm -f /tmp/down; " + AWAIT_UP);
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		resume();
		exec("touch /tmp/down; redis-cli shutdown nosave >/dev/null 2>&1; " + AWAIT_DOWN);
		this.running = false;
	}

	@Override
	public synchronized void kill() {
		resume();
		exec("touch /tmp/down; [ -e /tmp/redis.pid ] && kill -KILL \"$(cat /tmp/redis.pid)\"; " + AWAIT_DOWN);
		this.running = false;
	}

	@Override
	public synchronized void pause() {
		if (!this.paused) {
			this.container.getDockerClient().pauseContainerCmd(this.container.getContainerId()).exec();
			this.paused = true;
		}
	}

	@Override
	public synchronized void resume() {
		if (this.paused) {
			this.container.getDockerClient().unpauseContainerCmd(this.container.getContainerId()).exec();
			this.paused = false;
		}
	}

	@Override
	public synchronized void close() {
		try {
			resume();
		}
		finally {
			this.container.stop();
			this.running = false;
		}
	}

	private void exec(String script) {
		try {
			ExecResult result = this.container.execInContainer("sh", "-c", script);
			if (result.getExitCode() != 0) {
				throw new IllegalStateException("'%s' failed in %s with code %d: %s %s".formatted(script,
						this.container.getContainerName(), result.getExitCode(), result.getStdout(),
						result.getStderr()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running '" + script + "'", ex);
		}
	}

	@Override
	public String toString() {
		return "redis-server in container %s at %s:%d".formatted(this.container.getContainerId(), host(), port());
	}

}
