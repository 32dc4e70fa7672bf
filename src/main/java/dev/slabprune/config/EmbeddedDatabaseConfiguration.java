package dev.slabprune.config;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no database configured, the service starts its own PostgreSQL so that {@code ./mvnw
 * spring-boot:run} works on a laptop with nothing installed. Setting {@code SPRING_DATASOURCE_URL}
 * turns this off.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseProperties properties) {
    return EmbeddedPostgres.start(properties.directory(), true);
  }

  @Bean
  @ConfigurationProperties("spring.datasource.hikari")
  DataSource dataSource(EmbeddedPostgres server) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setJdbcUrl(server.jdbcUrl());
    dataSource.setUsername(server.user());
    return dataSource;
  }

  static final class NoDatabaseConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return !context.getEnvironment().containsProperty("spring.datasource.url");
    }
  }
}
