package dev.slabprune.embedded;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no database configured, the service starts its own PostgreSQL so that {@code ./mvnw
 * spring-boot:run} works on a laptop with nothing installed. Setting {@code SPRING_DATASOURCE_URL}
 * turns this off.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

  private static final String DATA_FOLDER = "embeddedDatabaseFolder";

  /** The folder the embedded PostgreSQL keeps its data in, chosen before the context starts. */
  record DataFolder(Path path) {}

  /**
   * Chooses the data folder and checks that it can be used before the web server and the beans that
   * need the database are created, so that a folder the database cannot use stops the start with a
   * short report (what is wrong, which setting to change) instead of a chain of beans that could
   * not be created.
   */
  @Bean
  static BeanFactoryPostProcessor embeddedDataFolder(Environment environment) {
    return beanFactory -> {
      EmbeddedDatabaseProperties properties =
          Binder.get(environment)
              .bindOrCreate("slabprune.embedded-database", EmbeddedDatabaseProperties.class);
      Path folder =
          EmbeddedDataFolder.choose(
              properties.directory(), properties.chosen(), EmbeddedDataFolder.SHARED_ROOT);
      beanFactory.registerSingleton(
          DATA_FOLDER, new DataFolder(EmbeddedPostgres.prepareHome(folder)));
    };
  }

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(@Qualifier(DATA_FOLDER) DataFolder folder) {
    return EmbeddedPostgres.start(folder.path(), true);
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
