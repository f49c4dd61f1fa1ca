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

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one RESP command over a fresh socket, so the fixture needs no Redis client library.
 */
final class RespClient {

	private RespClient() {
	}

	/**
	 * Sends one command and returns its reply as raw RESP lines joined by {@code \n}, for example {@code :0},
	 * {@code $-1} or {@code *1\n$3\nkey}.
	 * @throws UncheckedIOException when the server cannot be reached or does not answer within the timeout
	 */
	static String command(String host, int port, Duration timeout, String... args) {
		try (Socket socket = connect(host, port, timeout)) {
			OutputStream out = socket.getOutputStream();
			out.write(encode(args));
			out.flush();
			List<String> lines = new ArrayList<>();
			readReply(new BufferedInputStream(socket.getInputStream()), lines);
			return String.join("\n", lines);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("%s on %s:%d failed: %s".formatted(String.join(" ", args), host, port, ex),
					ex);
		}
	}

	/**
	 * Whether the server answers an inline {@code PING} with {@code +PONG} within the timeout.
	 */
	static boolean ping(String host, int port, Duration timeout) {
		try (Socket socket = connect(host, port, timeout)) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return "+PONG".equals(readLine(new BufferedInputStream(socket.getInputStream())));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Socket connect(String host, int port, Duration timeout) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	private static byte[] encode(String... args) {
		StringBuilder command = new StringBuilder("*").append(args.length).append("\r\n");
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			command.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
		}
		return command.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void readReply(InputStream in, List<String> lines) throws IOException {
		String line = readLine(in);
		lines.add(line);
		if (line.isEmpty()) {
			throw new IOException("Empty RESP reply line");
		}
		switch (line.charAt(0)) {
			case '$' -> {
				int length = Integer.parseInt(line.substring(1));
				if (length >= 0) {
					byte[] data = in.readNBytes(length + 2);
					if (data.length < length + 2) {
						throw new EOFException("Connection closed inside a bulk string");
					}
					lines.add(new String(data, 0, length, StandardCharsets.UTF_8));
				}
			}
			case '*' -> {
				int count = Integer.parseInt(line.substring(1));
				for (int i = 0; i < count; i++) {
					readReply(in, lines);
				}
			}
			default -> {
			}
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		while (true) {
			int next = in.read();
			if (next == -1) {
				throw new EOFException("Connection closed before the reply ended");
			}
			if (previous == '\r' && next == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(next);
			previous = next;
		}
	}

}
