package dev.slabprune.support;

import dev.slabprune.SlabpruneApplication;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the whole service, as a replica runs it: its own application context and web
 * server on a free port, on the shared {@link TestDatabase}. Several make a deployment.
 */
public final class Instance implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private Instance(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /** Starts an instance with these properties (workers are off unless they say otherwise). */
  public static Instance start(Map<String, String> properties) {
    TestDatabase database = TestDatabase.get();
    Map<String, String> all = new LinkedHashMap<>();
    all.put("spring.datasource.url", database.jdbcUrl());
    all.put("spring.datasource.username", database.user());
    all.put("spring.datasource.password", database.password());
    all.put("server.port", "0");
    all.put("server.address", "127.0.0.1");
    all.put("slabprune.worker.enabled", "false");
    TestDatabaseContextCustomizerFactory.POOL.forEach(
        (key, value) -> all.put(key, value.toString()));
    all.putAll(properties);
    List<String> args = new ArrayList<>();
    all.forEach((key, value) -> args.add("--" + key + "=" + value));
    return new Instance(
        new SpringApplicationBuilder(SlabpruneApplication.class)
            .registerShutdownHook(false)
            .run(args.toArray(String[]::new)));
  }

  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public boolean isRunning() {
    return context.isActive();
  }

  /** Stops the instance as SIGTERM does: the context closes, its lifecycle stops in order. */
  @Override
  public void close() {
    context.close();
  }
}
