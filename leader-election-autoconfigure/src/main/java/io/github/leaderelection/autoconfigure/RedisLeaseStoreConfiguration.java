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

import javax.sql.DataSource;

import io.github.leaderelection.autoconfigure.LeaderElectionProperties.Mode;
import io.github.leaderelection.redis.RedisClientTimings;
import io.github.leaderelection.redis.RedisLeaseStore;
import io.github.leaderelection.store.LeaseStore;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * The Redis lease store, when the application has a {@link RedisConnectionFactory} and the mode is auto or redis.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@Conditional(RedisLeaseStoreConfiguration.RedisModeCondition.class)
class RedisLeaseStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(LeaseStore.class)
	RedisLeaseStore redisLeaseStore(RedisConnectionFactory connectionFactory, LeaderElectionProperties properties,
			Environment environment, ConfigurableListableBeanFactory beanFactory) {
		properties.validate(environment);
		if (properties.getMode() == Mode.AUTO && hasDataSourceForJdbc(beanFactory)) {
			FailOpenWarnings.redisChosenOverDataSource();
		}
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

	// Whether auto mode would have chosen the JDBC store, had there been no RedisConnectionFactory.
	private static boolean hasDataSourceForJdbc(ConfigurableListableBeanFactory beanFactory) {
		return ClassUtils.isPresent("org.springframework.jdbc.core.JdbcTemplate", beanFactory.getBeanClassLoader())
				&& beanFactory.getBeanNamesForType(DataSource.class, true, false).length > 0;
	}

	static final class RedisModeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Mode mode = LeaderElectionProperties.mode(context.getEnvironment());
			return (mode == Mode.AUTO || mode == Mode.REDIS)
					? ConditionOutcome.match("leader.election.mode is " + mode)
					: ConditionOutcome.noMatch("leader.election.mode is " + mode);
		}

	}

}
