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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.springframework.util.Assert;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster for tests: master nodes without replicas, each a {@code redis-server} process on a free
 * loopback port, the 16384 hash slots split evenly among them in node order. Needs a local {@code redis-server}
 * binary (see {@link RedisServer} for where it comes from), so {@link #isAvailable()} is {@code false} when servers
 * run in containers. Every node is stopped by its PID on {@link #close()} and dies with the JVM.
 *
 * @since 0.1.0
 */
public final class RedisCluster implements AutoCloseable {

	/**
	 * The number of hash slots of every Redis Cluster.
	 */
	public static final int SLOTS = 16384;

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration FORMATION_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisProcess> nodes;

	private RedisCluster(List<RedisProcess> nodes) {
		this.nodes = nodes;
	}

	/**
	 * Whether a cluster can start here: only from a local binary, not in containers.
	 */
	public static boolean isAvailable() {
		return RedisLauncher.binary().isPresent();
	}

	/**
	 * Starts {@code masters} nodes, gives each its share of the slots, introduces them to each other and returns once
	 * every node reports {@code cluster_state:ok}.
	 * @throws IllegalStateException when no local binary is available or the cluster does not form within 30 s
	 */
	public static RedisCluster start(int masters) {
		Assert.isTrue(masters >= 1, "A cluster needs at least one master");
		Path binary = RedisLauncher.binary()
			.orElseThrow(() -> new IllegalStateException(
					"A Redis Cluster needs a local redis-server binary; test servers run in containers here"));
		List<RedisProcess> nodes = new ArrayList<>();
		RedisCluster cluster = new RedisCluster(nodes);
		try {
			for (int i = 0; i < masters; i++) {
				nodes.add(RedisProcess.launchClusterNode(binary));
			}
			cluster.form();
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void form() {
		int masters = this.nodes.size();
		for (int i = 0; i < masters; i++) {
			List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			IntStream.range(firstSlot(i), firstSlot(i + 1)).mapToObj(Integer::toString).forEach(command::add);
			command(i, command.toArray(String[]::new));
		}
		for (int i = 1; i < masters; i++) {
			command(0, "CLUSTER", "MEET", this.nodes.get(i).host(), Integer.toString(this.nodes.get(i).port()));
		}
		await(this + " to form").atMost(FORMATION_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> IntStream.range(0, masters).allMatch((i) -> {
				String info = command(i, "CLUSTER", "INFO");
				return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters + "\r\n");
			}));
	}

	private int firstSlot(int node) {
		return (int) ((long) SLOTS * node / this.nodes.size());
	}

	/**
	 * The index of the node that serves {@code slot}.
	 */
	public int nodeOf(int slot) {
		Assert.isTrue(slot >= 0 && slot < SLOTS, () -> "No hash slot " + slot);
		int node = 0;
		while (slot >= firstSlot(node + 1)) {
			node++;
		}
		return node;
	}

	/**
	 * The nodes' addresses as {@code spring.data.redis.cluster.nodes} takes them: {@code host:port,host:port}.
	 */
	public String nodes() {
		return this.nodes.stream().map((node) -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
	}

	/**
	 * Sends one command to node {@code node} and returns its reply as raw RESP lines joined by {@code \n}.
	 */
	public String command(int node, String... args) {
		RedisProcess process = this.nodes.get(node);
		return RespClient.command(process.host(), process.port(), COMMAND_TIMEOUT, args);
	}

	/**
	 * Stops node {@code node} with {@code SIGSTOP}: it keeps its connections and answers nothing until
	 * {@link #resume(int)}.
	 */
	public void pause(int node) {
		this.nodes.get(node).pause();
	}

	/**
	 * Lets a node that {@link #pause(int)} stopped go on.
	 */
	public void resume(int node) {
		this.nodes.get(node).resume();
	}

	/**
	 * Stops every node and deletes its files.
	 */
	@Override
	public void close() {
		RuntimeException failure = null;
		for (RedisProcess node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "Redis Cluster " + nodes();
	}

}
