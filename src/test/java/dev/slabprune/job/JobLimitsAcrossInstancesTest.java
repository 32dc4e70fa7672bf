package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.api.Owner;
import dev.slabprune.dataset.DatasetOptions;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.security.ApiKeys;
import dev.slabprune.support.Instance;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances of the service on one database, as two replicas behind a load balancer: an owner's
 * concurrent job requests, split across both, are admitted exactly up to each limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLimitsAcrossInstancesTest {

  private static final int MAX_ACTIVE = 4;
  private static final int PER_MINUTE = 6;
  private static final int CONCURRENT = 16;

  private final List<Instance> instances = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void startTwoInstances() {
    Map<String, String> properties =
        Map.of(
            "slabprune.security.admin-keys", ApiKeys.sha256("limits-admin"),
            "slabprune.jobs.max-active-per-owner", Integer.toString(MAX_ACTIVE),
            "slabprune.jobs.per-owner-per-minute", Integer.toString(PER_MINUTE));
    instances.add(Instance.start(properties));
    instances.add(Instance.start(properties));
  }

  @AfterAll
  void stop() {
    instances.forEach(Instance::close);
  }

  @Test
  void concurrentRequestsSplitAcrossTwoInstancesAreAdmittedExactlyUpToEachLimit() throws Exception {
    Instance first = instances.get(0);
    String ownerName = "limits-" + UUID.randomUUID();
    String key = first.bean(ApiKeys.class).mint(ownerName).key();
    String body = jobRequest(first, new Owner(ownerName));

    List<HttpResponse<String>> burst = burst(key, body);
    assertThat(statuses(burst, 202))
        .as("admitted while under the active-jobs limit")
        .isEqualTo(MAX_ACTIVE);
    assertThat(statuses(burst, 429)).isEqualTo(CONCURRENT - MAX_ACTIVE);
    for (HttpResponse<String> refused : only(burst, 429)) {
      assertThat(refused.body()).contains("/problems/too-many-active-jobs");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
    }

    // With the active jobs cancelled, the per-minute limit is what holds: MAX_ACTIVE of its
    // PER_MINUTE are spent.
    for (HttpResponse<String> accepted : only(burst, 202)) {
      String id = accepted.headers().firstValue("Location").orElseThrow();
      HttpResponse<String> cancel =
          http.send(post(first, id + "/cancel", key, ""), HttpResponse.BodyHandlers.ofString());
      assertThat(cancel.statusCode()).isEqualTo(202);
    }
    List<HttpResponse<String>> second = burst(key, body);
    assertThat(statuses(second, 202))
        .as("admitted while under the rate")
        .isEqualTo(PER_MINUTE - MAX_ACTIVE);
    assertThat(statuses(second, 429)).isEqualTo(CONCURRENT - (PER_MINUTE - MAX_ACTIVE));
    for (HttpResponse<String> refused : only(second, 429)) {
      assertThat(refused.body()).contains("/problems/job-rate-limit");
      long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 60L);
    }
  }

  /** {@link #CONCURRENT} job requests at once, alternating between the two instances. */
  private List<HttpResponse<String>> burst(String key, String body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < CONCURRENT; i++) {
        Instance target = instances.get(i % 2);
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.send(
                      post(target, "/api/v1/jobs", key, body),
                      HttpResponse.BodyHandlers.ofString());
                }));
      }
      go.countDown();
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (Future<HttpResponse<String>> future : futures) {
        responses.add(future.get());
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static HttpRequest post(Instance instance, String path, String key, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.port() + path))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static long statuses(List<HttpResponse<String>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).count();
  }

  private static List<HttpResponse<String>> only(List<HttpResponse<String>> responses, int status) {
    return responses.stream().filter(r -> r.statusCode() == status).toList();
  }

  /** A valid job request on a model and dataset of the owner. */
  private static String jobRequest(Instance instance, Owner owner) {
    byte[] onnx =
        new OnnxModelWriter()
            .write(TeacherData.teacher(), TestOnnx.allInputs("x", "logits", 6, Map.of()));
    UUID model =
        instance
            .bean(ModelService.class)
            .upload(owner, "m", "m.onnx", () -> new ByteArrayInputStream(onnx))
            .id();
    byte[] csv = TeacherData.dataset(TeacherData.teacher());
    UUID dataset =
        instance
            .bean(DatasetService.class)
            .upload(
                owner,
                "d",
                null,
                new DatasetOptions(null, null, null, null),
                Map.of(
                    "file", new DatasetService.Part("d.csv", () -> new ByteArrayInputStream(csv))))
            .id();
    return "{\"modelId\": \"" + model + "\", \"datasetId\": \"" + dataset + "\"}";
  }
}
