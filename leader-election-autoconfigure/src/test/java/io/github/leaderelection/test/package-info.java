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


/**
 * Test fixture: a real {@code redis-server} per test class, with faults to inject (stop, kill, pause, restart), a real
 * Redis Cluster and a real Redis Sentinel set-up of local processes, a TCP proxy to cut or slow the link to Redis,
 * and private PostgreSQL and MariaDB servers with the same faults.
 */
@NullMarked
package io.github.leaderelection.test;

import org.jspecify.annotations.NullMarked;
