package dev.slabprune.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * Holds every request and response of the HTTP tests to {@code openapi/openapi.yaml}, with
 * Atlassian's request validator: a response that the document does not describe, field by field,
 * fails the test that received it. Requests under {@code /api/} only; the actuator is Spring's.
 *
 * <p>A request the document forbids may still be sent on purpose, to see it refused: then the
 * response must be a 4xx the document describes. A request the document forbids that the service
 * accepts (2xx) fails, since the document would be stricter than the service.
 */
public final class OpenApiContract {

  public static final Path DOCUMENT = Path.of("openapi", "openapi.yaml");

  private static final OpenApiInteractionValidator VALIDATOR =
      OpenApiInteractionValidator.createForSpecificationUrl(DOCUMENT.toUri().toString())
          .withLevelResolver(
              LevelResolver.create()
                  // Open mode needs no key; AccessTest checks the keys where they are configured.
                  .withLevel("validation.request.security", ValidationReport.Level.IGNORE)
                  .build())
          .build();

  private static final Map<String, Pattern> OPERATIONS = operations();
  private static final Set<String> VALIDATED = ConcurrentHashMap.newKeySet();

  private OpenApiContract() {}

  /** One exchange as a test saw it. */
  public record Exchange(
      String method,
      String path,
      Map<String, List<String>> query,
      Map<String, List<String>> requestHeaders,
      byte[] requestBody,
      int status,
      Map<String, List<String>> responseHeaders,
      byte[] responseBody) {}

  /** Every operation of the document, as {@code METHOD /path/{template}}. */
  public static Set<String> documentedOperations() {
    return Collections.unmodifiableSet(new TreeSet<>(OPERATIONS.keySet()));
  }

  /** The operations whose exchanges have passed validation in this JVM so far. */
  public static Set<String> validatedOperations() {
    return Collections.unmodifiableSet(new TreeSet<>(VALIDATED));
  }

  /** Where tests mount controllers of their own; the service serves nothing there. */
  public static final String TEST_ENDPOINTS = "/api/test/";

  /**
   * Validates one exchange.
   *
   * @return the document's operation it was, or null for paths outside {@code /api/} and for the
   *     endpoints that tests add under {@code /api/test/} (behind the API's access control)
   * @throws AssertionError naming every difference from the document
   */
  public static String check(Exchange exchange) {
    if (!exchange.path().startsWith("/api/") || exchange.path().startsWith(TEST_ENDPOINTS)) {
      return null;
    }
    String operation = operation(exchange.method(), exchange.path());
    if (operation == null) {
      // A test asking for what the service does not serve: only a 404 or 405 answers that.
      if (exchange.status() != 404 && exchange.status() != 405) {
        throw new AssertionError(
            exchange.method()
                + " "
                + exchange.path()
                + " is in no operation of "
                + DOCUMENT
                + " but was answered "
                + exchange.status());
      }
      return null;
    }
    Request request = request(exchange);
    List<String> problems = new ArrayList<>();
    ValidationReport requestReport = VALIDATOR.validateRequest(request);
    boolean multipart =
        header(exchange.requestHeaders(), "Content-Type").startsWith("multipart/form-data");
    for (ValidationReport.Message message : requestReport.getMessages()) {
      if (message.getLevel() != ValidationReport.Level.ERROR) {
        continue;
      }
      // Multipart bodies are not passed to the validator: their parts are the service's to check.
      if (multipart && message.getKey().startsWith("validation.request.body")) {
        continue;
      }
      if (exchange.status() >= 200 && exchange.status() < 300) {
        problems.add("request accepted although the document forbids it: " + describe(message));
      }
    }
    ValidationReport responseReport =
        VALIDATOR.validateResponse(exchange.path(), request.getMethod(), response(exchange));
    for (ValidationReport.Message message : responseReport.getMessages()) {
      if (message.getLevel() == ValidationReport.Level.ERROR) {
        problems.add("response " + exchange.status() + ": " + describe(message));
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          operation
              + " ("
              + exchange.method()
              + " "
              + exchange.path()
              + ") disagrees with "
              + DOCUMENT
              + ":\n  "
              + String.join("\n  ", problems)
              + "\nresponse body: "
              + abbreviate(exchange.responseBody()));
    }
    VALIDATED.add(operation);
    return operation;
  }

  private static String describe(ValidationReport.Message message) {
    StringBuilder text =
        new StringBuilder(message.getKey()).append(": ").append(message.getMessage());
    for (ValidationReport.Message nested : message.getNestedMessages()) {
      text.append(" / ").append(nested.getMessage());
    }
    return text.toString();
  }

  private static Request request(Exchange exchange) {
    SimpleRequest.Builder builder =
        new SimpleRequest.Builder(exchange.method().toUpperCase(Locale.ROOT), exchange.path());
    exchange.query().forEach(builder::withQueryParam);
    exchange.requestHeaders().forEach(builder::withHeader);
    String contentType = header(exchange.requestHeaders(), "Content-Type");
    if (exchange.requestBody() != null
        && exchange.requestBody().length > 0
        && !contentType.startsWith("multipart/form-data")) {
      builder.withBody(exchange.requestBody());
    }
    return builder.build();
  }

  private static Response response(Exchange exchange) {
    SimpleResponse.Builder builder = new SimpleResponse.Builder(exchange.status());
    exchange.responseHeaders().forEach(builder::withHeader);
    if (exchange.responseBody() != null && exchange.responseBody().length > 0) {
      builder.withBody(exchange.responseBody());
    }
    return builder.build();
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
        return header.getValue().get(0).toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  private static String operation(String method, String path) {
    String key = method.toUpperCase(Locale.ROOT) + " ";
    String best = null;
    for (Map.Entry<String, Pattern> operation : OPERATIONS.entrySet()) {
      if (operation.getKey().startsWith(key) && operation.getValue().matcher(path).matches()) {
        // A literal segment beats a template: /weights.npy over {id}.
        if (best == null || braces(operation.getKey()) < braces(best)) {
          best = operation.getKey();
        }
      }
    }
    return best;
  }

  private static long braces(String template) {
    return template.chars().filter(c -> c == '{').count();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Pattern> operations() {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(DOCUMENT)) {
      document = new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Pattern> operations = new LinkedHashMap<>();
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) document.get("paths");
    for (Map.Entry<String, Map<String, Object>> path : paths.entrySet()) {
      Pattern pattern =
          Pattern.compile("\\Q" + path.getKey().replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E");
      for (String method : path.getValue().keySet()) {
        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
          operations.put(method.toUpperCase(Locale.ROOT) + " " + path.getKey(), pattern);
        }
      }
    }
    return operations;
  }

  private static String abbreviate(byte[] body) {
    if (body == null) {
      return "(none)";
    }
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
  }
}
