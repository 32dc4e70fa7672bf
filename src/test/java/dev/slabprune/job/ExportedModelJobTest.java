package dev.slabprune.job;

import static dev.slabprune.support.ServiceCalls.awaitEnd;
import static dev.slabprune.support.ServiceCalls.createJob;
import static dev.slabprune.support.ServiceCalls.job;
import static dev.slabprune.support.ServiceCalls.post;
import static dev.slabprune.support.ServiceCalls.report;
import static dev.slabprune.support.ServiceCalls.upload;
import static dev.slabprune.support.ServiceCalls.uploadDataset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.job.run.Splits;
import dev.slabprune.model.format.OnnxModelReader;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.OnnxRuntimeRunner;
import dev.slabprune.support.ServiceCalls;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import dev.slabprune.support.WorkerHttpTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Models as users bring them, over HTTP: a binary classifier with one output, as PyTorch users
 * train them (the logit of the second class with a sigmoid cross-entropy, or a network that ends in
 * a Sigmoid), compressed and delivered with one output again; and a model given rows it was not
 * trained on, as given, refused at once.
 */
class ExportedModelJobTest extends WorkerHttpTest {

  private static final int FEATURES = 6;
  private static final int ROWS = 600;
  private static final double VALIDATION = 0.2;
  private static final double TEST = 0.2;

