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


package io.github.leaderelection.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.Leadership;
import io.github.leaderelection.event.LeadershipEvent;
import io.github.leaderelection.event.RevokeReason;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * Leadership in a test, granted and revoked by the test itself: no store, no lease, no waiting. Replaces the
 * application's {@link LeaderElectors}, so that {@code @LeaderOnly} methods, injected {@link LeaderElector}s and
 * {@code OnGrantedEvent}/{@code OnRevokedEvent} listeners all follow what the test decides. Set up by
 * {@link ManualLeaderElection @ManualLeaderElection}:
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;ManualLeaderElection
 * class ReportJobTests {
 *
 * 	&#64;Autowired
 * 	LeaderElectionTester election;
 *
 * 	&#64;Autowired
 * 	ReportJob job;
 *
 * 	&#64;Test
 * 	void publishesOnlyWhileLeading() {
 * 		this.job.publishReport();
 * 		assertThat(this.election.skipped("ReportJob.publishReport()")).isOne();
 * 		this.election.grant();
 * 		this.job.publishReport();
 * 		assertThat(this.election.ran("ReportJob.publishReport()")).isOne();
 * 	}
 *
 * }
 * </pre>
 * Each change publishes its event on the calling thread, so the listeners have returned when {@link #grant(String)}
 * or {@link #revoke(String)} returns; an exception a listener throws reaches the caller. Every grant of a role gets a
 * higher fencing token than the grant before it. The tester records every event and every call that asked to run as
 * leader; with the Spring TestContext Framework the records start empty in each test method, and after each test
 * method every role returns to its state at start (publishing the events of that change). Thread-safe: a scheduled
 * job may run while the test grants and revokes.
 *
 * @since 0.1.0
 */
public final class LeaderElectionTester {

	private final ApplicationEventPublisher publisher;

	private final LeaderElectors electors;

	private final Object monitor = new Object();

	private final List<LeadershipEvent> events = new ArrayList<>();

	private final List<LeaderOnlyCall> calls = new ArrayList<>();

	LeaderElectionTester(String defaultRole, String instanceId, boolean leadsAtStart,
			ApplicationEventPublisher publisher) {
		Assert.hasText(defaultRole, "'defaultRole' must not be empty");
		Assert.hasText(instanceId, "'instanceId' must not be empty");
		Assert.notNull(publisher, "'publisher' must not be null");
		this.publisher = publisher;
		this.electors = new LeaderElectors(defaultRole,
				(role) -> new ManualLeaderElector(role, instanceId, this, leadsAtStart), Duration.ofSeconds(5));
	}

	/**
	 * Makes this instance leader of the default role ({@code leader.election.role}), unless it leads already.
	 * @return the grant, with its fencing token
	 */
	public Leadership grant() {
		return grant(this.electors.defaultRole());
	}

	/**
	 * Makes this instance leader of a role, unless it leads already: publishes {@code OnGrantedEvent} with the next
	 * fencing token, and lets the role's {@code @LeaderOnly} methods run from then on.
	 * @param role the role
	 * @return the grant, with its fencing token
	 */
	public Leadership grant(String role) {
		return manual(role).grant();
	}

	/**
	 * Makes this instance a follower of the default role, as when another instance took the lease over.
	 */
	public void revoke() {
		revoke(this.electors.defaultRole());
	}

	/**
	 * Makes this instance a follower of a role, as when another instance took the lease over: publishes
	 * {@code OnRevokedEvent} with {@link RevokeReason#LEASE_LOST} if it led. Does nothing if it followed.
	 * @param role the role
	 */
	public void revoke(String role) {
		revoke(role, RevokeReason.LEASE_LOST);
	}

	/**
	 * Makes this instance a follower of a role for the given reason, for example {@link RevokeReason#LEASE_EXPIRED}
	 * to play a store that stopped answering. Does nothing if it followed.
	 * @param role the role
	 * @param reason the reason the {@code OnRevokedEvent} carries
	 */
	public void revoke(String role, RevokeReason reason) {
		Assert.notNull(reason, "'reason' must not be null");
		manual(role).revoke(reason);
	}

	/**
	 * Whether this instance leads the role now.
	 * @param role the role
	 * @return whether it leads
	 */
	public boolean isLeader(String role) {
		return elector(role).isLeader();
	}

	/**
	 * The elector of a role, as the application sees it: {@code yieldLeadership()} on it revokes with
	 * {@link RevokeReason#YIELDED}, and the role then has no leader until the test grants it again.
	 * @param role the role
	 * @return the role's elector
	 */
	public LeaderElector elector(String role) {
		return manual(role);
	}

	/**
	 * The events published so far, in order.
	 */
	public List<LeadershipEvent> events() {
		synchronized (this.monitor) {
			return List.copyOf(this.events);
		}
	}

	/**
	 * The events of one role published so far, in order.
	 * @param role the role
	 * @return its events
	 */
	public List<LeadershipEvent> events(String role) {
		return events().stream().filter((event) -> event.role().equals(role)).toList();
	}

	/**
	 * The calls that asked to run as leader so far, in order: {@code @LeaderOnly} methods, whether they ran or were
	 * skipped, and {@link LeaderElector#admit(String)} calls.
	 */
	public List<LeaderOnlyCall> calls() {
		synchronized (this.monitor) {
			return List.copyOf(this.calls);
		}
	}

	/**
	 * How many calls of a {@code @LeaderOnly} method ran so far.
	 * @param method the method as {@code @LeaderOnly} names it, as in {@code ReportJob.publishReport()}; the
	 * parentheses may be left out
	 * @return the number of calls that ran
	 */
	public long ran(String method) {
		return count(method, true);
	}

	/**
	 * How many calls of a {@code @LeaderOnly} method were skipped so far, since this instance did not lead.
	 * @param method the method as {@code @LeaderOnly} names it, as in {@code ReportJob.publishReport()}; the
	 * parentheses may be left out
	 * @return the number of calls skipped
	 */
	public long skipped(String method) {
		return count(method, false);
	}

	/**
	 * Returns every role to its state at start, publishing the events of that change, and forgets the events and
	 * calls recorded. Runs after each test method of the Spring TestContext Framework.
	 */
	public void reset() {
		this.electors.electors().forEach((elector) -> ((ManualLeaderElector) elector).reset());
		clearRecords();
	}

	/**
	 * The registry the application uses.
	 */
	LeaderElectors electors() {
		return this.electors;
	}

	void clearRecords() {
		synchronized (this.monitor) {
			this.events.clear();
			this.calls.clear();
		}
	}

	void record(LeaderOnlyCall call) {
		synchronized (this.monitor) {
			this.calls.add(call);
		}
	}

	void publish(LeadershipEvent event) {
		synchronized (this.monitor) {
			this.events.add(event);
		}
		this.publisher.publishEvent(event);
	}

	private ManualLeaderElector manual(String role) {
		Assert.hasText(role, "'role' must not be empty");
		return (ManualLeaderElector) this.electors.forRole(role);
	}

	private long count(String method, boolean ran) {
		Assert.hasText(method, "'method' must not be empty");
		String name = withoutParentheses(method);
		return calls().stream()
			.filter((call) -> call.ran() == ran && withoutParentheses(call.method()).equals(name))
			.count();
	}

	private static String withoutParentheses(String method) {
		return method.endsWith("()") ? method.substring(0, method.length() - 2) : method;
	}

}
