package dev.slabprune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
