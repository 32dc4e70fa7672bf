package dev.slabprune.job;

import static dev.slabprune.support.ServiceCalls.awaitEnd;
import static dev.slabprune.support.ServiceCalls.createJob;
import static dev.slabprune.support.ServiceCalls.job;
import static dev.slabprune.support.ServiceCalls.phaseNames;
import static dev.slabprune.support.ServiceCalls.post;
import static dev.slabprune.support.ServiceCalls.report;
import static dev.slabprune.support.ServiceCalls.reprune;
import static dev.slabprune.support.ServiceCalls.upload;
import static dev.slabprune.support.ServiceCalls.uploadDataset;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.job.run.Splits;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.OnnxRuntimeRunner;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import dev.slabprune.support.WorkerHttpTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * A job given a held-out dataset, over HTTP with the worker pool running: every row of the dataset
 * trains, the held-out rows are the validation and test splits, and the budget is measured against
 * the upload's own score on them.
 */
class HeldOutJobTest extends WorkerHttpTest {

  private static final int FEATURES = TeacherData.FEATURES;
  private static final int CLASSES = TeacherData.CLASSES;

  @Test
  void heldOutRowsAreTheValidationAndTestSplitsAndTheUploadsOwnScoreIsTheReference()
      throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    byte[] csv = TeacherData.dataset(teacher);
    // rows of two of the three classes only: their labels map to the dataset's by name
    byte[] heldOutCsv = TeacherData.heldOutDataset(teacher, 240, 23, Set.of(1, 2));
    String modelId = upload(http, "/api/v1/models", "teacher.onnx", onnx(teacher));
    String datasetId = upload(http, "/api/v1/datasets", "data.csv", csv);
    String heldOutId = upload(http, "/api/v1/datasets", "held-out.csv", heldOutCsv);
    Map<?, ?> heldOutDataset =
        http.get().uri("/api/v1/datasets/" + heldOutId).retrieve().body(Map.class);
    String heldOutSha =
        (String) ((Map<?, ?>) ((List<?>) heldOutDataset.get("files")).get(0)).get("sha256");

    Map<?, ?> created =
        createJob(
            http,
            Map.of(
                "modelId",
                modelId,
                "datasetId",
                datasetId,
                "heldOutDatasetId",
                heldOutId,
                "seed",
                7,
                "settings",
                Map.of("epochs", 4, "fineTuneEpochs", 1, "evaluationSamples", 5)));
    String jobId = (String) created.get("id");
    assertThat(created.get("heldOutDatasetId")).isEqualTo(heldOutId);
    Map<?, ?> parameters = (Map<?, ?>) created.get("parameters");
    assertThat(parameters.get("validationFraction")).isEqualTo(0.5);
    assertThat(parameters.get("testFraction")).isEqualTo(0.5);
    assertThat((List<?>) parameters.get("heldOutDatasetFiles"))
        .singleElement()
        .satisfies(f -> assertThat(((Map<?, ?>) f).get("sha256")).isEqualTo(heldOutSha));

    ResponseEntity<String> inUse =
        http.delete()
            .uri("/api/v1/datasets/" + heldOutId)
            .retrieve()
            .onStatus(status -> true, (request, response) -> {})
            .toEntity(String.class);
    assertThat(inUse.getStatusCode())
        .as("a held-out dataset is in use while its job is queued or running")
        .isEqualTo(HttpStatus.CONFLICT);

