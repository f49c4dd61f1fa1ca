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

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.leaderelection.LeaderElector;
import io.github.leaderelection.LeaderElectors;
import io.github.leaderelection.LeaderWork;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.ClassUtils;

/**
 * Proceeds with a {@link LeaderOnly @LeaderOnly} call only on the leader of its role, as admitted work that a
 * graceful handover waits for. A call that returns a {@link CompletionStage} stays admitted until the stage
 * completes. A reactive type that may be empty ({@code Mono}, {@code Flux}...) is admitted again when subscribed,
 * and stays admitted until it terminates or is cancelled; other return values, including a plain
 * {@link java.util.concurrent.Future} and reactive types that cannot be empty (RxJava's {@code Single}), count only
 * until the call returns.
 */
final class LeaderOnlyInterceptor implements MethodInterceptor {

	private static final LogAccessor logger = new LogAccessor(LeaderOnlyInterceptor.class);

	private static final boolean reactiveStreamsPresent = ClassUtils.isPresent("org.reactivestreams.Publisher",
			LeaderOnlyInterceptor.class.getClassLoader());

	private static final LeaderOnlyListener NO_LISTENER = (role, method) -> {
	};

	private final ObjectProvider<LeaderElectors> electorsProvider;

	// By target class, then method: two lookups that allocate nothing once both are known, where a key object of
	// both would be allocated at every call.
	private final Map<Class<?>, Map<Method, Target>> targets = new ConcurrentHashMap<>();

	private final @Nullable ObjectProvider<LeaderOnlyListener> listenersProvider;

	private volatile @Nullable LeaderElectors electors;

	private volatile @Nullable LeaderOnlyListener listener;

	LeaderOnlyInterceptor(ObjectProvider<LeaderElectors> electors) {
		this(electors, null);
	}

	LeaderOnlyInterceptor(ObjectProvider<LeaderElectors> electors,
			@Nullable ObjectProvider<LeaderOnlyListener> listeners) {
		this.electorsProvider = electors;
		this.listenersProvider = listeners;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		LeaderElectors electors = electors();
		Target target = target(invocation, electors);
		LeaderElector elector = electors.forRole(target.role());
		Optional<LeaderWork> admitted = elector.admit(target.description());
		if (admitted.isEmpty()) {
			// Checked first: the message's lambda would be allocated at every skip.
			if (logger.isDebugEnabled()) {
				logger.debug(() -> "Skipped %s: not the leader of '%s'".formatted(target.description(),
						elector.role()));
			}
			listener().skipped(target.role(), target.method());
			return skipped(target.method().getReturnType());
		}
		LeaderWork work = admitted.get();
		boolean handedOff = false;
		try {
			Object result = invocation.proceed();
			if (result instanceof CompletionStage<?> stage) {
				stage.whenComplete((value, ex) -> work.close());
				handedOff = true;
			}
			else if (result != null && reactiveStreamsPresent) {
				return ReactiveResults.admitOnSubscribe(result, elector, target, this::listener);
			}
			return result;
		}
		finally {
			if (!handedOff) {
				work.close();
			}
		}
	}

	/**
	 * What a skipped call returns: nothing, in the form the return type has for it.
	 */
	static @Nullable Object skipped(Class<?> returnType) {
		if (returnType == Optional.class) {
			return Optional.empty();
		}
		if (returnType.isAssignableFrom(CompletableFuture.class)) {
			// CompletionStage, CompletableFuture, Future: a completed value, not null that would fail the caller.
			return (returnType == Object.class) ? null : CompletableFuture.completedFuture(null);
		}
		if (reactiveStreamsPresent) {
			return ReactiveResults.empty(returnType);
		}
		return null;
	}

