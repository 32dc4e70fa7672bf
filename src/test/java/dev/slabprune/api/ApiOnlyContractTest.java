package dev.slabprune.api;

import static dev.slabprune.support.ServiceCalls.awaitEnd;
import static dev.slabprune.support.ServiceCalls.createJob;
import static dev.slabprune.support.ServiceCalls.reprune;
import static dev.slabprune.support.ServiceCalls.state;
import static dev.slabprune.support.ServiceCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.job.queue.WorkerPool;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.OpenApiContract;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestDatabase;
import dev.slabprune.support.TestOnnx;
import dev.slabprune.support.ValidatedHttp;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.client.RestClient;

/**
 * The split deployment, in two JVMs on one database: this one runs only workers; a second, started
 * from the same class path with {@code slabprune.worker.enabled=false}, serves the API. Every
 * operation of the OpenAPI document is called on the API-only instance, each exchange is held to
 * the document, a re-pruning is answered 202 and run here by a worker, and the API-only JVM's
 * class-loading log shows that it never loaded a class of ND4J or JavaCPP.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "slabprune.worker.enabled=true",
      "slabprune.worker.workers=1",
      "slabprune.worker.poll-interval=100ms",
      "slabprune.worker.heartbeat-interval=200ms",
      "slabprune.worker.heartbeat-timeout=2s",
      "slabprune.api.enabled=false"
    })
@DirtiesContext
class ApiOnlyContractTest {

  private static final Path WORK = Path.of("target", "api-only-instance");
  private static final String KEY = "contract-test-key-" + UUID.randomUUID();
  private static final String ADMIN_KEY = "contract-test-admin-" + UUID.randomUUID();

  @Autowired WorkerPool workers;
  @Autowired JdbcClient jdbc;

  private Process api;

  @AfterEach
  void stopTheApiInstance() throws InterruptedException {
    if (api != null && api.isAlive()) {
      api.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anApiOnlyInstanceServesEveryDocumentedOperationWithoutLoadingNd4j() throws Exception {
    // Jobs left open by other test classes must not be claimed by this JVM's worker.
    jdbc.sql(
            "update job set state = 'CANCELLED', claimed_by = null, heartbeat_at = null"
                + " where state in ('QUEUED', 'RUNNING')")
        .update();
    Files.createDirectories(WORK);
    Path classLog = WORK.resolve("classes.log");
    Files.deleteIfExists(classLog);
    int port = freePort();
    api = start(port, classLog);
    String base = "http://127.0.0.1:" + port;
    awaitReady(base);

    Set<String> validated = ConcurrentHashMap.newKeySet();
    RestClient http =
        ValidatedHttp.builder(base, validated::add)
            .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + KEY)
            .build();
    RestClient admin =
        ValidatedHttp.builder(base, validated::add)
            .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + ADMIN_KEY)
            .build();

    // Admin: mint, list, revoke.
    ResponseEntity<Map> minted =
        admin
            .post()
            .uri("/api/v1/admin/api-keys")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("owner", "someone-else"))
            .retrieve()
            .toEntity(Map.class);
    assertThat(minted.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(admin.get().uri("/api/v1/admin/api-keys").retrieve().toEntity(String.class))
        .extracting(ResponseEntity::getStatusCode)
        .isEqualTo(HttpStatus.OK);
    assertThat(
            admin
                .delete()
                .uri("/api/v1/admin/api-keys/" + minted.getBody().get("id"))
                .retrieve()
                .toBodilessEntity()
                .getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);

    // Uploads and their reads.
    DenseNetwork teacher = TeacherData.teacher();
    byte[] onnx =
        new OnnxModelWriter()
            .write(teacher, TestOnnx.allInputs("x", "logits", TeacherData.FEATURES, Map.of()));
    String model = upload(http, "/api/v1/models", "teacher.onnx", onnx);
    String dataset = upload(http, "/api/v1/datasets", "data.csv", TeacherData.dataset(teacher));
    http.get().uri("/api/v1/models").retrieve().toBodilessEntity();
    http.get().uri("/api/v1/models/" + model).retrieve().toBodilessEntity();
    assertThat(http.get().uri("/api/v1/models/" + model + "/content").retrieve().body(byte[].class))
        .isEqualTo(onnx);
    http.get().uri("/api/v1/datasets").retrieve().toBodilessEntity();
    http.get().uri("/api/v1/datasets/" + dataset).retrieve().toBodilessEntity();
    http.get().uri("/api/v1/datasets/" + dataset + "/content").retrieve().toBodilessEntity();

    // A compression, run by this JVM's worker, and everything it produced, served by the API.
    String job =
        (String)
            createJob(
                    http,
                    Map.of(
                        "modelId",
                        model,
                        "datasetId",
                        dataset,
                        "seed",
                        11,
                        "settings",
                        Map.of("epochs", 3, "fineTuneEpochs", 1, "evaluationSamples", 3)))
                .get("id");
    awaitSucceeded(http, job);
    http.get().uri("/api/v1/jobs?state=SUCCEEDED").retrieve().toBodilessEntity();
    assertThat(
            http.get()
                .uri("/api/v1/jobs/" + job + "/events")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .retrieve()
                .body(String.class))
        .contains("\"state\":\"SUCCEEDED\"");
    http.get().uri("/api/v1/jobs/" + job + "/report").retrieve().toBodilessEntity();
    http.get()
        .uri("/api/v1/jobs/" + job + "/inclusion-probabilities")
        .retrieve()
        .toBodilessEntity();
    http.get()
        .uri("/api/v1/jobs/" + job + "/inclusion-probabilities/weights.npy?layer=0")
        .retrieve()
        .toBodilessEntity();
    http.get().uri("/api/v1/jobs/" + job + "/artifact").retrieve().toBodilessEntity();

    // A re-pruning: answered 202 with the new job's Location, and run by a worker (this JVM's).
    Map<?, ?> repruning = reprune(http, job, Map.of("targetWeights", 20));
    String repruned = (String) repruning.get("id");
    assertThat(repruning.get("kind")).isEqualTo("reprune");
    assertThat(repruning.get("sourceJobId")).isEqualTo(job);
    awaitSucceeded(http, repruned);
    assertThat(
            jdbc.sql(
                    "select detail->>'worker' from job_event where job_id = ? and type = 'CLAIMED'")
                .param(UUID.fromString(repruned))
                .query(String.class)
                .list())
        .containsExactly(workers.workerId());
    Map<?, ?> report =
        http.get().uri("/api/v1/jobs/" + repruned + "/report").retrieve().body(Map.class);
    Map<?, ?> pruning = (Map<?, ?>) report.get("pruning");
    assertThat(((Map<?, ?>) pruning.get("rule")).get("targetWeights")).isEqualTo(20);
    // A target is kept exactly, give or take the weights of nodes that lose every live path.
    assertThat(((Number) pruning.get("keptWeights")).intValue()).isBetween(20, 40);

    // Cancel, then delete what is finished, then the inputs.
    String cancelled =
        (String)
            createJob(
                    http,
                    Map.of(
                        "modelId", model, "datasetId", dataset, "settings", Map.of("epochs", 1000)))
                .get("id");
    http.post().uri("/api/v1/jobs/" + cancelled + "/cancel").retrieve().toBodilessEntity();
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(state(http, cancelled)));
    for (String finished : List.of(repruned, job, cancelled)) {
      assertThat(
              http.delete()
                  .uri("/api/v1/jobs/" + finished)
                  .retrieve()
                  .toBodilessEntity()
                  .getStatusCode())
          .isEqualTo(HttpStatus.NO_CONTENT);
    }
    http.delete().uri("/api/v1/models/" + model).retrieve().toBodilessEntity();
    http.delete().uri("/api/v1/datasets/" + dataset).retrieve().toBodilessEntity();

    assertThat(new TreeSet<>(validated))
        .as("every operation of the document, called and valid")
        .isEqualTo(OpenApiContract.documentedOperations());

    api.destroy();
    assertThat(api.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> loaded = Files.readAllLines(classLog, StandardCharsets.UTF_8);
    assertThat(loaded)
        .as("the API-only instance loaded the classes it served with")
        .anyMatch(line -> line.contains(" dev.slabprune.job.JobService "))
        .anyMatch(line -> line.contains(" dev.slabprune.engine.Posterior "));
    assertThat(loaded)
        .as("classes of ND4J or JavaCPP loaded by the API-only instance")
        .noneMatch(line -> line.contains(" org.nd4j.") || line.contains(" org.bytedeco."));
  }

  private Process start(int port, Path classLog) throws Exception {
    TestDatabase database = TestDatabase.get();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector",
                "-Xlog:class+load=info:file=" + classLog.toAbsolutePath(),
                "-cp",
                applicationClassPath(),
                "dev.slabprune.SlabpruneApplication"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve("service.log").toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(name -> name.startsWith("SPRING_") || name.startsWith("SLABPRUNE_"));
    environment.put("SPRING_DATASOURCE_URL", database.jdbcUrl());
    environment.put("SPRING_DATASOURCE_USERNAME", database.user());
    environment.put("SPRING_DATASOURCE_PASSWORD", database.password());
    environment.put("SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE", "4");
    environment.put("SERVER_PORT", Integer.toString(port));
    environment.put("SERVER_ADDRESS", "127.0.0.1");
    environment.put("SLABPRUNE_WORKER_ENABLED", "false");
    environment.put("SLABPRUNE_SECURITY_API_KEYS", "contract-team:" + sha256(KEY));
    environment.put("SLABPRUNE_SECURITY_ADMIN_KEYS", sha256(ADMIN_KEY));
    return builder.start();
  }

  /** This JVM's class path without the test classes: the service's classes and libraries. */
  private static String applicationClassPath() throws IOException {
    List<String> entries =
        new ArrayList<>(
            Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
    if (entries.size() == 1 && entries.get(0).contains("surefirebooter")) {
      try (JarFile booter = new JarFile(entries.get(0))) {
        entries.clear();
        for (String url :
            booter.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
          entries.add(Path.of(java.net.URI.create(url)).toString());
        }
      }
    }
    return String.join(
        File.pathSeparator,
        entries.stream().filter(entry -> !entry.endsWith("test-classes")).toList());
  }

  private void awaitReady(String base) {
    RestClient plain = RestClient.create(base);
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              assertThat(api.isAlive()).as(tail(WORK.resolve("service.log"))).isTrue();
              return plain
                  .get()
                  .uri("/actuator/health/readiness")
                  .retrieve()
                  .toBodilessEntity()
                  .getStatusCode()
                  .is2xxSuccessful();
            });
  }

  private static void awaitSucceeded(RestClient http, String job) {
    assertThat(awaitEnd(http, job)).isEqualTo("SUCCEEDED");
  }

  private static String sha256(String key) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try (Stream<String> lines = Files.lines(log)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
