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

/**
 * One call that asked to run as leader, recorded by {@link LeaderElectionTester}: a {@code @LeaderOnly} method, or
 * code that called {@link io.github.leaderelection.LeaderElector#admit(String)} itself.
 *
 * @param role the role the call asked to lead
 * @param method what ran or was skipped, as {@code @LeaderOnly} names it: the simple class name, a dot and the
 * method, as in {@code ReportJob.publishReport()}; for {@code admit}, the description it was given
 * @param ran whether this instance led the role, so that the call ran; {@code false} when it was skipped
 * @param fencingToken the fencing token of the grant the call ran under; {@code 0} when it was skipped
 * @since 0.1.0
 */
public record LeaderOnlyCall(String role, String method, boolean ran, long fencingToken) {

}
