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


package io.github.leaderelection.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Runs the annotated method only while this instance leads its role; on a follower the call is skipped. A skipped
 * call returns {@code null}, or {@link java.util.Optional#empty()} for an {@code Optional}; a method whose return
 * type is a primitive other than {@code void} cannot be skipped and fails the application's start.
 * <p>
 * Works on any Spring bean method called through its proxy, like {@code @Transactional}, and typically on
 * {@code @Scheduled} methods. On a class, it applies to every public method the class declares. The check reads
 * local state only: it costs no store call. Spring AOT registers the annotated methods for reflection, so that the
 * advice finds and calls them in a native image as well.
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(LeaderOnlyReflectiveProcessor.class)
public @interface LeaderOnly {

	/**
	 * Role whose leader runs the method; empty for the configured {@code leader.election.role}. A named role is
	 * elected like the default one, independently of it.
	 */
	String role() default "";

}
