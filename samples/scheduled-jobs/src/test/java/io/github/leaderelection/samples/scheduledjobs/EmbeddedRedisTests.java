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


package io.github.leaderelection.samples.scheduledjobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.OptionalLong;

import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EmbeddedRedisTests {

	@Test
	void startsAServerWhereNoneAnswersThatTheNextInstanceFindsAndTheLastOneStops() throws IOException {
		int port = freePort();
		assertThat(EmbeddedRedis.answers("localhost", port)).isFalse();
		OptionalLong pid = EmbeddedRedis.startUnlessAnswering("localhost", port);
		try {
			assertThat(pid).isPresent();
			assertThat(EmbeddedRedis.answers("localhost", port)).isTrue();
			assertThat(EmbeddedRedis.startUnlessAnswering("localhost", port)).isEmpty();
			// Another instance still connected keeps the server up.
			try (Socket otherInstance = new Socket(InetAddress.getLoopbackAddress(), port)) {
				otherInstance.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(otherInstance.getInputStream().read()).isEqualTo('+');
				assertThat(EmbeddedRedis.stopIfUnused(port)).isFalse();
				assertThat(EmbeddedRedis.answers("localhost", port)).isTrue();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> EmbeddedRedis.stopIfUnused(port));
			assertThat(ProcessHandle.of(pid.getAsLong())).isEmpty();
			assertThat(EmbeddedRedis.directory(port)).doesNotExist();
			assertThat(EmbeddedRedis.answers("localhost", port)).isFalse();
		}
		finally {
			// Whatever the assertions found, leave no server behind.
			pid.ifPresent((value) -> ProcessHandle.of(value).ifPresent(ProcessHandle::destroyForcibly));
			Files.deleteIfExists(EmbeddedRedis.lockFile(port));
		}
	}

	@Test
	void usesARedisThatAnswersAndNeverStopsIt() throws IOException {
		try (RedisServer redis = RedisServer.start()) {
			try {
				assertThat(EmbeddedRedis.startUnlessAnswering(redis.host(), redis.port())).isEmpty();
				assertThat(EmbeddedRedis.stopIfUnused(redis.port())).isFalse();
				assertThat(EmbeddedRedis.answers(redis.host(), redis.port())).isTrue();
			}
			finally {
				Files.deleteIfExists(EmbeddedRedis.lockFile(redis.port()));
			}
		}
	}

	private static int freePort() {
		while (true) {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				if (socket.getLocalPort() != 6379) {
					return socket.getLocalPort();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
