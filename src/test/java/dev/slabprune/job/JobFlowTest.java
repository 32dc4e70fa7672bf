package dev.slabprune.job;

import static dev.slabprune.support.ServiceCalls.awaitEnd;
import static dev.slabprune.support.ServiceCalls.createJob;
import static dev.slabprune.support.ServiceCalls.file;
import static dev.slabprune.support.ServiceCalls.job;
import static dev.slabprune.support.ServiceCalls.phaseNames;
import static dev.slabprune.support.ServiceCalls.post;
import static dev.slabprune.support.ServiceCalls.report;
import static dev.slabprune.support.ServiceCalls.state;
import static dev.slabprune.support.ServiceCalls.upload;
import static dev.slabprune.support.ServiceCalls.uploadDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.job.run.Splits;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.OnnxRuntimeRunner;
import dev.slabprune.support.ServiceCalls;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import dev.slabprune.support.WorkerHttpTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/** The whole path a user takes, over HTTP, with the worker pool running. */
@TestPropertySource(
    properties = {
      "spring.servlet.multipart.max-file-size=256KB",
      "spring.servlet.multipart.max-request-size=256KB"
    })
class JobFlowTest extends WorkerHttpTest {

  private static final int FEATURES = TeacherData.FEATURES;
  private static final int CLASSES = TeacherData.CLASSES;

  @Test
  void uploadCompressDownloadAndRunThePrunedModelAtTheAccuracyTheReportStates() throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    byte[] onnx =
        new OnnxModelWriter().write(teacher, TestOnnx.allInputs("x", "logits", FEATURES, Map.of()));
    byte[] csv = TeacherData.dataset(teacher);

    String modelId = upload(http, "/api/v1/models", "teacher.onnx", onnx);
    String datasetId = upload(http, "/api/v1/datasets", "data.csv", csv);
    String jobId = queueShort(modelId, datasetId, 7);

    awaitEnd(http, jobId);
    Map<?, ?> job = job(http, jobId);
    assertThat(job.get("state")).as("job %s", job).isEqualTo("SUCCEEDED");
    assertThat(job.get("attempts")).isEqualTo(1);

    Map<?, ?> report = report(http, jobId);
    // every phase of the run timed, in the order it ran
    List<?> phases = (List<?>) report.get("phases");
    assertThat(phaseNames(report))
        .containsExactly(
            "readModel",
            "readDataset",
            "split",
            "training",
            "pathRecording",
            "checkpoints",
            "pathSearch",
            "nodePips",
            "finalScoring",
            "magnitudeBaseline",
            "modelAverage",
            "latency",
            "storePosterior",
            "writeOnnx");
    assertThat(phases)
        .extracting(p -> ((Number) ((Map<?, ?>) p).get("seconds")).doubleValue())
        .allSatisfy(s -> assertThat(s).isFinite().isGreaterThanOrEqualTo(0.0));
    assertThat(
            phases.stream()
                .mapToDouble(p -> ((Number) ((Map<?, ?>) p).get("seconds")).doubleValue())
                .sum())
        .as("the training alone takes some time")
        .isPositive();
    assertThat(phases)
        .extracting(p -> ((Map<?, ?>) p).get("cpuSeconds"))
        .allSatisfy(
            c -> {
              if (c != null) {
                assertThat(((Number) c).doubleValue()).isGreaterThanOrEqualTo(0.0);
              }
            });
    // the quality budget chose the delivered network from the path, both in the report
    Map<?, ?> budget = (Map<?, ?>) report.get("budget");
    assertThat(budget.get("metric")).isEqualTo("accuracy");
    assertThat(budget.get("maxAccuracyDrop")).isEqualTo(0.01);
    List<?> path = (List<?>) report.get("path");
    assertThat(path).hasSizeGreaterThanOrEqualTo(3);
    assertThat(path)
        .filteredOn(p -> Boolean.TRUE.equals(((Map<?, ?>) p).get("delivered")))
        .hasSize(1);
    assertThat(((Number) ((Map<?, ?>) budget.get("delivered")).get("weights")).longValue())
        .isEqualTo(keptWeights(report));
    Map<?, ?> pruned = (Map<?, ?>) ((Map<?, ?>) report.get("scores")).get("pruned");
    double statedAccuracy = ((Number) pruned.get("accuracy")).doubleValue();
    ResponseEntity<byte[]> artifact =
        http.get().uri("/api/v1/jobs/" + jobId + "/artifact").retrieve().toEntity(byte[].class);
    assertThat(artifact.getHeaders().getETag()).isNotBlank();
    byte[] prunedOnnx = artifact.getBody();
    Map<?, ?> artifactInfo = (Map<?, ?>) report.get("artifact");
    assertThat(((Number) artifactInfo.get("sizeBytes")).longValue()).isEqualTo(prunedOnnx.length);

