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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A TCP proxy on a free loopback port in front of one target, such as a {@link RedisServer}, to put a network
 * partition between one client and that target: {@link #drop()} resets connections, {@link #blackhole()} keeps them
 * open but silent, {@link #latency(Duration)} delays every byte and {@link #pass()} heals. Point the client at
 * {@link #host()} and {@link #port()}; each client connection gets its own connection to the target.
 * <p>
 * Plain blocking sockets: one thread accepts, and each connection has, per direction, one thread that reads and one
 * that writes delayed bytes. All are daemon threads named {@code tcp-proxy-<port>-...}, and {@link #close()} ends
 * them. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TcpProxy implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(2);

	private static final int BUFFER_SIZE = 16 * 1024;

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket server;

	private final int port;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionIds = new AtomicInteger();

	private volatile Setting setting = new Setting(Mode.PASS, 0);

	private volatile boolean closed;

	private @Nullable Thread acceptor;

	private TcpProxy(String targetHost, int targetPort, ServerSocket server) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.server = server;
		this.port = server.getLocalPort();
	}

	/**
	 * Starts a proxy to {@code targetHost:targetPort} that listens on {@code 127.0.0.1}, on a free port, and forwards
	 * normally. Connections to the target are made for each accepted client, so the target need not run yet.
	 * @throws UncheckedIOException when no port can be bound
	 */
	public static TcpProxy start(String targetHost, int targetPort) {
		Assert.hasText(targetHost, "'targetHost' must not be empty");
		Assert.isTrue(targetPort > 0 && targetPort <= 65535, () -> "'targetPort' must be a port, not " + targetPort);
		ServerSocket server;
		try {
			server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on " + HOST, ex);
		}
		TcpProxy proxy = new TcpProxy(targetHost, targetPort, server);
		synchronized (proxy) {
			proxy.acceptor = proxy.spawn("accept", proxy::accept);
		}
		return proxy;
	}

	/**
	 * Host that clients connect to, {@code 127.0.0.1}.
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Port that clients connect to.
	 */
	public int port() {
		return this.port;
	}

	/**
	 * What the proxy does with bytes now.
	 */
	public Mode mode() {
		return this.setting.mode();
	}

	/**
	 * Forwards bytes normally again. Connections that were blackholed are reset, as TCP would eventually reset them,
	 * so that clients reconnect with a clean stream; delayed connections stay open, and bytes still delayed arrive
	 * before any sent later.
	 */
	public synchronized void pass() {
		heal();
		this.setting = new Setting(Mode.PASS, 0);
	}

	/**
	 * Resets every open connection at once, and resets new ones as soon as they are accepted: a refusing network.
	 */
	public synchronized void drop() {
		this.setting = new Setting(Mode.DROP, 0);
		List.copyOf(this.connections).forEach((connection) -> connection.close(true));
	}

	/**
	 * Keeps connections open but silently discards all bytes in both directions, also on connections accepted from
	 * now on: a network that loses every packet. Bytes already delayed by {@link #latency(Duration)} still arrive.
	 */
	public synchronized void blackhole() {
		this.connections.forEach((connection) -> connection.blackholed = true);
		this.setting = new Setting(Mode.BLACKHOLE, 0);
	}

	/**
	 * Forwards each chunk of bytes, in both directions, once {@code delay} has passed since it was read, keeping the
	 * order of bytes in each direction; a request and its reply are thus delayed twice. Connections that were
	 * blackholed are reset, as by {@link #pass()}.
	 */
	public synchronized void latency(Duration delay) {
		Assert.notNull(delay, "'delay' must not be null");
		Assert.isTrue(!delay.isNegative(), () -> "'delay' must not be negative, not " + delay);
		heal();
		this.setting = new Setting(Mode.LATENCY, delay.toNanos());
	}

	// Called before the mode leaves BLACKHOLE, so that no blackholed connection forwards a byte: its streams have
	// lost bytes, and a client reading on would take a reply for the wrong request.
	private void heal() {
		List.copyOf(this.connections).forEach((connection) -> {
			if (connection.blackholed) {
				connection.close(true);
			}
		});
	}

	/**
	 * Number of client connections open through the proxy now.
	 */
	public int connections() {
		return this.connections.size();
	}

	/**
	 * Number of connections open through the proxy now from the given client sockets. A test that counts its own
	 * connections counts them this way: a client of another test, such as a replica or a Sentinel still trying the
	 * port of a proxy that is gone, may reach a new proxy that the system gave the same port.
	 */
	public int connectionsFrom(Socket... clients) {
		Set<Integer> ports = new HashSet<>();
		for (Socket client : clients) {
			ports.add(client.getLocalPort());
		}
		return (int) this.connections.stream().filter((connection) -> ports.contains(connection.client.getPort())).count();
	}

	/**
	 * Stops listening, closes every connection and waits up to 2 seconds for the proxy's threads to end. Later calls
	 * do nothing.
	 */
	@Override
	public void close() {
		Thread acceptor;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			acceptor = this.acceptor;
		}
		long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
		closeQuietly(this.server, false);
		// Once the acceptor has ended no connection can start threads that the join below would miss.
		if (acceptor != null) {
			join(acceptor, deadline);
		}
		List.copyOf(this.connections).forEach((connection) -> connection.close(false));
		for (Thread thread : List.copyOf(this.threads)) {
			thread.interrupt();
			join(thread, deadline);
		}
	}

	private static void join(Thread thread, long deadlineNanos) {
		try {
			TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadlineNanos - System.nanoTime()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return "tcp-proxy %s:%d -> %s:%d (%s)".formatted(HOST, this.port, this.targetHost, this.targetPort, mode());
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				// Thrown when close() closed the server socket; any other failure would only repeat.
				return;
			}
			handle(client);
		}
	}

	private void handle(Socket client) {
		if (this.setting.mode() == Mode.DROP) {
			closeQuietly(client, true);
			return;
		}
		Socket target = connectTarget();
		if (target == null) {
			// A refused connection, as the client would see without the proxy.
			closeQuietly(client, true);
			return;
		}
		Connection connection;
		try {
			connection = new Connection(this.connectionIds.incrementAndGet(), client, target);
		}
		catch (IOException ex) {
			closeQuietly(client, true);
			closeQuietly(target, true);
			return;
		}
		synchronized (this) {
			if (this.closed || this.setting.mode() == Mode.DROP) {
				connection.close(true);
				return;
			}
			connection.blackholed = this.setting.mode() == Mode.BLACKHOLE;
			this.connections.add(connection);
		}
		connection.start();
	}

	private @Nullable Socket connectTarget() {
		Socket target = new Socket();
		try {
			target.connect(new InetSocketAddress(this.targetHost, this.targetPort), (int) CONNECT_TIMEOUT.toMillis());
			return target;
		}
		catch (IOException ex) {
			closeQuietly(target, false);
			return null;
		}
	}

	private Thread spawn(String role, Runnable task) {
		Thread thread = new Thread(() -> {
			try {
				task.run();
			}
			finally {
				this.threads.remove(Thread.currentThread());
			}
		}, "tcp-proxy-" + this.port + "-" + role);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
		return thread;
	}

	private static void closeQuietly(AutoCloseable closeable, boolean reset) {
		try {
			if (reset && closeable instanceof Socket socket) {
				// Linger 0 makes close() send RST instead of FIN, as a refused or reset network would.
				socket.setSoLinger(true, 0);
			}
		}
		catch (IOException ex) {
			// Already closed: nothing to reset.
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Nothing left to release.
		}
	}

	/**
	 * What the proxy does with the bytes it reads.
	 */
	public enum Mode {

		/**
		 * Forward bytes as they arrive.
		 */
		PASS,

		/**
		 * Reset every connection, open or new.
		 */
		DROP,

		/**
		 * Keep connections open and discard all bytes.
		 */
		BLACKHOLE,

		/**
		 * Forward bytes after a delay.
		 */
		LATENCY

	}

	private record Setting(Mode mode, long delayNanos) {

	}

	private record Chunk(byte[] bytes, long dueNanos, boolean end) {

	}

	/**
	 * One client connection and its connection to the target; closing either side closes both.
	 */
	private final class Connection {

		private final int id;

		private final Socket client;

		private final Socket target;

		private final Pipe upstream;

		private final Pipe downstream;

		private final AtomicBoolean closed = new AtomicBoolean();

		// Written under the proxy's lock; set once the connection lost bytes, so it is never healed.
		private volatile boolean blackholed;

		Connection(int id, Socket client, Socket target) throws IOException {
			this.id = id;
			this.client = client;
			this.target = target;
			// Without Nagle's algorithm each chunk leaves at once, so a delay is the delay asked for.
			client.setTcpNoDelay(true);
			target.setTcpNoDelay(true);
			this.upstream = new Pipe(this, client.getInputStream(), target.getOutputStream());
			this.downstream = new Pipe(this, target.getInputStream(), client.getOutputStream());
		}

		void start() {
			this.upstream.start(this.id + "-upstream");
			this.downstream.start(this.id + "-downstream");
			// close() may have run before the writers existed and so not interrupted them.
			if (isClosed()) {
				this.upstream.interrupt();
				this.downstream.interrupt();
			}
		}

		boolean isClosed() {
			return this.closed.get();
		}

		void close(boolean reset) {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			TcpProxy.this.connections.remove(this);
			closeQuietly(this.client, reset);
			closeQuietly(this.target, reset);
			// Readers end as their sockets close; writers may be waiting for a chunk.
			this.upstream.interrupt();
			this.downstream.interrupt();
		}

	}

	/**
	 * One direction of a connection: a thread that reads and a thread that writes delayed chunks, in order.
	 */
	private final class Pipe {

		private final Connection connection;

		private final InputStream in;

		private final OutputStream out;

		private final BlockingQueue<Chunk> delayed = new LinkedBlockingQueue<>();

		// Guarded by this: chunks queued or being written by the writer; while there are any, a chunk read in PASS
		// mode queues behind them instead of overtaking them.
		private int pending;

		private volatile @Nullable Thread writer;

		Pipe(Connection connection, InputStream in, OutputStream out) {
			this.connection = connection;
			this.in = in;
			this.out = out;
		}

		void start(String role) {
			this.writer = spawn(role + "-delay", this::drain);
			spawn(role, this::read);
		}

		void interrupt() {
			Thread writer = this.writer;
			if (writer != null) {
				writer.interrupt();
			}
		}

		private void read() {
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				int length;
				while ((length = this.in.read(buffer)) != -1) {
					Setting setting = TcpProxy.this.setting;
					switch (setting.mode()) {
						case PASS -> forward(buffer, length);
						case LATENCY -> queue(Arrays.copyOf(buffer, length), System.nanoTime() + setting.delayNanos());
						// DROP: read just before drop() closed the connection.
						case BLACKHOLE, DROP -> {
						}
					}
				}
				finish();
			}
			catch (IOException ex) {
				this.connection.close(false);
			}
		}

		private synchronized void forward(byte[] buffer, int length) throws IOException {
			if (this.pending == 0) {
				this.out.write(buffer, 0, length);
			}
			else {
				queue(Arrays.copyOf(buffer, length), System.nanoTime());
			}
		}

		private synchronized void queue(byte[] bytes, long dueNanos) {
			this.pending++;
			this.delayed.add(new Chunk(bytes, dueNanos, false));
		}

		// The source closed: close the connection once the bytes still delayed are written.
		private synchronized void finish() {
			if (this.pending == 0) {
				this.connection.close(false);
			}
			else {
				this.pending++;
				this.delayed.add(new Chunk(new byte[0], System.nanoTime(), true));
			}
		}

		private void drain() {
			try {
				while (!this.connection.isClosed()) {
					Chunk chunk = this.delayed.take();
					long waitNanos = chunk.dueNanos() - System.nanoTime();
					while (waitNanos > 0) {
						LockSupport.parkNanos(this, waitNanos);
						if (this.connection.isClosed()) {
							return;
						}
						waitNanos = chunk.dueNanos() - System.nanoTime();
					}
					synchronized (this) {
						if (chunk.end()) {
							this.connection.close(false);
							return;
						}
						this.out.write(chunk.bytes());
						this.pending--;
					}
				}
			}
			catch (InterruptedException ex) {
				// Interrupted by Connection.close(): there is nothing left to write to.
			}
			catch (IOException ex) {
				this.connection.close(false);
			}
		}

	}

}
