package dev.slabprune.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A {@link RestClient} for the HTTP tests whose every exchange is held to the OpenAPI document
 * ({@link OpenApiContract}): a response that disagrees fails the call that received it.
 */
public final class ValidatedHttp {

  private ValidatedHttp() {}

  public static RestClient client(String baseUrl) {
    return builder(baseUrl, operation -> {}).build();
  }

  /**
   * A client builder that also tells {@code validated} each operation of the document whose
   * exchange passed.
   */
  public static RestClient.Builder builder(String baseUrl, Consumer<String> validated) {
    return RestClient.builder()
        .baseUrl(baseUrl)
        .requestFactory(new SimpleClientHttpRequestFactory())
        .requestInterceptor(new Validation(validated));
  }

  /** Reads the whole response, validates the exchange, and hands the body on. */
  private static final class Validation implements ClientHttpRequestInterceptor {

    private final Consumer<String> validated;

    Validation(Consumer<String> validated) {
      this.validated = validated;
    }

    @Override
    public ClientHttpResponse intercept(
        HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
      ClientHttpResponse response = execution.execute(request, body);
      byte[] content;
      try (InputStream in = response.getBody()) {
        content = in.readAllBytes();
      }
      URI uri = request.getURI();
      Map<String, List<String>> query = new LinkedHashMap<>();
      UriComponentsBuilder.fromUri(uri)
          .build(true)
          .getQueryParams()
          .forEach((name, values) -> query.put(name, decode(values)));
      String operation =
          OpenApiContract.check(
              new OpenApiContract.Exchange(
                  request.getMethod().name(),
                  uri.getRawPath(),
                  query,
                  request.getHeaders().asMultiValueMap(),
                  body,
                  response.getStatusCode().value(),
                  response.getHeaders().asMultiValueMap(),
                  content));
      if (operation != null) {
        validated.accept(operation);
      }
      return new Buffered(response, content);
    }

    private static List<String> decode(List<String> values) {
      return values.stream()
          .map(v -> java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8))
          .toList();
    }
  }

  private static final class Buffered implements ClientHttpResponse {
    private final ClientHttpResponse response;
    private final byte[] content;

    Buffered(ClientHttpResponse response, byte[] content) {
      this.response = response;
      this.content = content;
    }

    @Override
    public HttpStatusCode getStatusCode() throws IOException {
      return response.getStatusCode();
    }

    @Override
    public String getStatusText() throws IOException {
      return response.getStatusText();
    }

    @Override
    public HttpHeaders getHeaders() {
      return response.getHeaders();
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(content);
    }

    @Override
    public void close() {
      response.close();
    }
  }
}
