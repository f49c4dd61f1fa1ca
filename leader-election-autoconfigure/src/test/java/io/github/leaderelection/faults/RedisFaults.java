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


package io.github.leaderelection.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.leaderelection.test.RedisServer;

import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Faults of the suite's Redis that need more than a signal: restarts from older persistence files, a deleted lock and
 * an evicted one. Talks to Redis directly, not through the instances' proxies. The lock is the only key of the store
 * it relies on: {@code {leader-election:<role>}:lock}.
 */
final class RedisFaults {

	/**
	 * Redis's default snapshots, which the suite's Redis runs with: after an hour and one change, five minutes and 100
	 * changes, or a minute and 10 000 changes.
	 */
	static final String[] SNAPSHOTS = { "--save", "3600 1 300 100 60 10000" };

	private static final String[] SNAPSHOTS_AND_APPEND_ONLY = { "--save", "3600 1 300 100 60 10000", "--appendonly",
			"yes", "--appendfsync", "everysec" };

	private static final Duration PERSISTENCE_TIMEOUT = Duration.ofSeconds(20);

	private static final String FILL = """
			local value = string.rep('x', tonumber(ARGV[2]))
			for i = 1, tonumber(ARGV[1]) do
			  redis.call('SET', 'faults-filler:' .. ARGV[3] .. ':' .. i, value, 'PX', 600000)
			end
			return redis.call('EXISTS', KEYS[1])
			""";

	private static final String UNFILL = """
			local keys = redis.call('KEYS', 'faults-filler:*')
			for i = 1, #keys, 1000 do
			  redis.call('UNLINK', unpack(keys, i, math.min(i + 999, #keys)))
			end
			return #keys
			""";

	private final RedisServer redis;

	private final Path older;

	private final String lockKey;

	private final AtomicLong batches = new AtomicLong();

	private final AtomicLong evictions = new AtomicLong();

	private final Path directory;

	private final String appendOnlyFiles;

	RedisFaults(RedisServer redis, Path older, String role) {
		this.redis = redis;
		this.older = older;
		this.lockKey = "{leader-election:" + role + "}:lock";
		String dir = redis.command("CONFIG", "GET", "dir");
		this.directory = Path.of(dir.substring(dir.lastIndexOf('\n') + 1));
		// Redis 7 keeps its append-only files in a directory, Redis 6 in one file.
		this.appendOnlyFiles = redis.command("INFO", "server").contains("redis_version:6.") ? "appendonly.aof"
				: "appendonlydir";
	}

	RedisServer server() {
		return this.redis;
	}

	/**
	 * How many times {@link #evictLock(Duration)} saw the lock evicted.
	 */
	long evictions() {
		return this.evictions.get();
	}

	/**
	 * Makes Redis save a snapshot now and keeps a copy of it aside.
	 */
	void keepSnapshot() {
		String reply = this.redis.command("SAVE");
		state("+OK".equals(reply), "SAVE replied " + reply);
		copy(this.directory.resolve("dump.rdb"), this.older.resolve("dump.rdb"));
	}

	/**
	 * Kills Redis with {@code SIGKILL} and starts it again from the snapshot kept aside.
	 */
	void restartFromKeptSnapshot() {
		this.redis.kill();
		copy(this.older.resolve("dump.rdb"), this.directory.resolve("dump.rdb"));
		this.redis.restart();
	}

	/**
	 * Stops Redis, deletes its files and starts it again: a restart that loses every key, as on a new machine.
	 */
	void restartEmpty() {
		this.redis.stop();
		delete(this.directory.resolve("dump.rdb"));
		delete(appendOnlyFiles());
		this.redis.restart();
	}

	/**
	 * Turns the append-only file on ({@code appendfsync everysec}), for now and for the restarts that follow, and
	 * returns once Redis has written its first one.
	 */
	void appendOnly() {
		command("CONFIG", "SET", "appendfsync", "everysec");
		command("CONFIG", "SET", "appendonly", "yes");
		this.redis.useOptions(SNAPSHOTS_AND_APPEND_ONLY);
		await().atMost(PERSISTENCE_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			String info = this.redis.command("INFO", "persistence");
			return info.contains("aof_enabled:1") && info.contains("aof_rewrite_in_progress:0")
					&& info.contains("aof_rewrite_scheduled:0") && Files.exists(appendOnlyFiles());
		});
	}

	/**
	 * Keeps a copy of the append-only files aside: the whole directory on Redis 7, whose manifest names its files.
	 */
	void keepAppendOnlyFiles() {
		Path files = appendOnlyFiles();
		Path copy = this.older.resolve(files.getFileName());
		delete(copy);
		copy(files, copy);
	}

	/**
	 * Kills Redis with {@code SIGKILL} and starts it again from the append-only files kept aside.
	 */
	void restartFromKeptAppendOnlyFiles() {
		this.redis.kill();
		Path files = appendOnlyFiles();
		delete(files);
		copy(this.older.resolve(files.getFileName()), files);
		this.redis.restart();
	}

	/**
	 * Turns the append-only file off again, back to snapshots only.
	 */
	void snapshotsOnly() {
		command("CONFIG", "SET", "appendonly", "no");
		this.redis.useOptions(SNAPSHOTS);
	}

	/**
	 * Deletes the role's lock; whether there was one.
	 */
	boolean deleteLock() {
		return ":1".equals(this.redis.command("DEL", this.lockKey));
	}

	/**
	 * Limits Redis's memory to a little more than it uses, under {@code volatile-lru}, and writes keys with a time to
	 * live until the role's lock was evicted or the timeout passed; whether it was evicted.
	 */
	boolean evictLock(Duration timeout) {
		long evictedBefore = evictedKeys();
		command("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
		long used = Long.parseLong(info("memory", "used_memory"));
		command("CONFIG", "SET", "maxmemory", Long.toString(used + 512 * 1024));
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			String exists = this.redis.command("EVAL", FILL, "1", this.lockKey, "100", "1024",
					Long.toString(this.batches.incrementAndGet()));
			if (exists.equals(":0") && evictedKeys() > evictedBefore) {
				this.evictions.incrementAndGet();
				return true;
			}
		}
		return false;
	}

	/**
	 * Lifts the memory limit, restores the default policy and deletes the keys written to evict the lock.
	 */
	void unlimitedMemory() {
		command("CONFIG", "SET", "maxmemory", "0");
		command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		this.redis.command("EVAL", UNFILL, "0");
	}

	private long evictedKeys() {
		return Long.parseLong(info("stats", "evicted_keys"));
	}

	private String info(String section, String field) {
		for (String line : this.redis.command("INFO", section).split("\r\n|\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1).strip();
			}
		}
		throw new IllegalStateException("INFO " + section + " of " + this.redis + " has no " + field);
	}

	private Path appendOnlyFiles() {
		return this.directory.resolve(this.appendOnlyFiles);
	}

	private void command(String... args) {
		String reply = this.redis.command(args);
		state("+OK".equals(reply), String.join(" ", args) + " replied " + reply);
	}

	private void state(boolean condition, String message) {
		if (!condition) {
			throw new FaultSuite.AbortedException(message + " on " + this.redis);
		}
	}

	private static void copy(Path from, Path to) {
		try {
			Files.createDirectories(to.getParent());
			if (Files.isDirectory(from)) {
				FileSystemUtils.copyRecursively(from, to);
			}
			else {
				Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not copy " + from + " to " + to, ex);
		}
	}

	private static void delete(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + path, ex);
		}
	}

}
