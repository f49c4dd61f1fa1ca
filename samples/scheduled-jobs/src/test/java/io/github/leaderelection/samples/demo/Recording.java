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


package io.github.leaderelection.samples.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * What happened during a failover demo: the changes the demo made to the processes and to Redis, and what the
 * instances reported. Times are {@link System#nanoTime()} values, comparable across the processes of one machine.
 * Thread-safe: the reader threads of the instances add to it while the demo waits on it.
 */
final class Recording {

	private final long originNanos;

	private final Map<String, Integer> slots = new LinkedHashMap<>();

	private final Map<String, Long> pids = new LinkedHashMap<>();

	private final List<Change> changes = new ArrayList<>();

	private final List<Grant> grants = new ArrayList<>();

	private final List<Revoke> revokes = new ArrayList<>();

	private final List<Execution> executions = new ArrayList<>();

	private final List<Fault> faults = new ArrayList<>();

	private final List<Consumer<Object>> listeners = new ArrayList<>();

	private @Nullable String abortReason;

	private long endNanos;

	Recording(long originNanos) {
		this.originNanos = originNanos;
	}

	/**
	 * Time at which the demo began; the timeline counts from it.
	 */
	long originNanos() {
		return this.originNanos;
	}

	/**
	 * Seconds from the beginning of the demo to the given time.
	 */
	double seconds(long nanos) {
		return (nanos - this.originNanos) / 1e9;
	}

	synchronized void onEvent(Consumer<Object> listener) {
		this.listeners.add(listener);
	}

	synchronized void started(String instance, int slot, long pid, long nanos) {
		this.slots.put(instance, slot);
		this.pids.put(instance, pid);
		add(this.changes, new Change(instance, Change.Kind.STARTED, nanos));
	}

	synchronized void changed(String instance, Change.Kind kind, long nanos) {
		add(this.changes, new Change(instance, kind, nanos));
	}

	synchronized Fault fault(Fault.Kind kind, String target, long nanos) {
		Fault fault = new Fault(this.faults.size() + 1, kind, target, nanos);
		add(this.faults, fault);
		return fault;
	}

	synchronized void aborted(String reason) {
		this.abortReason = reason;
	}

	synchronized void ended(long nanos) {
		this.endNanos = nanos;
	}

	/**
	 * Parses one line that an instance reported through its {@link DemoProbe}.
	 */
	void report(String line) {
		String[] fields = line.substring(DemoProbe.PREFIX.length()).trim().split(" ");
		synchronized (this) {
			switch (fields[0]) {
				case "granted" -> add(this.grants,
						new Grant(fields[1], fields[2], Long.parseLong(fields[3]), Long.parseLong(fields[4])));
				case "revoked" -> add(this.revokes, new Revoke(fields[1], fields[2], Long.parseLong(fields[3]),
						fields[4], Long.parseLong(fields[5])));
				case "job" -> add(this.executions, new Execution(fields[1], fields[2], Long.parseLong(fields[3]),
						Long.parseLong(fields[4]), Long.parseLong(fields[5])));
				case "ready" -> add(this.changes, new Change(fields[1], Change.Kind.READY, Long.parseLong(fields[2])));
				default -> throw new IllegalArgumentException("Unknown report: " + line);
			}
		}
	}

	private <T> void add(List<T> list, T event) {
		list.add(event);
		this.listeners.forEach((listener) -> listener.accept(event));
		notifyAll();
	}

	/**
	 * Waits until the condition holds, re-checking it whenever something is recorded.
	 * @return whether it held before the timeout passed
	 */
	synchronized boolean await(Predicate<Recording> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.test(this)) {
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return false;
			}
			wait(Math.max(1, remaining / 1_000_000));
		}
		return true;
	}

	/**
	 * Lets the given time pass while the instances go on reporting.
	 */
	synchronized void pass(Duration duration) throws InterruptedException {
		await((recording) -> false, duration);
	}

	/**
	 * First grant of the role after the given time, to any instance but {@code except}.
	 */
	synchronized Optional<Grant> grantAfter(String role, long nanos, @Nullable String except) {
		return this.grants.stream()
			.filter((grant) -> grant.role().equals(role) && grant.nanos() > nanos && !grant.instance().equals(except))
			.findFirst();
	}

	/**
	 * Instance that leads the role by the latest reports: granted and since neither revoked nor gone.
	 */
	synchronized Optional<String> leader(String role) {
		String leader = null;
		for (Object event : timeline()) {
			if (event instanceof Grant grant && grant.role().equals(role)) {
				leader = grant.instance();
			}
			else if (event instanceof Revoke revoke && revoke.role().equals(role)
					&& revoke.instance().equals(leader)) {
				leader = null;
			}
			else if (event instanceof Change change && change.instance().equals(leader)
					&& (change.kind() == Change.Kind.EXITED || change.kind() == Change.Kind.KILLED)) {
				leader = null;
			}
		}
		return Optional.ofNullable(leader);
	}

	synchronized boolean hasChange(String instance, Change.Kind kind) {
		return this.changes.stream().anyMatch((change) -> change.instance().equals(instance) && change.kind() == kind);
	}

	synchronized boolean hasExecutionAfter(String role, String instance, long nanos) {
		return this.executions.stream()
			.anyMatch((execution) -> execution.role().equals(role) && execution.instance().equals(instance)
					&& execution.endNanos() > nanos);
	}

	synchronized boolean hasRevokeAfter(String role, String instance, long nanos) {
		return this.revokes.stream()
			.anyMatch((revoke) -> revoke.role().equals(role) && revoke.instance().equals(instance)
					&& revoke.nanos() > nanos);
	}

	/**
	 * Every change, fault, grant and revoke, by time; executions are left out.
	 */
	synchronized List<Object> timeline() {
		List<Object> timeline = new ArrayList<>();
		timeline.addAll(this.changes);
		timeline.addAll(this.faults);
		timeline.addAll(this.grants);
		timeline.addAll(this.revokes);
		timeline.sort((a, b) -> Long.compare(nanos(a), nanos(b)));
		return timeline;
	}

	static long nanos(Object event) {
		if (event instanceof Change change) {
			return change.nanos();
		}
		if (event instanceof Fault fault) {
			return fault.nanos();
		}
		if (event instanceof Grant grant) {
			return grant.nanos();
		}
		if (event instanceof Revoke revoke) {
			return revoke.nanos();
		}
		if (event instanceof Execution execution) {
			return execution.startNanos();
		}
		throw new IllegalArgumentException("Not an event: " + event);
	}

	synchronized Map<String, Integer> slots() {
		return Map.copyOf(this.slots);
	}

	synchronized List<String> instances() {
		return List.copyOf(this.slots.keySet());
	}

	synchronized int slot(String instance) {
		Integer slot = this.slots.get(instance);
		return (slot != null) ? slot : 0;
	}

	synchronized long pid(String instance) {
		Long pid = this.pids.get(instance);
		return (pid != null) ? pid : -1;
	}

	synchronized List<Change> changes() {
		return List.copyOf(this.changes);
	}

	synchronized List<Grant> grants() {
		return List.copyOf(this.grants);
	}

	synchronized List<Revoke> revokes() {
		return List.copyOf(this.revokes);
	}

	synchronized List<Execution> executions() {
		return List.copyOf(this.executions);
	}

	synchronized List<Fault> faults() {
		return List.copyOf(this.faults);
	}

	synchronized @Nullable String abortReason() {
		return this.abortReason;
	}

	synchronized long endNanos() {
		return this.endNanos;
	}

	/**
	 * Something the demo did to an instance, or an instance's own report that it is ready.
	 */
	record Change(String instance, Kind kind, long nanos) {

		enum Kind {

			STARTED, READY, TERMINATED, KILLED, PAUSED, RESUMED, EXITED

		}

	}

	/**
	 * A fault the demo injected: into the leader, or into Redis.
	 */
	record Fault(int number, Kind kind, String target, long nanos) {

		enum Kind {

			SIGTERM("graceful stop"), SIGKILL("crash"), SIGSTOP("paused longer than the lease"),
			REDIS_RESTART("Redis restarted, data lost");

			private final String description;

			Kind(String description) {
				this.description = description;
			}

			String description() {
				return this.description;
			}

		}

		/**
		 * Whether the faulty instance itself may be the next leader: only after a Redis restart.
		 */
		boolean targetsInstance() {
			return this.kind != Kind.REDIS_RESTART;
		}

		String label() {
			return (this.kind == Kind.REDIS_RESTART) ? "Redis restart" : this.kind + " " + this.target;
		}

	}

	record Grant(String role, String instance, long token, long nanos) {

	}

	record Revoke(String role, String instance, long token, String reason, long nanos) {

	}

	/**
	 * One run of a leader-only job, with the fencing token its instance held when it began.
	 */
	record Execution(String role, String instance, long token, long startNanos, long endNanos) {

	}

}
