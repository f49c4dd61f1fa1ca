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

import io.github.leaderelection.samples.scheduledjobs.EmbeddedRedis.Server;
import io.github.leaderelection.test.RedisServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedRedisTests {

	@Test
	void startsAServerWhereNoneAnswersAndTheNextInstanceFindsIt() {
		int port = freePort();
		assertThat(EmbeddedRedis.answers("localhost", port)).isFalse();
		Server server = EmbeddedRedis.startUnlessAnswering("localhost", port);
		assertThat(server).isNotNull();
		try {
			assertThat(EmbeddedRedis.answers("localhost", port)).isTrue();
			assertThat(EmbeddedRedis.startUnlessAnswering("localhost", port)).isNull();
		}
		finally {
			server.stop();
		}
		assertThat(server.process().isAlive()).isFalse();
		assertThat(server.directory()).doesNotExist();
		assertThat(EmbeddedRedis.answers("localhost", port)).isFalse();
	}

	@Test
	void usesARedisThatAnswers() {
		try (RedisServer redis = RedisServer.start()) {
			assertThat(EmbeddedRedis.startUnlessAnswering(redis.host(), redis.port())).isNull();
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
