package dev.slabprune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.Yaml;

/** The document in openapi/ and the running service list the same operations. */
@SpringBootTest
class OpenApiDocumentTest {

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Test
  void everyServedOperationIsDocumentedAndEveryDocumentedOneIsServed() throws Exception {
    Set<String> served = new TreeSet<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> entry :
        mappings.getHandlerMethods().entrySet()) {
      if (!entry.getValue().getBeanType().getPackageName().startsWith("dev.slabprune")) {
        continue;
      }
      for (String pattern : entry.getKey().getPatternValues()) {
        for (RequestMethod method : entry.getKey().getMethodsCondition().getMethods()) {
          served.add(method.name() + " " + pattern);
        }
      }
    }

    Set<String> documented = new TreeSet<>();
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(Path.of("openapi", "openapi.yaml"))) {
      document = new Yaml().load(in);
    }
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) document.get("paths");
    for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
      for (String key : path.getValue().keySet()) {
        if (Set.of("get", "post", "put", "patch", "delete").contains(key)) {
          documented.add(key.toUpperCase() + " " + path.getKey());
        }
      }
    }

    assertThat(served).isNotEmpty().isEqualTo(documented);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyOperationAsksForTheBearerKeyAndDocumentsTheRefusalWithoutOne() throws Exception {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(Path.of("openapi", "openapi.yaml"))) {
      document = new Yaml().load(in);
    }
    // Swagger UI's Authorize button comes from this scheme and the requirement that applies it.
    Map<String, Object> components = (Map<String, Object>) document.get("components");
    Map<String, Object> schemes = (Map<String, Object>) components.get("securitySchemes");
    assertThat((Map<String, Object>) schemes.get("apiKey"))
        .containsEntry("type", "http")
        .containsEntry("scheme", "bearer");
    assertThat(document.get("security")).isEqualTo(List.of(Map.of("apiKey", List.of())));

    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) document.get("paths");
    int operations = 0;
    for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
      for (Map.Entry<String, Object> operation : path.getValue().entrySet()) {
        if (!Set.of("get", "post", "put", "patch", "delete").contains(operation.getKey())) {
          continue;
        }
        operations++;
        Map<String, Object> fields = (Map<String, Object>) operation.getValue();
        assertThat(fields)
            .as(operation.getKey() + " " + path.getKey())
            .doesNotContainKey("security");
        assertThat((Map<String, Object>) fields.get("responses"))
            .as(operation.getKey() + " " + path.getKey())
            .containsKey("401");
      }
    }
    assertThat(operations).isGreaterThan(15);
  }
}
