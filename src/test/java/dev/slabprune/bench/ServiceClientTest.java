package dev.slabprune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ServiceClientTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private record Received(String method, String path, String contentType, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private record Answer(int status, byte[] body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
  private HttpServer server;
  private String base;
  private ServiceClient client;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String method = exchange.getRequestMethod();
          String path = exchange.getRequestURI().getPath();
          received.add(
              new Received(
                  method,
                  path,
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestBody().readAllBytes()));
          Deque<Answer> queue = answers.get(method + " " + path);
          Answer answer =
              queue == null || queue.isEmpty() ? new Answer(404, new byte[0]) : queue.poll();
          exchange.sendResponseHeaders(
              answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    client = new ServiceClient(base, "test");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(String request, int status, String body) {
    answers
        .computeIfAbsent(request, k -> new ArrayDeque<>())
        .add(new Answer(status, body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anUploadSendsTheFieldsThenTheFilesAsOneMultipartBodyAndAnswersTheCreatedResource(
      @TempDir Path dir) throws Exception {
    Path images = Files.write(dir.resolve("images.idx"), new byte[] {0, 1, 2});
    Path labels = Files.writeString(dir.resolve("labels.idx"), "L");
    answer("POST /api/v1/datasets", 201, "{\"id\":\"d1\"}");
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("format", "idx");
    fields.put("task", "classification");
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("images", images);
    files.put("labels", labels);

    JsonNode dataset = client.postMultipart("/api/v1/datasets", fields, files);

    assertThat(dataset.get("id").asString()).isEqualTo("d1");
    Received r = received.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.contentType()).startsWith("multipart/form-data; boundary=test");
    String b = r.contentType().substring("multipart/form-data; boundary=".length());
    assertThat(r.text())
        .isEqualTo(
            "--"
                + b
                + "\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\nidx\r\n"
                + "--"
                + b
                + "\r\nContent-Disposition: form-data; name=\"task\"\r\n\r\nclassification\r\n"
                + "--"
                + b
                + "\r\nContent-Disposition: form-data; name=\"images\"; filename=\"images.idx\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n\0\1\2\r\n"
                + "--"
                + b
                + "\r\nContent-Disposition: form-data; name=\"labels\"; filename=\"labels.idx\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\nL\r\n"
                + "--"
                + b
                + "--\r\n");
  }

  @Test
  void aJobStartsWithTheDefaultSettingsAndTheSeed() throws Exception {
    answer("POST /api/v1/jobs", 202, "{\"id\":\"j1\",\"state\":\"QUEUED\"}");

    JsonNode job = client.startJob("m1", "d1", 7);

    assertThat(job.get("id").asString()).isEqualTo("j1");
    Received r = received.get(0);
    assertThat(r.path()).isEqualTo("/api/v1/jobs");
    assertThat(r.contentType()).isEqualTo("application/json");
    assertThat(JSON.readTree(r.text()))
        .isEqualTo(
            JSON.readTree("{\"modelId\":\"m1\",\"datasetId\":\"d1\",\"settings\":{},\"seed\":7}"));
  }

  @Test
  void anAnswerOtherThanTheExpectedOneFailsWithTheRequestAndTheServicesBody() {
    answer("POST /api/v1/jobs", 400, "{\"title\":\"no such model\"}");

    assertThatThrownBy(() -> client.startJob("m1", "d1", 7))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("POST " + base + "/api/v1/jobs answered 400: {\"title\":\"no such model\"}");
  }

  @Test
  void aJobIsPolledUntilItEndsAndEachChangeOfProgressIsLogged() throws Exception {
    answer("GET /api/v1/jobs/j1", 200, "{\"id\":\"j1\",\"state\":\"RUNNING\",\"progress\":\"e1\"}");
    answer("GET /api/v1/jobs/j1", 200, "{\"id\":\"j1\",\"state\":\"RUNNING\",\"progress\":\"e1\"}");
    answer("GET /api/v1/jobs/j1", 200, "{\"id\":\"j1\",\"state\":\"RUNNING\",\"progress\":\"e2\"}");
    answer(
        "GET /api/v1/jobs/j1", 200, "{\"id\":\"j1\",\"state\":\"SUCCEEDED\",\"progress\":\"-\"}");
    List<String> log = new ArrayList<>();

    JsonNode job =
        client.awaitJob(
            JSON.readTree("{\"id\":\"j1\",\"state\":\"QUEUED\"}"),
            Instant.now(),
            Duration.ofHours(1),
            Duration.ZERO,
            j -> j.get("progress").asString(),
            log::add);

    assertThat(job.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(received).hasSize(4);
    assertThat(log).containsExactly("RUNNING e1", "RUNNING e2", "SUCCEEDED -");
  }

  @Test
  void aJobStillRunningAfterTheTimeoutIsCancelledAndTheRunFails() {
    answer("POST /api/v1/jobs/j1/cancel", 409, "{\"title\":\"too late\"}");

    assertThatThrownBy(
            () ->
                client.awaitJob(
                    JSON.readTree("{\"id\":\"j1\",\"state\":\"RUNNING\"}"),
                    Instant.now().minus(Duration.ofHours(1)),
                    Duration.ofMinutes(1),
                    Duration.ZERO,
                    j -> "",
                    m -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("job j1 still RUNNING after PT1M");
    assertThat(received)
        .extracting(r -> r.method() + " " + r.path())
        .containsExactly("POST /api/v1/jobs/j1/cancel");
  }

  @Test
  void aFinishedJobIsNotPolled() throws Exception {
    JsonNode done = JSON.readTree("{\"id\":\"j1\",\"state\":\"failed\"}");

    assertThat(client.awaitJob(done, Instant.now(), Duration.ZERO, Duration.ZERO, j -> "", m -> {}))
        .isSameAs(done);
    assertThat(received).isEmpty();
  }

  @Test
  void theArtifactIsReadAsBytesAndAMissingOneFails() throws Exception {
    answers
        .computeIfAbsent("GET /api/v1/jobs/j1/artifact", k -> new ArrayDeque<>())
        .add(new Answer(200, new byte[] {8, 0, 1}));

    assertThat(client.getBytes("/api/v1/jobs/j1/artifact")).containsExactly(8, 0, 1);
    assertThatThrownBy(() -> client.getBytes("/api/v1/jobs/j2/artifact"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(base + "/api/v1/jobs/j2/artifact answered 404");
  }

  @Test
  void secondsBetweenTimestampsAreNaNWhileEitherIsUnset() throws Exception {
    JsonNode job =
        JSON.readTree(
            "{\"startedAt\":\"2026-12-07T03:00:00Z\",\"finishedAt\":\"2026-12-07T03:01:30.5Z\","
                + "\"createdAt\":null}");

    assertThat(ServiceClient.seconds(job.get("startedAt"), job.get("finishedAt"))).isEqualTo(90.5);
    assertThat(ServiceClient.seconds(job.get("createdAt"), job.get("finishedAt"))).isNaN();
    assertThat(ServiceClient.seconds(job.get("queuedAt"), job.get("finishedAt"))).isNaN();
  }
}
