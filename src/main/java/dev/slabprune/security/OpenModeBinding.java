package dev.slabprune.security;

import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With no API keys configured, the service listens on localhost only, unless {@code server.address}
 * says otherwise: an open API is for the machine it runs on.
 */
public class OpenModeBinding implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    Binder binder = Binder.get(environment);
    boolean keys =
        !binder
                .bind("slabprune.security.api-keys", Bindable.listOf(String.class))
                .orElse(List.of())
                .isEmpty()
            || !binder
                .bind("slabprune.security.admin-keys", Bindable.listOf(String.class))
                .orElse(List.of())
                .isEmpty();
    if (!keys && !environment.containsProperty("server.address")) {
      environment
          .getPropertySources()
          .addLast(
              new MapPropertySource("slabpruneOpenMode", Map.of("server.address", "127.0.0.1")));
    }
  }
}
