package dev.slabprune.support;

import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points every Spring test context at the {@link TestDatabase}, so no test can fall back to the
 * embedded development database or to an in-memory substitute.
 */
public class TestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new TestDatabaseCustomizer();
  }

  /** Pool settings of every test context and test instance: one idle connection, not ten. */
  public static final Map<String, Object> POOL =
      Map.of(
          "spring.datasource.hikari.minimum-idle", "1",
          "spring.datasource.hikari.idle-timeout", "10000",
          "spring.datasource.hikari.initialization-fail-timeout", "60000",
          "spring.flyway.connect-retries", "10");

  private static final class TestDatabaseCustomizer implements ContextCustomizer {

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
      TestDatabase database = TestDatabase.get();
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "testDatabase",
                  Map.of(
                      "spring.datasource.url", database.jdbcUrl(),
                      "spring.datasource.username", database.user(),
                      "spring.datasource.password", database.password())));
      // Cached contexts outlive their test class, and the test server is shared: an idle
      // context keeps one connection, not a pool's worth; and a server whose connections are
      // all taken for a moment is waited for rather than failing the context.
      context
          .getEnvironment()
          .getPropertySources()
          .addLast(new MapPropertySource("testDatabasePool", POOL));
      // Contexts are cached and outlive their test class: a worker pool left running would
      // claim other tests' jobs. A test that needs workers turns them on and dirties its context.
      context
          .getEnvironment()
          .getPropertySources()
          .addLast(
              new MapPropertySource("testWorkersOff", Map.of("slabprune.worker.enabled", "false")));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TestDatabaseCustomizer;
    }

    @Override
    public int hashCode() {
      return TestDatabaseCustomizer.class.hashCode();
    }
  }
}
