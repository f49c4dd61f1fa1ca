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


package io.github.leaderelection.autoconfigure;

import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.redis.RedisClientTimings;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.LeaseStore;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The Redis lease store, when the application has a {@link RedisConnectionFactory} and is not in standalone mode.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@Conditional(RedisLeaseStoreConfiguration.NotStandaloneCondition.class)
class RedisLeaseStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(LeaseStore.class)
	RedisLeaseStore redisLeaseStore(RedisConnectionFactory connectionFactory, LeaderElectionProperties properties,
			Environment environment) {
		properties.validate(environment);
		RedisClientTimings.of(connectionFactory)
			.ifPresent((timings) -> FailOpenWarnings.redisClient(properties, timings));
		LeaderElectionProperties.Redis redis = properties.getRedis();
		RedisLeaseStore.Options options = RedisLeaseStore.Options.DEFAULTS
			.withQuarantineNewServer(redis.isQuarantineNewServer())
			.withReplicas(redis.getReplicas(), redis.getReplicaTimeout())
			.withFailFast(redis.isFailFast());
		return new RedisLeaseStore(connectionFactory, properties.getKeyPrefix(), properties.getRetryInterval(),
				options);
	}

	static final class NotStandaloneCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Mode mode = Binder.get(context.getEnvironment())
				.bind("leader.election.mode", Mode.class)
				.orElse(Mode.AUTO);
			return (mode == Mode.STANDALONE) ? ConditionOutcome.noMatch("leader.election.mode is standalone")
					: ConditionOutcome.match("leader.election.mode is " + mode);
		}

	}

}
