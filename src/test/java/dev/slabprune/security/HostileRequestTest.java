package dev.slabprune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.dataset.DatasetService;
import dev.slabprune.job.JobService;
import dev.slabprune.model.ModelService;
import dev.slabprune.support.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each request that once answered 500 (or the container's HTML page) now answers a 4xx problem
 * detail that says what to fix; sent over a socket to a real server, as a client would.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = HostileServer.ADMIN_KEYS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestTest {

  private static final String BOUNDARY = "b0undary";

  @LocalServerPort int port;
  @Autowired ApiKeys keys;
  @Autowired ModelService models;
  @Autowired DatasetService datasets;
  @Autowired JobService jobs;
  @Autowired JsonMapper json;

  private HostileServer.Fixture fixture;
  private RawHttp http;

  @BeforeAll
  void setUp() {
    fixture = HostileServer.fixture(keys, models, datasets, jobs);
    http = new RawHttp(port);
  }

  @Test
  void aPageBeyondThirtyTwoBitsOfOffsetIsA400NamingPage() {
    for (String listing : new String[] {"/api/v1/models", "/api/v1/datasets", "/api/v1/jobs"}) {
      RawHttp.Response response = http.send("GET", listing + "?page=2147483647", alice(Map.of()));
      JsonNode problem = problem(response, 400);
      assertThat(problem.path("type").asString()).isEqualTo("/problems/invalid-paging");
      assertThat(problem.path("errors").get(0).path("location").asString()).isEqualTo("page");
    }
  }

  @Test
  void aMultipartRequestWithoutABoundaryIsA400() {
    for (String upload : new String[] {"/api/v1/models", "/api/v1/datasets"}) {
      RawHttp.Response response =
          http.send(
              "POST",
              upload,
              alice(Map.of("Content-Type", "multipart/form-data")),
              utf8("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--\r\n"));
      assertThat(problem(response, 400).path("type").asString())
          .isEqualTo("/problems/invalid-multipart");
    }
  }

  @Test
  void aMultipartBodyCutOffMidPartIsA400() {
    byte[] cut =
        utf8(
            "--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "the first bytes of a model and then nothing");
    for (String upload : new String[] {"/api/v1/models", "/api/v1/datasets"}) {
      RawHttp.Response response = http.send("POST", upload, multipart(), cut);
      assertThat(problem(response, 400).path("type").asString())
          .isEqualTo("/problems/invalid-multipart");
    }
  }

  @Test
  void anUploadFileNameWithNulIsA400() {
    byte[] body = part("m\0.onnx", fixture.onnx());
    RawHttp.Response model = http.send("POST", "/api/v1/models", multipart(), body);
    assertThat(problem(model, 400).path("type").asString())
        .isEqualTo("/problems/invalid-file-name");
    RawHttp.Response dataset =
        http.send("POST", "/api/v1/datasets", multipart(), part("d\0.csv", fixture.csv()));
    assertThat(problem(dataset, 400).path("type").asString())
        .isEqualTo("/problems/invalid-file-name");
    RawHttp.Response named =
        http.send("POST", "/api/v1/models?name=a%00b", multipart(), part("m.onnx", fixture.onnx()));
    assertThat(problem(named, 400).path("type").asString()).isEqualTo("/problems/invalid-text");
  }

  @Test
  void aNonAsciiUploadNameKeepsItsDownloadNameWithAnAsciiFallback() throws Exception {
    RawHttp.Response uploaded =
        http.send("POST", "/api/v1/models", multipart(), part("modèle-π.onnx", fixture.onnx()));
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
    String id = json.readTree(uploaded.body()).path("id").asString();
    RawHttp.Response download =
        http.send("GET", "/api/v1/models/" + id + "/content", alice(Map.of()));
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.header("Content-Disposition"))
        .isEqualTo(
            "attachment; filename=\"mod_le-_.onnx\";"
                + " filename*=UTF-8''mod%C3%A8le-%CF%80.onnx");
  }

  @Test
  void theErrorPathAskedForDirectlyIsRefusedAsAProblem() {
    RawHttp.Response anonymous = http.send("GET", "/error", Map.of());
    assertThat(problem(anonymous, 401).path("type").asString())
        .isEqualTo("/problems/missing-api-key");
    RawHttp.Response owner = http.send("GET", "/error", alice(Map.of()));
    assertThat(problem(owner, 403).path("type").asString()).isEqualTo("/problems/forbidden");
  }

  @Test
  void aTwentyKilobyteAuthorizationHeaderIsA400Problem() {
    RawHttp.Response response =
        http.send("GET", "/api/v1/models", Map.of("Authorization", "Bearer " + "k".repeat(20_000)));
    JsonNode problem = problem(response, 400);
    assertThat(problem.path("detail").asString()).contains("server.max-http-request-header-size");
  }

  @Test
  void nulAndEncodedSlashesRefusedByTheContainerAreProblems() {
    for (String target :
        new String[] {
          "/api/v1/models%00", "/api%2Fv1/models", "/api/v1%2fmodels", "/api/v1/models/%00/content"
        }) {
      assertThat(problem(http.send("GET", target, Map.of()), 400).path("type").asString())
          .as(target)
          .isEqualTo("/problems/invalid-request");
    }
  }

  @Test
  void malformedRequestsThatTheContainerRefusesAreProblems() {
    Map<String, Integer> heads = new LinkedHashMap<>();
    heads.put("GET /api/v1/models HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400);
    heads.put("GET /api/v1/models HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", 400);
    heads.put("GET /api/v1/models HTTP/1.1\r\n\r\n", 400);
    heads.put("GET /api/v1/models HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400);
    heads.put("POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400);
    heads.put("G@T /api/v1/models HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    heads.put("GET /api/v1/models?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    heads.put("GET /api/v1/mo dels HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    heads.put("GET /api/v1/models\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    heads.put("TRACE /api/v1/models HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    heads.put("GET /api/v1/models HTTP/2.7\r\nHost: x\r\n\r\n", 505);
    heads.forEach(
        (head, status) -> {
          RawHttp.Response response =
              http.exchange(head.getBytes(StandardCharsets.ISO_8859_1), null);
          problem(response, status);
        });
  }

  @Test
  void aJsonBodyStreamedPastTheLimitWithoutALengthIs413() {
    byte[] chunk = utf8("{\"modelId\": \"" + "x".repeat(1_100_000) + "\"}");
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.writeBytes(utf8(Integer.toHexString(chunk.length) + "\r\n"));
    chunked.writeBytes(chunk);
    chunked.writeBytes(utf8("\r\n0\r\n\r\n"));
    Map<String, String> headers = alice(new LinkedHashMap<>());
    headers.put("Content-Type", "application/json");
    headers.put("Transfer-Encoding", "chunked");
    headers.put("Content-Length", "ignored");
    headers.remove("Content-Length");
    RawHttp.Response response =
        http.send("POST", "/api/v1/jobs", chunkedHeaders(headers), chunked.toByteArray());
    assertThat(problem(response, 413).path("limit").asString())
        .isEqualTo("slabprune.limits.max-json-bytes");
  }

  /** Headers that keep {@link RawHttp} from adding a Content-Length to a chunked body. */
  private static Map<String, String> chunkedHeaders(Map<String, String> headers) {
    return new LinkedHashMap<>(headers) {
      @Override
      public boolean containsKey(Object key) {
        return "Content-Length".equals(key) || super.containsKey(key);
      }
    };
  }

  private Map<String, String> alice(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Authorization", "Bearer " + fixture.aliceKey());
    return all;
  }

  private Map<String, String> multipart() {
    return alice(Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY));
  }

  private static byte[] part(String fileName, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(utf8("\r\n--" + BOUNDARY + "--\r\n"));
    return body.toByteArray();
  }

  private JsonNode problem(RawHttp.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("detail").asString()).isNotBlank();
    return problem;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
