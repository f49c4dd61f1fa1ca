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

import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON: the results need no JSON library.
 */
final class Json {

	private Json() {
	}

	static String write(@Nullable Object value) {
		StringBuilder json = new StringBuilder();
		write(json, value, "");
		return json.toString();
	}

	static String number(@Nullable Double value, String format) {
		return (value == null) ? "n/a" : String.format(Locale.ROOT, format, value);
	}

	private static void write(StringBuilder json, @Nullable Object value, String indent) {
		if (value == null) {
			json.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			if (map.isEmpty()) {
				json.append("{}");
				return;
			}
			json.append("{\n");
			Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
			while (entries.hasNext()) {
				Map.Entry<?, ?> entry = entries.next();
				json.append(indent).append("  ");
				string(json, String.valueOf(entry.getKey()));
				json.append(": ");
				write(json, entry.getValue(), indent + "  ");
				json.append(entries.hasNext() ? ",\n" : "\n");
			}
			json.append(indent).append('}');
		}
		else if (value instanceof Collection<?> collection) {
			json.append('[');
			Iterator<?> items = collection.iterator();
			while (items.hasNext()) {
				write(json, items.next(), indent);
				if (items.hasNext()) {
					json.append(", ");
				}
			}
			json.append(']');
		}
		else if (value instanceof Double number) {
			json.append(number.isNaN() || number.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", number)
				.replaceAll("0+$", "").replaceAll("\\.$", ""));
		}
		else if (value instanceof Number || value instanceof Boolean) {
			json.append(value);
		}
		else {
			string(json, value.toString());
		}
	}

	private static void string(StringBuilder json, String text) {
		json.append('"');
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