    assertThat(awaitEnd(http, jobId)).isEqualTo("SUCCEEDED");
    Map<?, ?> report = report(http, jobId);
    Map<?, ?> provenance = (Map<?, ?>) report.get("provenance");
    assertThat(provenance.get("splits"))
        .isEqualTo(
            Map.of(
                "validationFraction",
                0.5,
                "testFraction",
                0.5,
                "trainRows",
                TeacherData.ROWS,
                "validationRows",
                120,
                "testRows",
                120,
                "heldOut",
                true));
    assertThat((List<?>) provenance.get("heldOutDatasetFiles"))
        .singleElement()
        .satisfies(f -> assertThat(((Map<?, ?>) f).get("sha256")).isEqualTo(heldOutSha));
    assertThat(phaseNames(report)).contains("readHeldOutDataset");
    Map<?, ?> budget = (Map<?, ?>) report.get("budget");
    assertThat(budget.get("referenceSource")).isEqualTo("upload-held-out");
    assertThat(budget.get("reference")).isEqualTo(budget.get("uploadScore"));
    assertThat(budget.get("confirmationRows")).isEqualTo(120);
    assertThat((List<?>) report.get("warnings"))
        .noneSatisfy(w -> assertThat((String) w).contains("held-out dataset has"))
        .anySatisfy(
            w ->
                assertThat((String) w)
                    .contains("No held-out row holds class 'class0'")
                    .contains("heldOutDatasetId"));

    // the report's test scores are those of the held-out test half, labels mapped by name
    ParsedDataset data = parse(csv);
    ParsedDataset held = parse(heldOutCsv);
    assertThat(held.classes()).containsExactly("class1", "class2");
    Splits splits = Splits.heldOut(data, held, 7);
    byte[] pruned =
        http.get().uri("/api/v1/jobs/" + jobId + "/artifact").retrieve().body(byte[].class);
    double stated =
        ((Number) ((Map<?, ?>) ((Map<?, ?>) report.get("scores")).get("pruned")).get("accuracy"))
            .doubleValue();
    assertThat(accuracy(pruned, splits)).isCloseTo(stated, offset(1e-9));
    double statedUpload =
        ((Number) ((Map<?, ?>) ((Map<?, ?>) report.get("scores")).get("uploaded")).get("accuracy"))
            .doubleValue();
    assertThat(accuracy(onnx(teacher), splits)).isCloseTo(statedUpload, offset(1e-9));

    // a re-pruning rebuilds the same splits from the same rows
    Map<?, ?> queued = reprune(http, jobId, Map.of("maxAccuracyDrop", 0.05));
    String repruning = (String) queued.get("id");
    assertThat(queued.get("heldOutDatasetId")).isEqualTo(heldOutId);
    assertThat(awaitEnd(http, repruning)).isEqualTo("SUCCEEDED");
    Map<?, ?> repruned = report(http, repruning);
    Map<?, ?> reprunedProvenance = (Map<?, ?>) repruned.get("provenance");
    assertThat(reprunedProvenance.get("splits")).isEqualTo(provenance.get("splits"));
    assertThat(reprunedProvenance.get("heldOutDatasetFiles"))
        .isEqualTo(provenance.get("heldOutDatasetFiles"));
    assertThat(reprunedProvenance.get("trainSha256")).isEqualTo(provenance.get("trainSha256"));
    assertThat(((Map<?, ?>) repruned.get("scores")).get("uploaded"))
        .isEqualTo(((Map<?, ?>) report.get("scores")).get("uploaded"));
    assertThat(((Map<?, ?>) repruned.get("budget")).get("referenceSource"))
        .isEqualTo("upload-held-out");

