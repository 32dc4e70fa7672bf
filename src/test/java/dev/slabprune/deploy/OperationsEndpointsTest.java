package dev.slabprune.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The endpoints that Kubernetes and Prometheus call, as the Helm chart expects them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperationsEndpointsTest {

  @LocalServerPort int port;
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void livenessAndReadinessAreSeparateProbesThatAnswerUp() throws Exception {
    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/liveness").body()).contains("\"status\":\"UP\"");
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
  }

  @Test
  void readinessIncludesTheDatabaseAndLivenessDoesNot() throws Exception {
    assertThat(get("/actuator/health/readiness").body())
        .contains("\"db\":{\"status\":\"UP\"}")
        .contains("\"readinessState\"");
    assertThat(get("/actuator/health/liveness").body()).doesNotContain("db");
  }

  @Test
  void prometheusScrapesJvmAndHttpMetricsTaggedWithTheApplication() throws Exception {
    get("/actuator/health");

    HttpResponse<String> metrics = get("/actuator/prometheus");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(metrics.body())
        .contains("jvm_memory_used_bytes")
        .contains("http_server_requests_seconds")
        .contains("hikaricp_connections")
        .contains("application=\"slabprune\"");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
