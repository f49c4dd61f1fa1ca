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

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
import static org.assertj.core.api.Assertions.tuple;

class TimelinePageTests {

	private static final String SVG = "http://www.w3.org/2000/svg";

	@Test
	void drawsALanePerInstanceAndMarksEachFault() throws Exception {
		String html = TimelinePage.render(DemoReport.of(Recordings.failover(), DemoSettings.reduced()));
		Path page = Path.of("target", "timeline-page-tests", "timeline.html");
		Files.createDirectories(page.getParent());
		Files.writeString(page, html);
		Document document = parse(html);
		assertThat(document.getElementsByTagNameNS(SVG, "svg").getLength()).isOne();
		assertThat(groups(document, "lane")).extracting((lane) -> lane.getAttribute("data-lane"))
			.containsExactly("1", "2", "3");
		assertThat(groups(document, "fault")).extracting((fault) -> fault.getAttribute("data-kind"))
			.containsExactly("SIGTERM", "SIGKILL", "SIGSTOP", "REDIS_RESTART");
		assertThat(groups(document, "resume")).hasSize(1);
		assertThat(groups(document, "legend")).hasSize(1);
		assertThat(rects(document, "leading")).hasSize(5);
		assertThat(rects(document, "paused")).hasSize(1);
		assertThat(html).contains("PASSED");
	}

	@Test
	void showsLanesAsTheirInstancesWere() {
		TimelinePage.Segment[] lane1 = segments(1).toArray(TimelinePage.Segment[]::new);
		assertThat(lane1).extracting(TimelinePage.Segment::state)
			.containsExactly(TimelinePage.State.STARTING, TimelinePage.State.FOLLOWING, TimelinePage.State.LEADING,
					TimelinePage.State.FOLLOWING, TimelinePage.State.STARTING, TimelinePage.State.FOLLOWING,
					TimelinePage.State.LEADING, TimelinePage.State.PAUSED, TimelinePage.State.FOLLOWING,
					TimelinePage.State.LEADING, TimelinePage.State.FOLLOWING);
		assertThat(lane1[2].token()).isEqualTo(1001);
		assertThat(lane1[7].fromNanos()).isEqualTo(Recordings.at(28.35));
		assertThat(lane1[7].toNanos()).isEqualTo(Recordings.at(31.35));
		// Its lease ran out while it was paused: once it continues it follows; it does not lead for 10 ms.
		assertThat(lane1[8].fromNanos()).isEqualTo(Recordings.at(31.35));
	}

	@Test
	void bandWithoutLeaderStartsWhereTheOldLeaderStoppedLeading() throws Exception {
		Document document = parse(TimelinePage.render(DemoReport.of(Recordings.failover(), DemoSettings.reduced())));
		assertThat(rects(document, "leaderless")).extracting((band) -> band.getAttribute("data-fault"),
				(band) -> band.getAttribute("data-from"), (band) -> band.getAttribute("data-to"))
			.containsExactly(tuple("1", "18.10", "18.15"), tuple("2", "22.90", "24.80"), tuple("3", "28.35", "30.45"),
					// Redis restarted at 34.36 s, but node-2 led on until its renewal was refused at 34.52 s.
					tuple("4", "34.52", "36.60"));
	}

	@Test
	void leadershipWithoutARecordedRevocationEndsAtTheNextGrant() {
		Recording recording = new Recording(Recordings.ORIGIN);
		recording.started("node-1", 1, 101, Recordings.at(1.0));
		recording.started("node-2", 2, 102, Recordings.at(1.0));
		Recordings.ready(recording, "node-1", 2.0);
		Recordings.ready(recording, "node-2", 2.0);
		Recordings.lead(recording, "reports", "node-1", 1001, 3.0, 0, null);
		recording.fault(Recording.Fault.Kind.SIGTERM, "node-1", Recordings.at(5.0));
		recording.changed("node-1", Recording.Change.Kind.TERMINATED, Recordings.at(5.0));
		Recordings.lead(recording, "reports", "node-2", 1002, 5.05, 0, null);
		// node-1 exits without its revocation in the recording
		recording.changed("node-1", Recording.Change.Kind.EXITED, Recordings.at(5.3));
		recording.ended(Recordings.at(6.0));
		DemoReport report = DemoReport.of(recording, DemoSettings.reduced());
		assertThat(TimelinePage.segments(report, 1, DemoReport.REPORTS)).last()
			.satisfies((segment) -> assertThat(segment.state()).isEqualTo(TimelinePage.State.LEADING))
			.satisfies((segment) -> assertThat(segment.toNanos()).isEqualTo(Recordings.at(5.05)));
	}

	@Test
	void drawsNoBarNarrowerThanAPixel() throws Exception {
		Document document = parse(TimelinePage.render(DemoReport.of(Recordings.failover(), DemoSettings.reduced())));
		NodeList rects = document.getElementsByTagNameNS(SVG, "rect");
		for (int i = 0; i < rects.getLength(); i++) {
			Element rect = (Element) rects.item(i);
			if (rect.hasAttribute("x")) {
				assertThat(Double.parseDouble(rect.getAttribute("width"))).as("width of %s", rect.getTextContent())
					.isGreaterThanOrEqualTo(1.0);
			}
		}
	}

	@Test
	void explainsReplacementJvms() {
		String html = TimelinePage.render(DemoReport.of(Recordings.failover(), DemoSettings.reduced()));
		assertThat(html).contains("node-1.2 · pid 104 · replacement JVM for node-1")
			.contains("node-3.2 · pid 105 · replacement JVM for node-3")
			.contains("node-1.2 is the second JVM of lane node-1, which replaced node-1")
			.doesNotContain("node-2 · pid 102 · replacement");
	}

	@Test
	void escapesText() {
		assertThat(TimelinePage.esc("a < b & \"c\"")).isEqualTo("a &lt; b &amp; &quot;c&quot;");
	}

	private static List<TimelinePage.Segment> segments(int lane) {
		DemoReport report = DemoReport.of(Recordings.failover(), DemoSettings.reduced());
		return TimelinePage.segments(report, lane, DemoReport.REPORTS);
	}

	private static Document parse(String html) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setNamespaceAware(true);
		factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
		return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
	}

	private static List<Element> groups(Document document, String cssClass) {
		return elements(document.getElementsByTagNameNS(SVG, "g"), cssClass);
	}

	private static List<Element> rects(Document document, String cssClass) {
		return elements(document.getElementsByTagNameNS(SVG, "rect"), cssClass);
	}

	private static List<Element> elements(NodeList nodes, String cssClass) {
		List<Element> elements = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			Element element = (Element) nodes.item(i);
			if (cssClass.equals(element.getAttribute("class"))) {
				elements.add(element);
			}
		}
		return elements;
	}

}