    // once the held-out dataset is deleted, the job's splits cannot be rebuilt
    assertThat(
            http.delete()
                .uri("/api/v1/datasets/" + heldOutId)
                .retrieve()
                .toBodilessEntity()
                .getStatusCode())
        .isEqualTo(HttpStatus.NO_CONTENT);
    assertThat(job(http, jobId).get("heldOutDatasetId")).isNull();
    ResponseEntity<String> refused =
        post(http, "/api/v1/jobs/" + jobId + "/reprune", Map.of("maxAccuracyDrop", 0.05));
    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(refused.getBody()).contains("/problems/job-input-deleted").contains("held-out");
  }

  @Test
  void aHeldOutDatasetThatCannotServeIsRefusedNamingTheField() throws Exception {
    DenseNetwork teacher = TeacherData.teacher();
    byte[] csv = TeacherData.dataset(teacher);
    String modelId = upload(http, "/api/v1/models", "teacher.onnx", onnx(teacher));
    String datasetId = upload(http, "/api/v1/datasets", "data.csv", csv);
    String header = "f0,f1,f2,f3,f4,f5,label\n";

    ResponseEntity<String> unknown = create(modelId, datasetId, UUID.randomUUID().toString());
    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(unknown.getBody()).contains("/problems/not-found").contains("heldOutDatasetId");

    String narrow = csv("narrow.csv", "a,b,label\n1,2,class0\n3,4,class1\n");
    assertRefused(create(modelId, datasetId, narrow), "has 2 features but datasetId has 6");

    String renamed =
        csv("renamed.csv", "f5,f4,f3,f2,f1,f0,label\n1,2,3,4,5,6,class0\n1,2,3,4,5,6,class1\n");
    assertRefused(create(modelId, datasetId, renamed), "the columns must be the same");

    String regression =
        uploadDataset(
            http,
            "regression.csv",
            (header.replace("label", "y") + "1,2,3,4,5,6,7\n" + "2,3,4,5,6,7,8\n")
                .getBytes(StandardCharsets.UTF_8),
            "regression");
    assertRefused(create(modelId, datasetId, regression), "is a regression task");

    String otherClass = csv("other.csv", header + "1,2,3,4,5,6,class0\n1,2,3,4,5,6,class7\n");
    assertRefused(create(modelId, datasetId, otherClass), "[class7]");

    String oneRow = csv("one.csv", header + "1,2,3,4,5,6,class0\n");
    assertRefused(create(modelId, datasetId, oneRow), "has 1 row(s)");

    assertRefused(create(modelId, datasetId, datasetId), "is datasetId itself");
    String copy = upload(http, "/api/v1/datasets", "copy.csv", csv);
    assertRefused(create(modelId, datasetId, copy), "holds the same files");

    String fine =
        upload(
            http,
            "/api/v1/datasets",
            "fine.csv",
            TeacherData.heldOutDataset(teacher, 10, 3, Set.of(0, 1, 2)));
    Map<String, Object> withFractions = new HashMap<>(body(modelId, datasetId, fine));
    withFractions.put("validationFraction", 0.2);
    ResponseEntity<String> fractions = post(http, "/api/v1/jobs", withFractions);
    assertThat(fractions.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(fractions.getBody())
        .contains("/problems/invalid-job")
        .contains("\"location\":\"validationFraction\"")
        .contains("cannot be given with heldOutDatasetId");
  }

  private static void assertRefused(ResponseEntity<String> response, String message) {
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody())
        .contains("/problems/invalid-job")
        .contains("\"location\":\"heldOutDatasetId\"")
        .contains(message);
  }

  /** Uploads {@code text} as a classification dataset; its id. */
  private String csv(String fileName, String text) {
    return upload(http, "/api/v1/datasets", fileName, text.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, Object> body(String modelId, String datasetId, String heldOutId) {
    return Map.of(
        "modelId", modelId, "datasetId", datasetId, "heldOutDatasetId", heldOutId, "seed", 1);
  }

  private ResponseEntity<String> create(String modelId, String datasetId, String heldOutId) {
    return post(http, "/api/v1/jobs", body(modelId, datasetId, heldOutId));
  }

  private static byte[] onnx(DenseNetwork teacher) {
    return new OnnxModelWriter()
        .write(teacher, TestOnnx.allInputs("x", "logits", FEATURES, Map.of()));
  }

  private static ParsedDataset parse(byte[] csv) {
    return new CsvDatasetReader()
        .read(new ByteArrayInputStream(csv), CsvOptions.DETECT.withTask(null));
  }

  private static double accuracy(byte[] onnx, Splits splits) throws Exception {
    double[] outputs =
        OnnxRuntimeRunner.run(onnx, splits.test().features(), splits.test().rows(), FEATURES);
    int correct = 0;
    for (int r = 0; r < splits.test().rows(); r++) {
      int best = 0;
      for (int c = 1; c < CLASSES; c++) {
        if (outputs[r * CLASSES + c] > outputs[r * CLASSES + best]) {
          best = c;
        }
      }
      if (best == splits.test().labels()[r]) {
        correct++;
      }
    }
    return (double) correct / splits.test().rows();
  }
}
