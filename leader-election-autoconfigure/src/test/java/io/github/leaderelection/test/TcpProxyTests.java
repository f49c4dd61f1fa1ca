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

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TcpProxy}, with inline RESP commands over plain sockets to a real Redis server.
 */
class TcpProxyTests {

	private static final String PONG = "+PONG\r\n";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration SILENCE = Duration.ofMillis(500);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void passForwardsBothWays() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket socket = connect(proxy)) {
			assertThat(proxy.host()).isEqualTo("127.0.0.1");
			assertThat(proxy.port()).isNotEqualTo(redis.port());
			assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.PASS);
			assertThat(ping(socket)).isEqualTo(PONG);
			send(socket, "SET greeting hello");
			assertThat(read(socket, "+OK\r\n".length())).isEqualTo("+OK\r\n");
			assertThat(redis.server().command("GET", "greeting")).isEqualTo("$5\nhello");
			send(socket, "GET greeting");
			assertThat(read(socket, "$5\r\nhello\r\n".length())).isEqualTo("$5\r\nhello\r\n");
		}
	}

	@Test
	void dropResetsOpenAndNewConnectionsUntilPass() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket before = connect(proxy)) {
			assertThat(ping(before)).isEqualTo(PONG);
			proxy.drop();
			assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.DROP);
			assertThat(proxy.connections()).isZero();
			assertThat(closedByPeer(before)).isTrue();
			assertThat(resetOnConnect(proxy)).isTrue();
			// In DROP no connection stays, a stranger's neither.
			assertThat(proxy.connections()).isZero();
			proxy.pass();
			try (Socket after = connect(proxy)) {
				assertThat(ping(after)).isEqualTo(PONG);
			}
		}
	}

	@Test
	void blackholeKeepsConnectionsSilentUntilPassResetsThem() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket before = connect(proxy)) {
			assertThat(ping(before)).isEqualTo(PONG);
			proxy.blackhole();
			assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.BLACKHOLE);
			assertNoReplyToPing(before);
			try (Socket during = connect(proxy)) {
				assertNoReplyToPing(during);
				await().atMost(TIMEOUT).until(() -> proxy.connectionsFrom(before, during) == 2);
				proxy.pass();
				assertThat(closedByPeer(before)).isTrue();
				assertThat(closedByPeer(during)).isTrue();
				assertThat(proxy.connectionsFrom(before, during)).isZero();
			}
			try (Socket after = connect(proxy)) {
				assertThat(ping(after)).isEqualTo(PONG);
			}
		}
	}

	@Test
	void latencyDelaysBothDirectionsUntilPass() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket socket = connect(proxy)) {
			assertThat(ping(socket)).isEqualTo(PONG);
			proxy.latency(Duration.ofMillis(300));
			assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.LATENCY);
			long start = System.nanoTime();
			assertThat(ping(socket)).isEqualTo(PONG);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
			proxy.pass();
			start = System.nanoTime();
			assertThat(ping(socket)).isEqualTo(PONG);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(550));
			assertThat(proxy.connectionsFrom(socket)).isOne();
		}
	}

	@Test
	void latencyKeepsTheOrderOfBytes() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket socket = connect(proxy)) {
			proxy.latency(Duration.ofMillis(100));
			send(socket, "ECHO 1");
			send(socket, "ECHO 2");
			send(socket, "ECHO 3");
			String replies = "$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n";
			assertThat(read(socket, replies.length())).isEqualTo(replies);
		}
	}

	@Test
	void passKeepsBytesSentLaterBehindDelayedOnes() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket socket = connect(proxy)) {
			assertThat(ping(socket)).isEqualTo(PONG);
			proxy.latency(Duration.ofSeconds(1));
			send(socket, "ECHO delayed");
			// Waiting out a missing reply makes sure the proxy read the command before pass(), so it is delayed.
			socket.setSoTimeout(200);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			proxy.pass();
			send(socket, "ECHO direct");
			String replies = "$7\r\ndelayed\r\n$6\r\ndirect\r\n";
			assertThat(read(socket, replies.length())).isEqualTo(replies);
			assertThat(proxy.connectionsFrom(socket)).isOne();
		}
	}

	@Test
	void connectionsFromCountsTheOpenConnectionsOfTheGivenClients() throws IOException {
		try (TcpProxy proxy = startProxy(); Socket first = connect(proxy); Socket second = connect(proxy)) {
			await().atMost(TIMEOUT).until(() -> proxy.connectionsFrom(first, second) == 2);
			assertThat(proxy.connectionsFrom(second)).isOne();
			assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
			second.close();
			await().atMost(TIMEOUT).until(() -> proxy.connectionsFrom(first, second) == 1);
			assertThat(ping(first)).isEqualTo(PONG);
			// A closed socket keeps its local port.
			first.close();
			await().atMost(TIMEOUT).until(() -> proxy.connectionsFrom(first, second) == 0);
		}
	}

	@Test
	void unreachableTargetClosesClientConnections() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", unusedPort())) {
			assertThat(resetOnConnect(proxy)).isTrue();
			assertThat(proxy.connections()).isZero();
		}
	}

	@Test
	void closeStopsListeningClosesConnectionsAndEndsThreads() throws IOException {
		try (TcpProxy proxy = startProxy()) {
			String threadPrefix = "tcp-proxy-" + proxy.port() + "-";
			try (Socket socket = connect(proxy)) {
				assertThat(ping(socket)).isEqualTo(PONG);
				proxy.latency(Duration.ofMillis(100));
				// The acceptor, and a reader and a delaying writer per direction of the connection.
				assertThat(threadNames(threadPrefix)).hasSize(5).contains(threadPrefix + "accept");
				proxy.close();
				assertThat(closedByPeer(socket)).isTrue();
			}
			assertThat(proxy.connections()).isZero();
			await().atMost(TIMEOUT).until(() -> threadNames(threadPrefix).isEmpty());
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> connect(proxy).close());
		}
	}

	private static TcpProxy startProxy() {
		return TcpProxy.start(redis.host(), redis.port());
	}

	private static Socket connect(TcpProxy proxy) throws IOException {
		Socket socket = new Socket();
		try {
			// Options set after connecting would fail on a connection that the proxy has already reset.
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), (int) TIMEOUT.toMillis());
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private static void send(Socket socket, String inlineCommand) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String read(Socket socket, int length) throws IOException {
		byte[] bytes = socket.getInputStream().readNBytes(length);
		if (bytes.length < length) {
			throw new EOFException("Connection closed after " + bytes.length + " of " + length + " bytes");
		}
		return new String(bytes, StandardCharsets.US_ASCII);
	}

	private static String ping(Socket socket) throws IOException {
		send(socket, "PING");
		return read(socket, PONG.length());
	}

	// A read timeout, unlike end of stream or a reset, shows that the connection is still open.
	private static void assertNoReplyToPing(Socket socket) throws IOException {
		socket.setSoTimeout((int) SILENCE.toMillis());
		send(socket, "PING");
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
		socket.setSoTimeout((int) TIMEOUT.toMillis());
	}

	// The proxy may reset a new connection before connect() returns or after; a refused connection means that the
	// proxy does not listen.
	private static boolean resetOnConnect(TcpProxy proxy) {
		try (Socket socket = connect(proxy)) {
			return closedByPeer(socket);
		}
		catch (ConnectException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	// End of stream after a FIN, an exception after a RST; a read timeout means the connection is still open.
	private static boolean closedByPeer(Socket socket) {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private static List<String> threadNames(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.toList();
	}

	private static int unusedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
