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

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The store's view of the application's data source: a wrapper, so that Spring's transaction synchronization never
 * hands the store a caller's connection, whose connections give up a read after the network timeout, so that a
 * silent network (a partition, a frozen server) cannot hold an election thread for long. A statement timeout alone
 * does not: it is a request to the server to cancel. Each connection gets its former network timeout back when the
 * store closes it, before it returns to the pool.
 */
final class NetworkTimeoutDataSource extends DelegatingDataSource {

	// The drivers apply the timeout to their socket and use no executor.
	private static final Executor DIRECT = Runnable::run;

	private final int timeoutMillis;

	NetworkTimeoutDataSource(DataSource dataSource, Duration timeout) {
		super(dataSource);
		this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
	}

	@Override
	public Connection getConnection() throws SQLException {
		return withTimeout(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return withTimeout(obtainTargetDataSource().getConnection(username, password));
	}

	private Connection withTimeout(Connection connection) throws SQLException {
		int former;
		try {
			former = connection.getNetworkTimeout();
			connection.setNetworkTimeout(DIRECT, this.timeoutMillis);
		}
		catch (SQLException | UnsupportedOperationException | AbstractMethodError ex) {
			// A driver without network timeouts: the statement timeout is all there is.
			return connection;
		}
		return (Connection) Proxy.newProxyInstance(NetworkTimeoutDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class },
				(proxy, method, arguments) -> invoke(proxy, connection, former, method, arguments));
	}

	private static @Nullable Object invoke(Object proxy, Connection connection, int former, Method method,
			@Nullable Object @Nullable [] arguments) throws Throwable {
		if (method.getName().equals("equals") && method.getParameterCount() == 1) {
			return arguments != null && proxy == arguments[0];
		}
		if (method.getName().equals("hashCode") && method.getParameterCount() == 0) {
			return System.identityHashCode(proxy);
		}
		if (method.getName().equals("close") && method.getParameterCount() == 0 && !connection.isClosed()) {
			try {
				connection.setNetworkTimeout(DIRECT, former);
			}
			catch (SQLException ex) {
				// A broken connection: the pool discards it anyway.
			}
		}
		try {
			return method.invoke(connection, arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