    ParsedDataset parsed =
        new CsvDatasetReader()
            .read(new ByteArrayInputStream(csv), CsvOptions.DETECT.withTask(null));
    Splits splits = Splits.of(parsed, 0.1, 0.2, 7);
    double[] outputs =
        OnnxRuntimeRunner.run(prunedOnnx, splits.test().features(), splits.test().rows(), FEATURES);
    int correct = 0;
    for (int r = 0; r < splits.test().rows(); r++) {
      if (argmax(outputs, r * CLASSES, CLASSES) == splits.test().labels()[r]) {
        correct++;
      }
    }
    double measured = (double) correct / splits.test().rows();
    assertThat(measured).isCloseTo(statedAccuracy, org.assertj.core.data.Offset.offset(1e-9));

    Map<?, ?> pips =
        http.get()
            .uri("/api/v1/jobs/" + jobId + "/inclusion-probabilities")
            .retrieve()
            .body(Map.class);
    assertThat((List<?>) pips.get("inputs")).hasSize(FEATURES);
    assertThat((List<?>) pips.get("layers")).hasSize(2);
    byte[] npy =
        http.get()
            .uri("/api/v1/jobs/" + jobId + "/inclusion-probabilities/weights.npy?layer=0")
            .retrieve()
            .body(byte[].class);
    assertThat(new String(npy, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");

    // Two thresholds inside the spread of the weight inclusion probabilities, so that they keep
    // different numbers of weights.
    List<Double> weightPips = new java.util.ArrayList<>();
    for (int layer = 0; layer < 2; layer++) {
      weightPips.addAll(
          npyDoubles(
              http.get()
                  .uri(
                      "/api/v1/jobs/"
                          + jobId
                          + "/inclusion-probabilities/weights.npy?layer="
                          + layer)
                  .retrieve()
                  .body(byte[].class)));
    }
    java.util.Collections.sort(weightPips);
    double strictThreshold = between(weightPips, weightPips.size() * 3 / 4);
    double looseThreshold = between(weightPips, weightPips.size() / 4);
    String strictJob = reprune(jobId, Map.of("threshold", strictThreshold));
    String looseJob = reprune(jobId, Map.of("threshold", looseThreshold, "fineTuneEpochs", 0));
    for (String repruning : List.of(strictJob, looseJob)) {
      assertThat(awaitEnd(http, repruning)).isEqualTo("SUCCEEDED");
    }
    Map<?, ?> strict = report(http, strictJob);
    Map<?, ?> loose = report(http, looseJob);
    byte[] strictOnnx =
        http.get().uri("/api/v1/jobs/" + strictJob + "/artifact").retrieve().body(byte[].class);
    byte[] looseOnnx =
        http.get().uri("/api/v1/jobs/" + looseJob + "/artifact").retrieve().body(byte[].class);
    long strictKept = keptWeights(strict);
    long looseKept = keptWeights(loose);
    assertThat(strictKept).isLessThan(looseKept);
    assertThat(strictKept)
        .isLessThanOrEqualTo(weightPips.stream().filter(p -> p > strictThreshold).count());
    assertThat(strictOnnx.length).isLessThan(looseOnnx.length);
    assertThat(((Map<?, ?>) strict.get("artifact")).get("sizeBytes")).isEqualTo(strictOnnx.length);
    assertThat(((Map<?, ?>) loose.get("artifact")).get("sizeBytes")).isEqualTo(looseOnnx.length);
    assertThat(((Map<?, ?>) ((Map<?, ?>) strict.get("pruning")).get("rule")).get("threshold"))
        .isEqualTo(strictThreshold);
    assertThat(strict.get("kind")).isEqualTo("reprune");
    assertThat(strict.get("sourceJobId")).isEqualTo(jobId);
    assertThat(phaseNames(strict))
        .as("a re-pruning reads the posterior instead of training")
        .containsExactly(
            "readModel",
            "readDataset",
            "split",
            "readPosterior",
            "pathSearch",
            "nodePips",
            "finalScoring",
            "magnitudeBaseline",
            "modelAverage",
            "latency",
            "writeOnnx");
    assertThat(((Map<?, ?>) strict.get("scores")).get("magnitudeBaseline"))
        .as("a re-pruning is compared with magnitude pruning as a compression is")
        .isNotNull();
    assertThat((List<?>) loose.get("warnings"))
        .anySatisfy(w -> assertThat((String) w).startsWith("Re-pruned without fine-tuning"));
    assertThat(report(http, jobId))
        .as("re-pruning leaves the job it re-prunes as it was")
        .isEqualTo(report);

    String events =
        http.get()
            .uri("/api/v1/jobs/" + jobId + "/events")
            .accept(MediaType.TEXT_EVENT_STREAM)
            .retrieve()
            .body(String.class);
    assertThat(events).contains("event:job").contains("\"state\":\"SUCCEEDED\"");

    String metrics = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
    assertThat(metrics)
        .containsPattern("slabprune_jobs\\{[^}]*state=\"SUCCEEDED\"[^}]*\\} [1-9]")
        .contains("slabprune_queue_depth")
        .containsPattern("slabprune_job_duration_seconds_count\\{[^}]*outcome=\"finished\"")
        .containsPattern("slabprune_epoch_duration_seconds_count\\{[^}]*\\} [1-9]")
        .containsPattern("slabprune_upload_bytes_total\\{[^}]*kind=\"model\"[^}]*\\} [1-9]");
  }

  @Test
  void aRegressionModelIsCompressedAndPredictsInTheTargetsOwnUnits() throws Exception {
    DenseNetwork teacher = TeacherData.regressionTeacher();
    byte[] csv = TeacherData.regressionDataset(teacher);
    String modelId =
        upload(
            http,
            "/api/v1/models",
            "regressor.onnx",
            new OnnxModelWriter().write(teacher, TestOnnx.allInputs("x", "y", FEATURES, Map.of())));
    String datasetId = uploadDataset(http, "regression.csv", csv, "regression");
    String jobId = queueShort(modelId, datasetId, 3);
    assertThat(awaitEnd(http, jobId)).isEqualTo("SUCCEEDED");

    Map<?, ?> report = report(http, jobId);
    Map<?, ?> scores = (Map<?, ?>) report.get("scores");
    double statedRmse = ((Number) ((Map<?, ?>) scores.get("pruned")).get("rmse")).doubleValue();
    double uploadedRmse = ((Number) ((Map<?, ?>) scores.get("uploaded")).get("rmse")).doubleValue();
    byte[] pruned =
        http.get().uri("/api/v1/jobs/" + jobId + "/artifact").retrieve().body(byte[].class);
    ParsedDataset parsed =
        new CsvDatasetReader()
            .read(
                new ByteArrayInputStream(csv),
                CsvOptions.DETECT.withTask(dev.slabprune.dataset.format.Task.REGRESSION));
    Splits splits = Splits.of(parsed, 0.1, 0.2, 3);
    double[] predictions =
        OnnxRuntimeRunner.run(pruned, splits.test().features(), splits.test().rows(), FEATURES);
    double squares = 0;
    for (int r = 0; r < splits.test().rows(); r++) {
      double error = predictions[r] - splits.test().targets()[r];
      squares += error * error;
    }
    double measured = Math.sqrt(squares / splits.test().rows());

    assertThat(uploadedRmse).as("the uploaded teacher fits its own data").isLessThan(1.0);
    assertThat(measured)
        .isCloseTo(statedRmse, org.assertj.core.data.Offset.offset(1e-3 * statedRmse));
    assertThat(measured).as("predictions are in the target's units (sd about 20)").isLessThan(10.0);
  }

  @Test
  void aQueuedJobIsCancelledAtOnceAndARunningOneWithinSeconds() throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    String modelId =
        upload(
            http,
            "/api/v1/models",
            "teacher.onnx",
            new OnnxModelWriter()
                .write(teacher, TestOnnx.allInputs("x", "logits", FEATURES, Map.of())));
    String datasetId = upload(http, "/api/v1/datasets", "data.csv", TeacherData.dataset(teacher));
    Map<String, Object> longJob =
        Map.of("modelId", modelId, "datasetId", datasetId, "settings", Map.of("epochs", 1000));
    String running = queue(longJob);
    await().atMost(Duration.ofSeconds(60)).until(() -> state(http, running).equals("RUNNING"));
    String queued = queue(longJob);

    Map<?, ?> cancelledQueued =
        http.post().uri("/api/v1/jobs/" + queued + "/cancel").retrieve().body(Map.class);
    assertThat(cancelledQueued.get("state")).isEqualTo("CANCELLED");
    assertThat(cancelledQueued.get("attempts")).isEqualTo(0);

    Map<?, ?> asked =
        http.post().uri("/api/v1/jobs/" + running + "/cancel").retrieve().body(Map.class);
    assertThat(asked.get("cancelRequested")).isEqualTo(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(http, running).equals("CANCELLED"));
    ResponseEntity<String> noReport =
        http.get()
            .uri("/api/v1/jobs/" + running + "/report")
            .retrieve()
            .onStatus(status -> true, (request, response) -> {})
            .toEntity(String.class);
    assertThat(noReport.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(noReport.getBody()).contains("/problems/job-not-finished");
  }

  @Test
  void aJobThatCannotWorkIsRefusedWithEveryReason() throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    String modelId =
        upload(
            http,
            "/api/v1/models",
            "teacher.onnx",
            new OnnxModelWriter()
                .write(teacher, TestOnnx.allInputs("x", "logits", FEATURES, Map.of())));
    String narrow =
        upload(
            http,
            "/api/v1/datasets",
            "narrow.csv",
            "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n".getBytes(StandardCharsets.UTF_8));

    ResponseEntity<String> refused =
        post(
            http,
            "/api/v1/jobs",
            Map.of(
                "modelId",
                modelId,
                "datasetId",
                narrow,
                "settings",
                Map.of("epochs", -1, "threshold", 2.0, "priorInclusion", "often")));

    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(refused.getBody())
        .contains("/problems/invalid-job")
        .contains("settings.epochs")
        .contains("settings.threshold")
        .contains("settings.priorInclusion")
        .contains("2 features but the model takes 6 inputs")
        .contains("2 classes but the model has 3 outputs");

    ResponseEntity<String> unknown =
        post(
            http,
            "/api/v1/jobs",
            Map.of("modelId", java.util.UUID.randomUUID().toString(), "datasetId", narrow));
    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(unknown.getBody()).contains("/problems/not-found");
  }

