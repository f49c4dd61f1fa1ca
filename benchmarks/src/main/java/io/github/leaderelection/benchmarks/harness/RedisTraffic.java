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


package io.github.leaderelection.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.leaderelection.test.RedisServer;

/**
 * Counts the commands each client sends to a Redis during a window, with {@code MONITOR}: every command a client
 * sends shows there once, with the client's address (the commands a script runs show as {@code lua}, and are not
 * counted). {@code CLIENT LIST} then names the addresses: each application sets its instance's name as the client
 * name of all its connections ({@code spring.data.redis.client-name}). The window also takes the difference of
 * {@code INFO commandstats}, which counts the commands inside scripts too, less the harness's own commands.
 */
final class RedisTraffic implements AutoCloseable {

	// The harness's own commands, left out of the commandstats difference.
	private static final Set<String> OWN_COMMANDS = Set.of("info", "client|list", "monitor", "ping", "dbsize",
			"keys", "exists", "pttl");

	private final RedisServer redis;

	private final Socket socket;

	private final Map<String, Map<String, LongAdder>> commandsByAddress = new ConcurrentHashMap<>();

	private final long startedNanos;

	private final long commandStatsBefore;

	private final Map<String, String> namesAtStart;

	private final Thread reader;

	private volatile long stoppedNanos;

	private RedisTraffic(RedisServer redis) throws IOException {
		this.redis = redis;
		this.commandStatsBefore = commandStatsCalls(redis);
		this.namesAtStart = clientNames(redis);
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress(redis.host(), redis.port()), 2000);
		OutputStream out = this.socket.getOutputStream();
		out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		BufferedReader in = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		String ok = in.readLine();
		if (!"+OK".equals(ok)) {
			this.socket.close();
			throw new IllegalStateException("MONITOR on " + redis + " replied " + ok);
		}
		this.startedNanos = System.nanoTime();
		this.reader = new Thread(() -> read(in), "benchmark-redis-monitor");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts counting now.
	 */
	static RedisTraffic start(RedisServer redis) {
		try {
			return new RedisTraffic(redis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not MONITOR " + redis, ex);
		}
	}

	/**
	 * Stops counting and tells what each named client sent, per command, and the window.
	 */
	Window stop() {
		this.stoppedNanos = System.nanoTime();
		long commandStats = commandStatsCalls(this.redis) - this.commandStatsBefore;
		close();
		try {
			this.reader.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// Clients that left during the window are named by the list taken at its start.
		Map<String, String> names = new TreeMap<>(this.namesAtStart);
		names.putAll(clientNames(this.redis));
		Map<String, Map<String, Long>> byName = new TreeMap<>();
		this.commandsByAddress.forEach((address, commands) -> {
			String name = names.get(address);
			if (name != null && !name.isEmpty()) {
				Map<String, Long> counts = byName.computeIfAbsent(name, (key) -> new TreeMap<>());
				commands.forEach((command, count) -> counts.merge(command, count.sum(), Long::sum));
			}
		});
		return new Window(this.stoppedNanos - this.startedNanos, byName, commandStats);
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	private void read(BufferedReader in) {
		try {
			String line;
			while ((line = in.readLine()) != null) {
				if (this.stoppedNanos != 0) {
					return;
				}
				count(line);
			}
		}
		catch (IOException ex) {
			// Closed by stop().
		}
	}

	// +1701443034.123456 [0 127.0.0.1:53422] "evalsha" "9f3c..." "3" ...
	private void count(String line) {
		int open = line.indexOf('[');
		int close = line.indexOf(']', open + 1);
		if (open < 0 || close < 0) {
			return;
		}
		String[] client = line.substring(open + 1, close).split(" ");
		if (client.length < 2 || client[1].equals("lua")) {
			return;
		}
		int quote = line.indexOf('"', close);
		int end = (quote >= 0) ? line.indexOf('"', quote + 1) : -1;
		String command = (end > quote) ? line.substring(quote + 1, end).toLowerCase() : "?";
		this.commandsByAddress.computeIfAbsent(client[1], (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(command, (key) -> new LongAdder())
			.increment();
	}

	/**
	 * Calls counted by {@code INFO commandstats} since the server started or {@code CONFIG RESETSTAT}, less the
	 * harness's own commands.
	 */
	static long commandStatsCalls(RedisServer redis) {
		long calls = 0;
		for (String line : redis.command("INFO", "commandstats").split("\n")) {
			line = line.strip();
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				if (!OWN_COMMANDS.contains(name)) {
					String stats = line.substring(line.indexOf(':') + 1);
					calls += Long.parseLong(stats.substring("calls=".length(), stats.indexOf(',')));
				}
			}
		}
		return calls;
	}

	private static Map<String, String> clientNames(RedisServer redis) {
		Map<String, String> names = new TreeMap<>();
		for (String line : redis.command("CLIENT", "LIST").split("\n")) {
			String address = null;
			String name = "";
			for (String field : line.strip().split(" ")) {
				if (field.startsWith("addr=")) {
					address = field.substring("addr=".length());
				}
				else if (field.startsWith("name=")) {
					name = field.substring("name=".length());
				}
			}
			if (address != null) {
				names.put(address, name);
			}
		}
		return names;
	}

	/**
	 * What the clients sent in one window: commands per client name and command, and the commandstats difference.
	 */
	record Window(long nanos, Map<String, Map<String, Long>> commandsByClient, long commandStatsCalls) {

		double seconds() {
			return this.nanos / 1e9;
		}

		long commands(String client) {
			return this.commandsByClient.getOrDefault(client, Map.of()).values().stream().mapToLong(Long::longValue)
				.sum();
		}

		long allCommands() {
			return this.commandsByClient.keySet().stream().mapToLong(this::commands).sum();
		}

	}

}
