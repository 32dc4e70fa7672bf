package dev.slabprune.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * The calls of the service that the HTTP tests make again and again, on a client of theirs (such as
 * {@link ValidatedHttp}'s). A call that should succeed asserts its status.
 */
public final class ServiceCalls {

  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private ServiceCalls() {}

  /** Uploads {@code content} as the part {@code file} to {@code path}; the new resource's id. */
  public static String upload(RestClient http, String path, String fileName, byte[] content) {
    return upload(http, path, form(fileName, content));
  }

  /**
   * Uploads a CSV file as a dataset of the given task ({@code classification}, {@code regression}).
   */
  public static String uploadDataset(RestClient http, String fileName, byte[] csv, String task) {
    MultiValueMap<String, Object> form = form(fileName, csv);
    form.add("task", task);
    return upload(http, "/api/v1/datasets", form);
  }

  private static String upload(RestClient http, String path, MultiValueMap<String, Object> form) {
    ResponseEntity<Map> response =
        http.post()
            .uri(path)
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(form)
            .retrieve()
            .toEntity(Map.class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    return (String) response.getBody().get("id");
  }

  private static MultiValueMap<String, Object> form(String fileName, byte[] content) {
    MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
    form.add("file", file(fileName, content));
    return form;
  }

  /** {@code content} as a multipart file part named {@code fileName}. */
  public static ByteArrayResource file(String fileName, byte[] content) {
    return new ByteArrayResource(content) {
      @Override
      public String getFilename() {
        return fileName;
      }
    };
  }

  /** Posts {@code body} as JSON and returns the answer, whatever its status. */
  public static ResponseEntity<String> post(RestClient http, String path, Object body) {
    return http.post()
        .uri(path)
        .contentType(MediaType.APPLICATION_JSON)
        .body(body)
        .retrieve()
        .onStatus(status -> true, (request, response) -> {})
        .toEntity(String.class);
  }

  /** Queues a job; the job as the answer shows it. */
  public static Map<?, ?> createJob(RestClient http, Object body) {
    return queue(http, "/api/v1/jobs", body);
  }

  /** Queues a re-pruning of job {@code id} by {@code rule}; the new job as the answer shows it. */
  public static Map<?, ?> reprune(RestClient http, String id, Object rule) {
    return queue(http, "/api/v1/jobs/" + id + "/reprune", rule);
  }

  /**
   * Posts {@code body} to {@code path}, which answers {@code 202} with the queued job's Location.
   */
  private static Map<?, ?> queue(RestClient http, String path, Object body) {
    ResponseEntity<Map> queued =
        http.post()
            .uri(path)
            .contentType(MediaType.APPLICATION_JSON)
            .body(body)
            .retrieve()
            .toEntity(Map.class);
    assertThat(queued.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    String id = (String) queued.getBody().get("id");
    assertThat(queued.getHeaders().getLocation()).hasToString("/api/v1/jobs/" + id);
    return queued.getBody();
  }

  public static Map<?, ?> job(RestClient http, String id) {
    return http.get().uri("/api/v1/jobs/" + id).retrieve().body(Map.class);
  }

  public static String state(RestClient http, String id) {
    return (String) job(http, id).get("state");
  }

  public static Map<?, ?> report(RestClient http, String id) {
    return http.get().uri("/api/v1/jobs/" + id + "/report").retrieve().body(Map.class);
  }

  /** Waits up to 3 minutes for the job to end; the state it ended in. */
  public static String awaitEnd(RestClient http, String id) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> ENDED.contains(state(http, id)));
    return state(http, id);
  }

  /** The names of a report's phases, in the order they ran. */
  public static List<String> phaseNames(Map<?, ?> report) {
    return ((List<?>) report.get("phases"))
        .stream().map(p -> (String) ((Map<?, ?>) p).get("name")).toList();
  }
}