  @Test
  void anUploadOverTheLimitIsRefusedNamingTheLimit() {
    MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
    form.add("file", file("big.onnx", new byte[300 * 1024]));
    ResponseEntity<String> response =
        http.post()
            .uri("/api/v1/models")
            .contentType(MediaType.MULTIPART_FORM_DATA)
            .body(form)
            .retrieve()
            .onStatus(status -> true, (request, r) -> {})
            .toEntity(String.class);

    assertThat(response.getStatusCode().value()).isEqualTo(413);
    assertThat(response.getBody())
        .contains("/problems/payload-too-large")
        .contains("spring.servlet.multipart.max-file-size");
  }

  /** Queues a job of 4 epochs and returns its id. */
  private String queueShort(String modelId, String datasetId, int seed) {
    return queue(
        Map.of(
            "modelId",
            modelId,
            "datasetId",
            datasetId,
            "seed",
            seed,
            "settings",
            Map.of("epochs", 4, "fineTuneEpochs", 1, "evaluationSamples", 5)));
  }

  /** Queues a job and returns its id. */
  private String queue(Map<String, Object> body) {
    return (String) createJob(http, body).get("id");
  }

  /** Queues a re-pruning and returns the new job's id. */
  private String reprune(String jobId, Map<String, Object> rule) {
    Map<?, ?> queued = ServiceCalls.reprune(http, jobId, rule);
    assertThat(queued.get("kind")).isEqualTo("reprune");
    assertThat(queued.get("sourceJobId")).isEqualTo(jobId);
    return (String) queued.get("id");
  }

  /** A value strictly between the sorted values around {@code index}. */
  private static double between(List<Double> sorted, int index) {
    for (int i = Math.max(1, index); i < sorted.size(); i++) {
      if (sorted.get(i - 1) < sorted.get(i)) {
        return (sorted.get(i - 1) + sorted.get(i)) / 2;
      }
    }
    throw new AssertionError("the inclusion probabilities are all equal: " + sorted);
  }

  private static List<Double> npyDoubles(byte[] npy) {
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.wrap(npy).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int headerLength = buffer.getShort(8) & 0xffff;
    buffer.position(10 + headerLength);
    List<Double> values = new java.util.ArrayList<>();
    while (buffer.remaining() >= 8) {
      values.add(buffer.getDouble());
    }
    return values;
  }

  private static long keptWeights(Map<?, ?> report) {
    return ((Number) ((Map<?, ?>) report.get("pruning")).get("keptWeights")).longValue();
  }

  private static int argmax(double[] values, int from, int count) {
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (values[from + i] > values[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
