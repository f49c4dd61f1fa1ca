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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the failover demo, three JVMs on one Redis, with shorter pauses between the faults. Fails on a fault that no
 * new leader follows, on runs of a job that overlap in time on two instances, and on a fencing token that goes
 * backwards.
 */
class FailoverDemoIT {

	@Test
	void everyFaultIsFollowedByANewLeaderWithoutOverlapsAndWithIncreasingTokens() throws Exception {
		Path directory = Path.of("target", "failover-demo-it");
		DemoReport report = new FailoverDemo(DemoSettings.reduced(), directory, System.out).run();
		assertThat(report.problems()).as(report.summaryText()).isEmpty();
		assertThat(report.handovers()).hasSize(4).allSatisfy((handover) -> assertThat(handover.next()).isNotNull());
		for (String role : DemoReport.ROLES) {
			assertThat(report.overlaps(role)).isEmpty();
			assertThat(DemoReport.isIncreasing(report.tokens(role))).isTrue();
		}
		assertThat(report.recording().executions()).isNotEmpty();
		Document page = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(directory.resolve("timeline.html").toFile());
		assertThat(page.getElementsByTagName("svg").getLength()).isOne();
		assertThat(classes(page.getElementsByTagName("g"))).containsSubsequence("lane", "lane", "lane")
			.containsSubsequence("fault", "fault", "fault", "fault");
		assertThat(Files.readString(directory.resolve("summary.json"))).contains("\"passed\": true");
	}

	private static List<String> classes(NodeList nodes) {
		List<String> classes = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			classes.add(((Element) nodes.item(i)).getAttribute("class"));
		}
		return classes;
	}

}