	private Target target(MethodInvocation invocation, LeaderElectors electors) {
		// Keyed by the target class too: with interface-based proxies two beans share the interface method.
		Object bean = invocation.getThis();
		Method method = invocation.getMethod();
		Class<?> targetClass = ClassUtils
			.getUserClass((bean != null) ? AopUtils.getTargetClass(bean) : method.getDeclaringClass());
		Map<Method, Target> ofClass = this.targets.get(targetClass);
		Target target = (ofClass != null) ? ofClass.get(method) : null;
		if (target != null) {
			return target;
		}
		return this.targets.computeIfAbsent(targetClass, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(method, (key) -> {
				LeaderOnly annotation = LeaderOnlyAdvisor.findAnnotation(method, targetClass);
				String role = (annotation != null && !annotation.role().isEmpty()) ? annotation.role()
						: electors.defaultRole();
				return new Target(role, targetClass.getSimpleName() + "." + method.getName() + "()", method);
			});
	}

	// Looked up at the first skip, normally once the context has been refreshed; later skips read one volatile
	// field and allocate nothing.
	private LeaderOnlyListener listener() {
		LeaderOnlyListener listener = this.listener;
		if (listener == null) {
			List<LeaderOnlyListener> listeners = (this.listenersProvider != null)
					? this.listenersProvider.orderedStream().toList() : List.of();
			listener = switch (listeners.size()) {
				case 0 -> NO_LISTENER;
				case 1 -> listeners.get(0);
				default -> {
					LeaderOnlyListener[] all = listeners.toArray(new LeaderOnlyListener[0]);
					yield (role, method) -> {
						for (LeaderOnlyListener each : all) {
							each.skipped(role, method);
						}
					};
				}
			};
			this.listener = listener;
		}
		return listener;
	}

	private LeaderElectors electors() {
		LeaderElectors electors = this.electors;
		if (electors == null) {
			electors = this.electorsProvider.getObject();
			this.electors = electors;
		}
		return electors;
	}

	/**
	 * A {@code @LeaderOnly} method: its role and how warnings name it.
	 */
	record Target(String role, String description, Method method) {

	}

	/**
	 * Reactive return values, through Spring's {@link ReactiveAdapterRegistry} (Reactor, RxJava, Mutiny...). Loaded
	 * only when Reactive Streams is on the class path.
	 */
	static final class ReactiveResults {

		private ReactiveResults() {
		}

		static @Nullable Object empty(Class<?> returnType) {
			ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType);
			if (adapter == null || !adapter.supportsEmpty()) {
				return null;
			}
			return adapter.fromPublisher(ReactiveResults::complete);
		}

		static Object admitOnSubscribe(Object result, LeaderElector elector, Target target,
				Supplier<LeaderOnlyListener> listener) {
			ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(result.getClass());
			if (adapter == null || !adapter.supportsEmpty()) {
				return result;
			}
			Publisher<?> source = adapter.toPublisher(result);
			Publisher<Object> admitted = (subscriber) -> {
				Optional<LeaderWork> work = elector.admit(target.description());
				if (work.isEmpty()) {
					logger.debug(() -> "Skipped %s on subscription: not the leader of '%s'"
						.formatted(target.description(), elector.role()));
					listener.get().skipped(target.role(), target.method());
					complete(subscriber);
					return;
				}
				source.subscribe(new AdmittedSubscriber(subscriber, work.get()));
			};
			return adapter.fromPublisher(admitted);
		}

		private static void complete(Subscriber<?> subscriber) {
			subscriber.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
				}

			});
			subscriber.onComplete();
		}

	}

	/**
	 * Passes every signal on and closes the admitted work when the subscription ends.
	 */
	private static final class AdmittedSubscriber implements Subscriber<Object> {

		private final Subscriber<? super Object> delegate;

		private final LeaderWork work;

		@SuppressWarnings("unchecked")
		AdmittedSubscriber(Subscriber<?> delegate, LeaderWork work) {
			this.delegate = (Subscriber<? super Object>) delegate;
			this.work = work;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.delegate.onSubscribe(new Subscription() {

				@Override
				public void request(long n) {
					subscription.request(n);
				}

				@Override
				public void cancel() {
					AdmittedSubscriber.this.work.close();
					subscription.cancel();
				}

			});
		}

		@Override
		public void onNext(Object value) {
			this.delegate.onNext(value);
		}

		@Override
		public void onError(Throwable ex) {
			this.work.close();
			this.delegate.onError(ex);
		}

		@Override
		public void onComplete() {
			this.work.close();
			this.delegate.onComplete();
		}

	}

}
