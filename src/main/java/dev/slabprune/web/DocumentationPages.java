package dev.slabprune.web;

import java.util.Map;
import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The pages for people: the landing page ({@code static/index.html}), the dashboard ({@code
 * static/dashboard/}, plain modules whose charts come from WebJars), Swagger UI and the contract.
 * The contract is {@code openapi/openapi.yaml}, copied into the jar's {@code static/} by the build
 * and served as it is at {@code /openapi.yaml}; {@code /v3/api-docs}, where tools look for a
 * springdoc service's document, points there instead of a generated one.
 */
@Configuration(proxyBeanMethods = false)
class DocumentationPages implements WebMvcConfigurer {

  static final String CONTRACT = "/openapi.yaml";

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController("/v3/api-docs", CONTRACT);
    registry.addRedirectViewController("/dashboard", "/dashboard/");
    registry.addViewController("/dashboard/").setViewName("forward:/dashboard/index.html");
  }

  /** YAML files are served as {@code application/yaml} (RFC 9512), not as opaque bytes. */
  @Bean
  WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> yamlMediaType() {
    return factory -> factory.addMimeMappings(new MimeMappings(Map.of("yaml", "application/yaml")));
  }
}
