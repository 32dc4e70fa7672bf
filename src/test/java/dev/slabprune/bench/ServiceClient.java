package dev.slabprune.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The service's HTTP API as the benchmark clients ({@link JobBench}, {@link Suite}) use it:
 * uploads, starting a job, polling it to the end, reading its JSON and its artifact. Every request
 * may take five minutes (a 60,000-row upload included); an answer other than the one expected fails
 * the benchmark with the service's body.
 */
final class ServiceClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String boundaryPrefix;

  /**
   * @param base the service's root, e.g. {@code http://127.0.0.1:8183}
   * @param boundaryPrefix starts each multipart boundary, naming the benchmark that sent it
   */
  ServiceClient(String base, String boundaryPrefix) {
    this.base = base;
    this.boundaryPrefix = boundaryPrefix;
  }

  /** Uploads form fields and files as multipart/form-data; the service answers 201. */
  JsonNode postMultipart(String path, Map<String, String> fields, Map<String, Path> files)
      throws IOException, InterruptedException {
    String boundary = boundaryPrefix + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + f.getKey()
                  + "\"\r\n\r\n"
                  + f.getValue()
                  + "\r\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    for (Map.Entry<String, Path> f : files.entrySet()) {
      body.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + f.getKey()
                  + "\"; filename=\""
                  + f.getValue().getFileName()
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.writeBytes(Files.readAllBytes(f.getValue()));
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
        201);
  }

  /** Starts a job on an uploaded model and dataset with the default settings; answers 202. */
  JsonNode startJob(String modelId, String datasetId, long seed)
      throws IOException, InterruptedException {
    return startJob(modelId, datasetId, seed, JSON.createObjectNode());
  }

  /** Starts a job with the given settings (an object, empty for the defaults); answers 202. */
  JsonNode startJob(String modelId, String datasetId, long seed, ObjectNode settings)
      throws IOException, InterruptedException {
    return startJob(modelId, datasetId, null, seed, settings);
  }

  /**
   * Starts a job with the given settings whose validation and test splits are the rows of {@code
   * heldOutDatasetId} (null: held out from the dataset); answers 202.
   */
  JsonNode startJob(
      String modelId, String datasetId, String heldOutDatasetId, long seed, ObjectNode settings)
      throws IOException, InterruptedException {
    ObjectNode request = JSON.createObjectNode();
    request.put("modelId", modelId);
    request.put("datasetId", datasetId);
    if (heldOutDatasetId != null) {
      request.put("heldOutDatasetId", heldOutDatasetId);
    }
    request.set("settings", settings);
    request.put("seed", seed);
    return send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))),
        202);
  }

  /**
   * Polls a job every {@code poll} until it succeeds, fails or is cancelled, and answers its last
   * state. Logs the state with {@code progress} of the job each time that changes. A job still
   * running {@code timeout} after {@code submitted} is cancelled, and the benchmark fails.
   */
  JsonNode awaitJob(
      JsonNode job,
      Instant submitted,
      Duration timeout,
      Duration poll,
      Function<JsonNode, String> progress,
      Consumer<String> log)
      throws IOException, InterruptedException {
    String id = job.get("id").asString();
    String state = job.get("state").asString();
    String last = "";
    while (!isFinal(state)) {
      if (Duration.between(submitted, Instant.now()).compareTo(timeout) > 0) {
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + id + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            -1);
        throw new IllegalStateException("job " + id + " still " + state + " after " + timeout);
      }
      Thread.sleep(poll.toMillis());
      job = getJson("/api/v1/jobs/" + id);
      state = job.get("state").asString();
      String now = progress.apply(job);
      if (!now.equals(last)) {
        log.accept(state + " " + now);
        last = now;
      }
    }
    return job;
  }

  /** A JSON resource; the service answers 200. */
  JsonNode getJson(String path) throws IOException, InterruptedException {
    return send(get(path), 200);
  }

  /** A binary resource, such as a job's delivered ONNX model; the service answers 200. */
  byte[] getBytes(String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = get(path);
    HttpResponse<byte[]> response =
        http.send(
            request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(request.build().uri() + " answered " + response.statusCode());
    }
    return response.body();
  }

  /** Seconds between two of a job's timestamps; NaN when either is not set. */
  static double seconds(JsonNode from, JsonNode to) {
    if (from == null || from.isNull() || to == null || to.isNull()) {
      return Double.NaN;
    }
    return Duration.between(Instant.parse(from.asString()), Instant.parse(to.asString())).toMillis()
        / 1000.0;
  }

  static boolean isFinal(String state) {
    return switch (state.toUpperCase()) {
      case "SUCCEEDED", "FAILED", "CANCELLED" -> true;
      default -> false;
    };
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).GET();
  }

  /** Sends a request; {@code expected} is the status it must answer, or -1 for any. */
  private JsonNode send(HttpRequest.Builder request, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    if (expected > 0 && response.statusCode() != expected) {
      throw new IllegalStateException(
          request.build().method()
              + " "
              + request.build().uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }
}
