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

import io.github.leaderelection.LeaderElectors;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@ManualLeaderElection(leader = true)
class ManualLeaderElectionLeaderTests {

	@Autowired
	LeaderElectionTester election;

	@Autowired
	LeaderElectors electors;

	@Test
	void leadsEveryRoleFromTheStart() {
		assertThat(this.electors.defaultRole()).isEqualTo("default");
		assertThat(this.electors.defaultElector().isLeader()).isTrue();
		assertThat(this.election.isLeader("any")).isTrue();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}
