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

package io.github.leaderelection.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.leaderelection.store.LeaseClaim;
import io.github.leaderelection.store.LeaseHolder;
import io.github.leaderelection.test.DatabaseServerExtension;
import io.github.leaderelection.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.dao.DataAccessResourceFailureException;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JdbcLeaseStore} when the network to a private PostgreSQL goes silent: a call gives up after the
 * statement timeout and a second on an established connection, whatever the driver's own socket timeout, so that
 * no election thread hangs. (Opening a connection is bounded by the pool's own timeout, not the store's.)
 */
class JdbcLeaseStoreNetworkTests {

	@RegisterExtension
	static final DatabaseServerExtension database = DatabaseServerExtension.postgres();

	private final JdbcLeaseStores stores = new JdbcLeaseStores();

	private final List<Runnable> closeables = new ArrayList<>();

	private TcpProxy proxy = TcpProxy.start("127.0.0.1", 1);

	@AfterEach
	void close() {
		this.stores.stopAll();
		this.proxy.close();
		this.closeables.forEach(Runnable::run);
	}

	@Test
	void aCallThroughASilentNetworkFailsAfterTheStatementTimeoutAndASecond() throws Exception {
		JdbcLeaseStores.createTable(database.server());
		this.proxy.close();
		this.proxy = TcpProxy.start(database.server().host(), database.server().port());
		// No socketTimeout in the URL: the driver alone would wait for ever. A pool, whose connections are open
		// when the network goes silent.
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:postgresql://%s:%d/postgres".formatted(this.proxy.host(), this.proxy.port()));
		dataSource.setUsername(database.server().username());
		dataSource.setMinimumIdle(3);
		// The pool's own waits, short as the README advises: what is left is the store's.
		dataSource.setConnectionTimeout(250);
		dataSource.setValidationTimeout(250);
		this.closeables.add(dataSource::close);
		JdbcLeaseStore store = this.stores.create(dataSource, JdbcLeaseStore.Options.DEFAULTS
			.withStatementTimeout(Duration.ofSeconds(1))
			.withQuarantineMissingRow(false));
		assertThat(store.acquire(claim()).isGranted()).isTrue();
		this.proxy.blackhole();
		long started = System.nanoTime();
		CompletableFuture<Boolean> renewal = CompletableFuture
			.supplyAsync(() -> store.renew("orders", new LeaseHolder("one", "nonce"), Duration.ofSeconds(2)));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> renewal.get(20, TimeUnit.SECONDS))
			.withCauseInstanceOf(DataAccessResourceFailureException.class)
			.withRootCauseInstanceOf(SocketTimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
	}

	private static LeaseClaim claim() {
		return new LeaseClaim("orders", new LeaseHolder("one", "nonce"), "host", Instant.EPOCH, Duration.ofSeconds(2));
	}

}
