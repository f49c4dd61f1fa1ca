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


package io.github.leaderelection.benchmarks.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * What every contender's application shares: the lines it prints for the harness, the job whose length the harness
 * sets, and the commands it reads from standard input. Every line starts with its kind and the
 * {@link System#nanoTime()} it was printed at, which is CLOCK_MONOTONIC on Linux and so comparable across the
 * processes of one machine: {@code READY <nanos>}, {@code GRANTED <nanos> <token>}, {@code REVOKED <nanos> <reason>},
 * {@code JOB-START <nanos> <epochMillis>}, {@code JOB-END <nanos>}, {@code ROLES <nanos> <count>} and
 * {@code STATS <nanos> key=value...}.
 * <p>
 * Commands, one a line: {@code job <millis>} sets how long each job run lasts ({@code 0}: the job does nothing and
 * prints nothing); {@code stats} prints a {@code STATS} line, {@code stats gc} the same after a full GC;
 * {@code roles <count>} asks the application for that many more roles, where it has roles. When standard input
 * closes, because the harness ended or died, the application exits.
 */
@Configuration(proxyBeanMethods = false)
public class Harness {

	/**
	 * Runs the application with no web server and starts reading commands.
	 */
	public static ConfigurableApplicationContext run(Class<?> source, String[] args) {
		SpringApplication application = new SpringApplication(source);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		Thread commands = new Thread(() -> readCommands(context), "benchmark-commands");
		commands.setDaemon(true);
		commands.start();
		return context;
	}

	/**
	 * Prints one line for the harness: the kind, the time now, then the fields.
	 */
	public static void print(String kind, Object... fields) {
		StringBuilder line = new StringBuilder(kind).append(' ').append(System.nanoTime());
		for (Object field : fields) {
			line.append(' ').append(field);
		}
		System.out.println(line);
	}

	private static void readCommands(ConfigurableApplicationContext context) {
		Job job = context.getBean(Job.class);
		Statistics statistics = context.getBean(Statistics.class);
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				String[] words = line.trim().split(" ");
				switch (words[0]) {
					case "job" -> job.lastFor(Duration.ofMillis(Long.parseLong(words[1])));
					case "stats" -> statistics.print(words.length > 1 && words[1].equals("gc"));
					case "roles" -> context.getBean(Roles.class).add(Integer.parseInt(words[1]));
					default -> System.err.println("Unknown command on standard input: " + line);
				}
			}
		}
		catch (IOException ex) {
			// Treated as the end of the input.
		}
		// Nobody reads the lines any more: do not outlive the harness.
		System.exit(0);
	}

	@Bean
	Job benchmarkJob(@Value("${bench.job:0ms}") Duration length) {
		return new Job(length);
	}

	@Bean
	Statistics benchmarkStatistics(ObjectProvider<Leading> leading, ObjectProvider<StatementCounter> statements) {
		return new Statistics(leading, statements);
	}

	@Bean
	StatementCounter benchmarkStatementCounter() {
		return new StatementCounter();
	}

	@Bean
	static BeanPostProcessor countingDataSources(ObjectProvider<StatementCounter> counter) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof DataSource dataSource && !(bean instanceof CountingDataSource))
						? new CountingDataSource(dataSource, counter.getObject()) : bean;
			}

		};
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		print("READY");
	}

	/**
	 * The job a contender runs where it leads or holds the lock: it lasts as long as the harness said, printing
	 * {@code JOB-START} and {@code JOB-END}, or does nothing when that is zero.
	 */
	public static final class Job {

		private volatile long nanos;

		Job(Duration length) {
			this.nanos = length.toNanos();
		}

		void lastFor(Duration length) {
			this.nanos = length.toNanos();
		}

		/**
		 * One run of the job.
		 */
		public void run() {
			long length = this.nanos;
			if (length <= 0) {
				return;
			}
			print("JOB-START", System.currentTimeMillis());
			long until = System.nanoTime() + length;
			for (long left = length; left > 0; left = until - System.nanoTime()) {
				// Goes on when interrupted, as blocking I/O would; clears the flag so that parkNanos does not spin.
				Thread.interrupted();
				LockSupport.parkNanos(left);
			}
			print("JOB-END");
		}

	}

	/**
	 * How many roles this instance leads now.
	 */
	@FunctionalInterface
	public interface Leading extends LongSupplier {

	}

	/**
	 * Adds roles to an application that has them.
	 */
	@FunctionalInterface
	public interface Roles {

		void add(int count);

	}

	/**
	 * JDBC statements executed through the application's {@link DataSource}, counted by {@link CountingDataSource}.
	 */
	public static final class StatementCounter {

		private final AtomicLong count = new AtomicLong();

		void increment() {
			this.count.incrementAndGet();
		}

		long count() {
			return this.count.get();
		}

	}

	/**
	 * Prints the {@code STATS} line: live threads, the election's threads, CPU time of the process, heap in use
	 * (after a full GC when asked), statements executed and roles led.
	 */
	static final class Statistics {

		private final ObjectProvider<Leading> leading;

		private final ObjectProvider<StatementCounter> statements;

		Statistics(ObjectProvider<Leading> leading, ObjectProvider<StatementCounter> statements) {
			this.leading = leading;
			this.statements = statements;
		}

		void print(boolean gc) {
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			if (gc) {
				for (int i = 0; i < 3; i++) {
					memory.gc();
				}
			}
			long electionThreads = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.getName().startsWith("leader-election")
						|| thread.getName().startsWith("lock-leadership"))
				.count();
			long cpu = (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
					? os.getProcessCpuTime() : -1;
			Leading leading = this.leading.getIfAvailable();
			StatementCounter statements = this.statements.getIfAvailable();
			Harness.print("STATS", "threads=" + ManagementFactory.getThreadMXBean().getThreadCount(),
					"electionThreads=" + electionThreads, "cpuNanos=" + cpu,
					"heapUsed=" + memory.getHeapMemoryUsage().getUsed(),
					"statements=" + ((statements != null) ? statements.count() : 0),
					"leading=" + ((leading != null) ? leading.getAsLong() : 0));
		}

	}

	/**
	 * Counts every statement executed on connections of the data source it wraps; unwrapping reaches the real
	 * connection, so PostgreSQL's notifications still work.
	 */
	static final class CountingDataSource extends DelegatingDataSource implements AutoCloseable {

		private final StatementCounter counter;

		CountingDataSource(DataSource target, StatementCounter counter) {
			super(target);
			this.counter = counter;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return counting(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return counting(super.getConnection(username, password));
		}

		private Connection counting(Connection connection) {
			return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
					new Counting(connection, false));
		}

		@Override
		public void close() throws Exception {
			if (obtainTargetDataSource() instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}

		private final class Counting implements InvocationHandler {

			private final Object target;

			private final boolean statement;

			Counting(Object target, boolean statement) {
				this.target = target;
				this.statement = statement;
			}

			@Override
			public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
				if (this.statement && method.getName().startsWith("execute")) {
					CountingDataSource.this.counter.increment();
				}
				Object result;
				try {
					result = method.invoke(this.target, args);
				}
				catch (InvocationTargetException ex) {
					throw ex.getTargetException();
				}
				if (!this.statement && result instanceof Statement && method.getReturnType().isInterface()
						&& Statement.class.isAssignableFrom(method.getReturnType())) {
					return Proxy.newProxyInstance(getClass().getClassLoader(),
							new Class<?>[] { method.getReturnType() }, new Counting(result, true));
				}
				return result;
			}

		}

	}

}
