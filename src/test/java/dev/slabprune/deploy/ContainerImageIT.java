package dev.slabprune.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slabprune.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image itself: built from the Dockerfile as it is by buildah, then run by podman
 * against the test database as the Helm chart runs it (the environment, writable folders, security
 * context and memory limit of the chart's rendered Deployments), in each of the chart's shapes.
 *
 * <p>The base images of the FROM lines come from {@code .ci/base-images}: the real ones where a
 * registry answers; where none is reachable, stand-ins made from Debian packages (Debian's OpenJDK
 * 17 on a minimal bookworm) under the same names, so that the Dockerfile is built unchanged.
 *
 * <p>Needs buildah and podman (skipped, saying so, where they are missing, except in CI) and root
 * where the stand-ins must be made. The image size, its build time and each container's time to
 * readiness are printed and written to {@code target/container-image-it/figures.json}. {@code
 * -Dcontainer.dockerfile=PATH} runs these tests on another Dockerfile, with the repository as its
 * build context.
 */
class ContainerImageIT {

  private static final Path WORK = Path.of("target", "container-image-it");
  private static final Path EXAMPLE_MODEL = Path.of("examples", "digits-mlp.onnx");
  private static final Path EXAMPLE_DATA = Path.of("examples", "digits.csv");
  private static final Duration JOB_LIMIT = Duration.ofMinutes(5);

  private static final String RUN =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final String IMAGE = "localhost/slabprune-it:" + RUN;
  private static final Map<String, Object> FIGURES = new LinkedHashMap<>();
  private static boolean toolsPresent;

  private final Yaml json = new Yaml();

  @BeforeAll
  static void buildTheImageFromTheDockerfile() throws IOException {
    // Without the tools, each test reports itself skipped (or failed, in CI) in requireTools.
    if (!Podman.missingTools().isEmpty()) {
      return;
    }
    toolsPresent = true;
    // After the tests, or when the JVM is stopped during them.
    Runtime.getRuntime().addShutdownHook(new Thread(ContainerImageIT::removeTheContainersAndImage));
    deleteRecursively(WORK);
    Podman.ensureBaseImages();
    Path dockerfile =
        Path.of(System.getProperty("container.dockerfile", Dockerfile.PATH.toString()));

    Instant start = Instant.now();
    Podman.build(dockerfile, IMAGE, WORK.resolve("build.log"));
    FIGURES.put("dockerfile", dockerfile.toString());
    FIGURES.put("buildSeconds", seconds(Duration.between(start, Instant.now())));
    long size =
        Long.parseLong(lastLine(Podman.podman("image", "inspect", "--format", "{{.Size}}", IMAGE)));
    FIGURES.put("imageBytes", size);
    FIGURES.put("baseImages", baseImages());
  }

  @BeforeEach
  void requireTools() {
    Podman.requireTools();
  }

  @AfterAll
  static void removeWhatTheTestsMade() throws IOException {
    if (!toolsPresent) {
      return;
    }
    try {
      removeTheContainersAndImage();
    } finally {
      writeFigures();
    }
  }

  private static synchronized void removeTheContainersAndImage() {
    RunningContainer.removeAll(RUN);
    if (Podman.imageExists(IMAGE)) {
      Podman.podman("rmi", "--force", IMAGE);
    }
  }

  @Test
  void theImageServesTheApiAsItsNonRootUserOnAReadOnlyRootFileSystem() throws Exception {
    reportTheBuild();
    ChartPod server = chartPods(false).get("server");
    assertThat(server.readOnlyRootFilesystem()).isTrue();

    try (RunningContainer container =
        RunningContainer.start(IMAGE, server, RUN, "slabprune-it-" + RUN + "-server", WORK)) {
      // Before the service answers, the image's HEALTHCHECK fails: it asks the service.
      Commands.Result early = container.healthcheck();
      assertThat(early.exitCode()).as(early.output()).isNotZero();

      Duration ready = container.awaitReadiness();
      report("serverReadySeconds", seconds(ready));

      HttpResponse<String> readiness = container.get("/actuator/health/readiness");
      assertThat(readiness.body()).contains("\"status\":\"UP\"").contains("\"db\"");
      assertThat(container.get("/actuator/health").body()).contains("\"status\":\"UP\"");

      // The image's own HEALTHCHECK, as Docker and podman run it.
      Commands.Result healthcheck = container.healthcheck();
      assertThat(healthcheck.exitCode()).as(healthcheck.output()).isZero();

      // PID 1 is the JVM of the exec-form ENTRYPOINT, as the Dockerfile's USER, which the chart's
      // pods also name.
      String user = Dockerfile.read().runtime("USER").get(0).arguments();
      String uid = user.split(":")[0];
      String gid = user.split(":")[1];
      Commands.Result status = container.exec("cat", "/proc/1/status");
      assertThat(status.output())
          .containsPattern("(?m)^Uid:\\s+" + uid + "\\s+" + uid + "\\s")
          .containsPattern("(?m)^Gid:\\s+" + gid + "\\s+" + gid + "\\s");
      assertThat(Long.parseLong(uid)).isNotZero().isEqualTo(server.runAsUser());
      assertThat(container.exec("cat", "/proc/1/cmdline").output().split("\0")[0])
          .isEqualTo(Dockerfile.read().entrypoint().get(0));

      // The root file system refuses writes; the chart's folders take them.
      Commands.Result intoRoot = container.exec("touch", "/app/written");
      assertThat(intoRoot.exitCode()).isNotZero();
      assertThat(intoRoot.output()).contains("Read-only file system");
      for (String folder : server.writableFolders().keySet()) {
        Commands.Result intoFolder = container.exec("touch", folder + "/written");
        assertThat(intoFolder.exitCode()).as(folder + ": " + intoFolder.output()).isZero();
      }

      // The image's JVM options reached the JVM.
      assertThat(container.logs())
          .contains(
              "Picked up JDK_JAVA_OPTIONS: "
                  + Dockerfile.read().environment().get("JDK_JAVA_OPTIONS"));

      HttpResponse<String> upload = container.upload("/api/v1/models", EXAMPLE_MODEL, Map.of());
      assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
      String location = upload.headers().firstValue("Location").orElseThrow();
      assertThat(container.get(URI.create(location).getPath()).statusCode()).isEqualTo(200);

      assertThat(container.stop()).as(container.logTail()).isIn(0, 143);
    }
  }

  @Test
  void theApiOnlyAndWorkerOnlyShapesOfTheChartStartAndTheWorkerRunsAJobTheApiQueued()
      throws Exception {
    reportTheBuild();
    Map<String, ChartPod> pods = chartPods(true);
    assertThat(pods).containsOnlyKeys("api", "worker");
    ChartPod apiPod = pods.get("api");
    ChartPod workerPod = pods.get("worker");
    assertThat(apiPod.environment()).containsEntry("SLABPRUNE_WORKER_ENABLED", "false");
    assertThat(workerPod.environment()).containsEntry("SLABPRUNE_API_ENABLED", "false");

    // One after the other, as a rollout would start them: the API queues a job that only the
    // worker, started later, can run.
    try (RunningContainer api =
        RunningContainer.start(IMAGE, apiPod, RUN, "slabprune-it-" + RUN + "-api", WORK)) {
      report("apiReadySeconds", seconds(api.awaitReadiness()));
      Commands.Result apiHealthcheck = api.healthcheck();
      assertThat(apiHealthcheck.exitCode()).as(apiHealthcheck.output()).isZero();

      String modelId = id(api.upload("/api/v1/models", EXAMPLE_MODEL, Map.of()));
      String datasetId =
          id(api.upload("/api/v1/datasets", EXAMPLE_DATA, Map.of("task", "classification")));
      HttpResponse<String> queued =
          api.postJson(
              "/api/v1/jobs",
              "{\"modelId\": \""
                  + modelId
                  + "\", \"datasetId\": \""
                  + datasetId
                  + "\", \"seed\": 1, \"settings\": {\"epochs\": 1, \"fineTuneEpochs\": 0}}");
      assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
      String jobId = id(queued);
      assertThat(api.logs()).doesNotContain("Worker pool");

      try (RunningContainer worker =
          RunningContainer.start(IMAGE, workerPod, RUN, "slabprune-it-" + RUN + "-worker", WORK)) {
        report("workerReadySeconds", seconds(worker.awaitReadiness()));
        Commands.Result workerHealthcheck = worker.healthcheck();
        assertThat(workerHealthcheck.exitCode()).as(workerHealthcheck.output()).isZero();
        assertThat(worker.get("/api/v1/models").statusCode()).isEqualTo(404);

        Instant workerReady = Instant.now();
        Map<String, Object> job = awaitJobEnd(api, worker, jobId);
        report("jobSeconds", seconds(Duration.between(workerReady, Instant.now())));
        assertThat(job.get("state")).as(job + worker.logTail()).isEqualTo("SUCCEEDED");
        // The job's history names the worker pool that claimed it: the worker container's.
        assertThat(worker.logs()).contains("Worker pool " + claimedBy(jobId) + " started");

        // The engine's native libraries (OpenBLAS through JavaCPP) were unpacked into the chart's
        // writable folder and loaded from there, on a read-only root file system.
        Commands.Result javacpp = worker.exec("find", "/tmp/javacpp", "-name", "*.so*");
        assertThat(javacpp.output()).contains("libopenblas").contains("libjnijavacpp");
        assertThat(worker.stop()).as(worker.logTail()).isIn(0, 143);
      }

      HttpResponse<byte[]> artifact = api.getBytes("/api/v1/jobs/" + jobId + "/artifact");
      assertThat(artifact.statusCode()).isEqualTo(200);
      assertThat(artifact.body()).isNotEmpty();
      assertThat(api.stop()).as(api.logTail()).isIn(0, 143);
    }
  }

  @Test
  void aDockerfileWithAWrongCopyPathFailsTheBuildNamingTheStepAndThePath() throws IOException {
    String dockerfile = Files.readString(Dockerfile.PATH);
    assertThat(dockerfile).contains("COPY .mvn/ .mvn/");
    Path broken = WORK.resolve("wrong-copy-path.Dockerfile");
    Files.createDirectories(WORK);
    Files.writeString(broken, dockerfile.replace("COPY .mvn/ .mvn/", "COPY maven/ .mvn/"));
    String tag = IMAGE + "-broken";

    assertThatThrownBy(() -> Podman.build(broken, tag, WORK.resolve("wrong-copy-path.build.log")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the image did not build from " + broken)
        .hasMessageContaining("COPY maven/ .mvn/")
        .hasMessageContaining("no such file or directory");
    assertThat(Podman.imageExists(tag)).isFalse();
  }

  /**
   * The chart rendered for the test database, with one Deployment or with API and workers apart.
   */
  private static Map<String, ChartPod> chartPods(boolean split) throws IOException {
    TestDatabase database = TestDatabase.get();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("split", split);
    values.put(
        "database",
        Map.of(
            "url", database.jdbcUrl(),
            "username", database.user(),
            "password", database.password()));
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Path file = WORK.resolve("values-" + (split ? "split" : "single") + ".yaml");
    Files.createDirectories(WORK);
    Files.writeString(file, new Yaml(options).dump(values));
    return ChartPod.render(file);
  }

  private Map<String, Object> awaitJobEnd(RunningContainer api, RunningContainer worker, String id)
      throws Exception {
    Instant deadline = Instant.now().plus(JOB_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = api.get("/api/v1/jobs/" + id);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      Map<String, Object> job = json.load(response.body());
      if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(String.valueOf(job.get("state")))) {
        return job;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + id + " did not end within " + JOB_LIMIT + worker.logTail());
  }

  private static String claimedBy(String jobId) throws SQLException {
    try (Connection connection = TestDatabase.get().dataSource().getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "select detail ->> 'worker' from job_event"
                    + " where job_id = cast(? as uuid) and type = 'CLAIMED' order by id")) {
      query.setString(1, jobId);
      try (ResultSet rows = query.executeQuery()) {
        assertThat(rows.next()).as("a CLAIMED event of job " + jobId).isTrue();
        return rows.getString(1);
      }
    }
  }

  private String id(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isIn(201, 202);
    Map<String, Object> body = json.load(response.body());
    return String.valueOf(body.get("id"));
  }

  /** Where each base image came from: a stand-in's label, or its registry. */
  private static Map<String, String> baseImages() {
    Map<String, String> sources = new LinkedHashMap<>();
    for (Dockerfile.Instruction from : Dockerfile.read().all("FROM")) {
      String name = from.arguments().split("\\s+")[0];
      String standIn =
          lastLine(
              Podman.podman(
                  "image",
                  "inspect",
                  "--format",
                  "{{ index .Labels \"dev.slabprune.base-image.stand-in\" }}",
                  name));
      sources.put(
          name,
          standIn.isEmpty() || standIn.equals("<no value>")
              ? "the registry's image"
              : "stand-in: " + standIn);
    }
    return sources;
  }

  /**
   * Prints the image's figures into this test's output, so that the test report shows them: the
   * report keeps what a test prints, not what is printed before or after all of them.
   */
  private static void reportTheBuild() {
    for (String key : List.of("dockerfile", "imageBytes", "buildSeconds", "baseImages")) {
      if (FIGURES.containsKey(key)) {
        System.out.println("container image " + key + ": " + jsonValue(FIGURES.get(key)));
      }
    }
  }

  private static void report(String key, Object value) {
    FIGURES.put(key, value);
    System.out.println("container image " + key + ": " + jsonValue(value));
  }

  private static void writeFigures() throws IOException {
    if (FIGURES.isEmpty()) {
      return;
    }
    String text =
        FIGURES.entrySet().stream()
            .map(entry -> "  \"" + entry.getKey() + "\": " + jsonValue(entry.getValue()))
            .collect(Collectors.joining(",\n", "{\n", "\n}\n"));
    Files.createDirectories(WORK);
    Files.writeString(WORK.resolve("figures.json"), text);
    System.out.println("container image figures (" + WORK.resolve("figures.json") + "):\n" + text);
  }

  private static String jsonValue(Object value) {
    if (value instanceof Number) {
      return value.toString();
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .map(entry -> jsonValue(entry.getKey()) + ": " + jsonValue(entry.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static double seconds(Duration duration) {
    return Math.round(duration.toMillis() / 100.0) / 10.0;
  }

  private static String lastLine(String output) {
    return output.strip().lines().reduce((first, last) -> last).orElse("").strip();
  }
}
