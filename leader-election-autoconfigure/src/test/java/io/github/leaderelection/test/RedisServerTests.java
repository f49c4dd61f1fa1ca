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
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisServer}.
 */
class RedisServerTests {

	@Test
	void startAnswersPingOnAPortOtherThan6379() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.port()).isNotEqualTo(6379);
			assertThat(server.isRunning()).isTrue();
			assertThat(server.command("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void commandReturnsRawReplies() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.command("SET", "greeting", "hello world")).isEqualTo("+OK");
			assertThat(server.command("GET", "greeting")).isEqualTo("$11\nhello world");
			assertThat(server.command("GET", "missing")).isEqualTo("$-1");
			assertThat(server.command("DBSIZE")).isEqualTo(":1");
			assertThat(server.command("KEYS", "*")).isEqualTo("*1\n$8\ngreeting");
			assertThat(server.command("NOSUCHCOMMAND")).startsWith("-ERR");
		}
	}

	@Test
	void flushAllDeletesAllKeys() {
		try (RedisServer server = RedisServer.start()) {
			server.command("SET", "a", "1");
			server.command("SET", "b", "2");
			server.flushAll();
			assertThat(server.command("DBSIZE")).isEqualTo(":0");
		}
	}

	@Test
	void restartKeepsThePortAndLosesTheData() {
		try (RedisServer server = RedisServer.start()) {
			int port = server.port();
			long pid = server.pid();
			server.command("SET", "key", "value");
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("GET", "key")).isEqualTo("$-1");
			assertThat(server.command("DBSIZE")).isEqualTo(":0");
			if (pid > 0) {
				assertThat(server.pid()).isNotEqualTo(pid);
				assertThat(isAlive(pid)).isFalse();
			}
		}
	}

	@Test
	void pauseMakesCommandsTimeOutAndResumeAnswersAgain() {
		try (RedisServer server = RedisServer.start()) {
			server.pause();
			assertThat(server.isRunning()).isTrue();
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> server.command("PING"))
				.withCauseInstanceOf(SocketTimeoutException.class);
			server.resume();
			assertThat(server.command("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void stopLeavesNoProcess() {
		try (RedisServer server = RedisServer.start()) {
			long pid = server.pid();
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThat(isAlive(pid)).isFalse();
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> server.command("PING"));
		}
	}

	@Test
	void killLeavesNoProcessAndRestartBringsTheServerBack() {
		try (RedisServer server = RedisServer.start()) {
			int port = server.port();
			long pid = server.pid();
			server.kill();
			assertThat(server.isRunning()).isFalse();
			assertThat(isAlive(pid)).isFalse();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("PING")).isEqualTo("+PONG");
		}
	}

	@Test
	void closeStopsAPausedServer() {
		RedisServer server = RedisServer.start();
		long pid = server.pid();
		server.pause();
		server.close();
		assertThat(server.isRunning()).isFalse();
		assertThat(isAlive(pid)).isFalse();
	}

	@Test
	void twoServersGetDifferentPorts() {
		try (RedisServer first = RedisServer.start(); RedisServer second = RedisServer.start()) {
			assertThat(first.port()).isNotEqualTo(second.port());
			first.command("SET", "key", "first");
			assertThat(second.command("GET", "key")).isEqualTo("$-1");
		}
	}

	@Test
	void restartLoadsWhatTheServerSavedOnTheWayDown() {
		try (RedisServer server = RedisServer.startWith("--save", "3600 1")) {
			server.command("SET", "key", "value");
			server.restart();
			assertThat(server.command("GET", "key")).isEqualTo("$5\nvalue");
		}
	}

	@Test
	void killAndRestartWithAnOlderSnapshotInPlaceBringsBackOlderData() throws IOException {
		try (RedisServer server = RedisServer.startWith("--save", "3600 1")) {
			String dir = server.command("CONFIG", "GET", "dir");
			Path directory = Path.of(dir.substring(dir.lastIndexOf('\n') + 1));
			server.command("SET", "counter", "1");
			assertThat(server.command("SAVE")).isEqualTo("+OK");
			Path older = Files.createTempFile("older-", ".rdb");
			try {
				Files.copy(directory.resolve("dump.rdb"), older, StandardCopyOption.REPLACE_EXISTING);
				server.command("SET", "counter", "2");
				assertThat(server.command("SAVE")).isEqualTo("+OK");
				server.kill();
				Files.copy(older, directory.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
				server.restart();
				assertThat(server.command("GET", "counter")).isEqualTo("$1\n1");
			}
			finally {
				Files.delete(older);
			}
		}
	}

	@Test
	void useOptionsAppliesToLaterStarts() {
		try (RedisServer server = RedisServer.startWith("--save", "3600 1")) {
			assertThat(server.command("CONFIG", "GET", "appendonly")).endsWith("no");
			server.useOptions("--appendonly", "yes");
			server.restart();
			assertThat(server.command("CONFIG", "GET", "appendonly")).endsWith("yes");
			assertThat(server.command("CONFIG", "GET", "save")).isEqualTo("*2\n$4\nsave\n$0\n");
		}
	}

	private static boolean isAlive(long pid) {
		return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

}