  @Test
  void aOneLogitClassifierIsCompressedAndDeliveredWithOneLogit() throws Exception {
    DenseNetwork teacher = teacher(Activation.IDENTITY);
    byte[] csv = dataset(teacher);
    String jobId = compress(teacher, csv, 5);

    Map<?, ?> report = report(http, jobId);
    double stated = pruned(report);
    byte[] artifact =
        http.get().uri("/api/v1/jobs/" + jobId + "/artifact").retrieve().body(byte[].class);
    DenseNetwork delivered = new OnnxModelReader().read(artifact).network();
    assertThat(delivered.outputs()).as("one output, as uploaded").isEqualTo(1);
    assertThat(delivered.layers().get(delivered.layers().size() - 1).activation())
        .isEqualTo(Activation.IDENTITY);

    Splits splits = splits(csv, 5);
    double[] logits =
        OnnxRuntimeRunner.run(artifact, splits.test().features(), splits.test().rows(), FEATURES);
    assertThat(logits).hasSize(splits.test().rows());
    assertThat(accuracy(logits, 0, splits))
        .as("the delivered logit, positive for class 1, scores what the report states")
        .isCloseTo(stated, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(uploaded(report)).as("the upload was read with the right class").isGreaterThan(0.9);
    assertThat(stated).isGreaterThan(uploaded(report) - 0.05);
    assertThat((List<?>) report.get("warnings"))
        .anySatisfy(w -> assertThat((String) w).contains("one output for two classes"));
  }

  @Test
  void aClassifierThatEndsInASigmoidIsDeliveredWithItsSigmoid() throws Exception {
    DenseNetwork teacher = teacher(Activation.SIGMOID);
    byte[] csv = dataset(teacher);
    String jobId = compress(teacher, csv, 6);

    double stated = pruned(report(http, jobId));
    byte[] artifact =
        http.get().uri("/api/v1/jobs/" + jobId + "/artifact").retrieve().body(byte[].class);
    DenseNetwork delivered = new OnnxModelReader().read(artifact).network();
    assertThat(delivered.outputs()).isEqualTo(1);
    assertThat(delivered.layers().get(delivered.layers().size() - 1).activation())
        .isEqualTo(Activation.SIGMOID);
    Splits splits = splits(csv, 6);
    double[] p =
        OnnxRuntimeRunner.run(artifact, splits.test().features(), splits.test().rows(), FEATURES);
    assertThat(java.util.Arrays.stream(p).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
    assertThat(java.util.Arrays.stream(p).max().orElseThrow()).isLessThanOrEqualTo(1.0);
    assertThat(accuracy(p, 0.5, splits))
        .isCloseTo(stated, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void
      zeroAndOneTargetsReadAsARegressionAreRefusedForAOneOutputModelNamingTheTaskAndAConfirmedRegressionIsHeldToItsFit() {
    DenseNetwork teacher = teacher(Activation.IDENTITY);
    byte[] csv = dataset(teacher);
    String modelId = model(teacher);
    // a numeric target is a regression unless the upload says otherwise
    String inferred = upload(http, "/api/v1/datasets", "labels.csv", csv);
    ResponseEntity<String> refused =
        post(http, "/api/v1/jobs", Map.of("modelId", modelId, "datasetId", inferred));
    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(refused.getBody())
        .contains("only the target values 0 and 1")
        .contains("task=CLASSIFICATION")
        .contains("task=REGRESSION");

    // said to be a regression, it is one: the job is queued, and fails at once, since the
    // model's logits predict 0 and 1 worse than their mean does
    String regression = uploadDataset(http, "labels.csv", csv, "regression");
    Map<?, ?> accepted =
        createJob(
            http,
            Map.of(
                "modelId",
                modelId,
                "datasetId",
                regression,
                "settings",
                Map.of("epochs", 1, "fineTuneEpochs", 1, "evaluationSamples", 2)));
    assertThat(awaitEnd(http, (String) accepted.get("id"))).isEqualTo("FAILED");
    assertThat(
            ((Map<?, ?>) ServiceCalls.job(http, (String) accepted.get("id")).get("failure"))
                .get("type"))
        .isEqualTo("/problems/upload-does-not-fit-dataset");
  }

  @Test
  void aOneOutputModelThatEndsInAnotherActivationIsRefusedForTwoClasses() {
    DenseNetwork tanh = teacher(Activation.TANH);
    String modelId = model(tanh);
    String datasetId =
        uploadDataset(http, "labels.csv", dataset(teacher(Activation.IDENTITY)), "classification");
    ResponseEntity<String> refused =
        post(http, "/api/v1/jobs", Map.of("modelId", modelId, "datasetId", datasetId));
    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(refused.getBody()).contains("one output ending in TANH").contains("Sigmoid");
  }

  @Test
  void aModelThatPredictsItsRowsNoBetterThanAConstantFailsAtOnceSayingWhatToCheck() {
    DenseNetwork teacher = TeacherData.teacher();
    String modelId =
        upload(
            http,
            "/api/v1/models",
            "teacher.onnx",
            new OnnxModelWriter()
                .write(teacher, TestOnnx.allInputs("x", "logits", FEATURES, Map.of())));
    // the labels renamed one class along: each row carries the name of another class
    String shifted =
        new String(TeacherData.dataset(teacher), StandardCharsets.UTF_8)
            .replace("class2\n", "classX\n")
            .replace("class1\n", "class2\n")
            .replace("class0\n", "class1\n")
            .replace("classX\n", "class0\n");
    String datasetId =
        upload(http, "/api/v1/datasets", "shifted.csv", shifted.getBytes(StandardCharsets.UTF_8));
    String jobId = queueShort(modelId, datasetId, 8);
    assertThat(awaitEnd(http, jobId)).isEqualTo("FAILED");
    Map<?, ?> failed = job(http, jobId);
    assertThat(failed.get("attempts")).as("not retried").isEqualTo(1);
    Map<?, ?> failure = (Map<?, ?>) failed.get("failure");
    assertThat(failure.get("type")).isEqualTo("/problems/upload-does-not-fit-dataset");
    assertThat(failure.get("status")).isEqualTo(422);
    assertThat((String) failure.get("detail"))
        .contains("balanced accuracy")
        .contains("class0, class1, class2");

    // a regression whose targets belong to other rows
    DenseNetwork regressor = TeacherData.regressionTeacher();
    String[] lines =
        new String(TeacherData.regressionDataset(regressor), StandardCharsets.UTF_8).split("\n");
    StringBuilder rotated = new StringBuilder(lines[0]).append('\n');
    for (int r = 1; r < lines.length; r++) {
      String row = lines[r];
      String other = lines[1 + r % (lines.length - 1)];
      rotated
          .append(row, 0, row.lastIndexOf(',') + 1)
          .append(other.substring(other.lastIndexOf(',') + 1))
          .append('\n');
    }
    String regressorId =
        upload(
            http,
            "/api/v1/models",
            "regressor.onnx",
            new OnnxModelWriter()
                .write(regressor, TestOnnx.allInputs("x", "y", FEATURES, Map.of())));
    String rotatedId =
        uploadDataset(
            http, "rotated.csv", rotated.toString().getBytes(StandardCharsets.UTF_8), "regression");
    String regressionJob = queueShort(regressorId, rotatedId, 9);
    assertThat(awaitEnd(http, regressionJob)).isEqualTo("FAILED");
    assertThat((String) ((Map<?, ?>) job(http, regressionJob).get("failure")).get("detail"))
        .contains("predicting the rows' mean everywhere");
  }

  private String queueShort(String modelId, String datasetId, int seed) {
    return (String)
        createJob(
                http,
                Map.of(
                    "modelId",
                    modelId,
                    "datasetId",
                    datasetId,
                    "seed",
                    seed,
                    "settings",
                    Map.of("epochs", 4, "fineTuneEpochs", 1, "evaluationSamples", 5)))
            .get("id");
  }

  private String compress(DenseNetwork teacher, byte[] csv, int seed) {
    String modelId = model(teacher);
    String datasetId = uploadDataset(http, "labels.csv", csv, "classification");
    String jobId =
        (String)
            createJob(
                    http,
                    Map.of(
                        "modelId",
                        modelId,
                        "datasetId",
                        datasetId,
                        "seed",
                        seed,
                        "validationFraction",
                        VALIDATION,
                        "testFraction",
                        TEST,
                        "settings",
                        Map.of("epochs", 6, "fineTuneEpochs", 1, "evaluationSamples", 5)))
                .get("id");
    assertThat(awaitEnd(http, jobId)).isEqualTo("SUCCEEDED");
    return jobId;
  }

  private String model(DenseNetwork teacher) {
    return upload(
        http,
        "/api/v1/models",
        "binary.onnx",
        new OnnxModelWriter().write(teacher, TestOnnx.allInputs("x", "y", FEATURES, Map.of())));
  }

  /** 6-16-1, tanh, ending in {@code last}: a logit (identity) or its sigmoid. */
  private static DenseNetwork teacher(Activation last) {
    SplittableRandom random = new SplittableRandom(23);
    float[] w1 = new float[FEATURES * 16];
    float[] b1 = new float[16];
    float[] w2 = new float[16];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = (float) (random.nextGaussian() / Math.sqrt(FEATURES));
    }
    for (int i = 0; i < w2.length; i++) {
      w2[i] = (float) (3 * random.nextGaussian() / 4);
    }
    return new DenseNetwork(
        List.of(
            new DenseLayer(FEATURES, 16, w1, b1, Activation.TANH),
            new DenseLayer(16, 1, w2, new float[] {0.1f}, last)),
        OutputKind.REGRESSION);
  }

  /** Rows labelled 0 or 1 by the sign of the teacher's logit, 3% of them flipped. */
  private static byte[] dataset(DenseNetwork teacher) {
    DenseNetwork logit = logitOf(teacher);
    SplittableRandom random = new SplittableRandom(29);
    float[] x = new float[ROWS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    double[] z = logit.forward(x, ROWS);
    StringBuilder csv = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
    }
    csv.append("label\n");
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        csv.append(x[r * FEATURES + f]).append(',');
      }
      boolean positive = z[r] > 0 ^ random.nextDouble() < 0.03;
      csv.append(positive ? 1 : 0).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static DenseNetwork logitOf(DenseNetwork net) {
    DenseLayer out = net.layers().get(1);
    return new DenseNetwork(
        List.of(
            net.layers().get(0),
            new DenseLayer(16, 1, out.weights(), out.bias(), Activation.IDENTITY)),
        OutputKind.REGRESSION);
  }

  private static Splits splits(byte[] csv, int seed) {
    ParsedDataset parsed =
        new CsvDatasetReader()
            .read(new ByteArrayInputStream(csv), CsvOptions.DETECT.withTask(Task.CLASSIFICATION));
    return Splits.of(parsed, VALIDATION, TEST, seed);
  }

  /** The share of the test rows whose output is above {@code cut} exactly when the label is 1. */
  private static double accuracy(double[] outputs, double cut, Splits splits) {
    int right = 0;
    for (int r = 0; r < outputs.length; r++) {
      int predicted = outputs[r] > cut ? 1 : 0;
      if (predicted == splits.test().labels()[r]) {
        right++;
      }
    }
    return (double) right / outputs.length;
  }

  private static double pruned(Map<?, ?> report) {
    return accuracyOf(report, "pruned");
  }

  private static double uploaded(Map<?, ?> report) {
    return accuracyOf(report, "uploaded");
  }

  private static double accuracyOf(Map<?, ?> report, String which) {
    Map<?, ?> scores = (Map<?, ?>) report.get("scores");
    return ((Number) ((Map<?, ?>) scores.get(which)).get("accuracy")).doubleValue();
  }
}
