package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.model.format.OnnxExportOptions;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.OnnxRuntimeRunner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/** The whole path a user takes, over HTTP, with the worker pool running. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "slabprune.worker.enabled=true",
      "slabprune.worker.poll-interval=100ms",
      "slabprune.worker.heartbeat-interval=200ms",
      "slabprune.worker.heartbeat-timeout=2s"
    })
@DirtiesContext
class JobFlowTest {

  private static final int FEATURES = 6;
  private static final int CLASSES = 3;
  private static final int ROWS = 600;

  @LocalServerPort int port;
  private RestClient http;

  @BeforeEach
  void client() {
    http = RestClient.create("http://127.0.0.1:" + port);
  }

  @Test
  void uploadCompressDownloadAndRunThePrunedModelAtTheAccuracyTheReportStates() throws Exception {
    DenseNetwork teacher = teacher();
    byte[] onnx =
        new OnnxModelWriter()
            .write(teacher, OnnxExportOptions.allInputs("x", "logits", FEATURES, Map.of()));
    byte[] csv = dataset(teacher);

    String modelId = upload("/api/v1/models", "file", "teacher.onnx", onnx);
    String datasetId = upload("/api/v1/datasets", "file", "data.csv", csv);
    ResponseEntity<Map> created =
        http.post()
            .uri("/api/v1/jobs")
            .contentType(MediaType.APPLICATION_JSON)
            .body(
                Map.of(
                    "modelId",
                    modelId,
                    "datasetId",
                    datasetId,
                    "seed",
                    7,
                    "settings",
                    Map.of("epochs", 4, "fineTuneEpochs", 1, "evaluationSamples", 5)))
            .retrieve()
            .toEntity(Map.class);
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(created.getHeaders().getLocation()).isNotNull();
    String jobId = (String) created.getBody().get("id");

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> terminal(state(jobId)));
    Map<?, ?> job = http.get().uri("/api/v1/jobs/" + jobId).retrieve().body(Map.class);
    assertThat(job.get("state")).as("job %s", job).isEqualTo("SUCCEEDED");
    assertThat(job.get("attempts")).isEqualTo(1);

    Map<?, ?> report =
        http.get().uri("/api/v1/jobs/" + jobId + "/report").retrieve().body(Map.class);
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
  }

  private boolean terminal(String state) {
    return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state);
  }

  private String state(String jobId) {
    return (String) http.get().uri("/api/v1/jobs/" + jobId).retrieve().body(Map.class).get("state");
  }

  private String upload(String path, String part, String fileName, byte[] content) {
    MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
    form.add(
        part,
        new ByteArrayResource(content) {
          @Override
          public String getFilename() {
            return fileName;
          }
        });
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

  /** A fixed random network that labels the data, so the uploaded model fits it. */
  static DenseNetwork teacher() {
    SplittableRandom random = new SplittableRandom(11);
    return new DenseNetwork(
        List.of(
            layer(random, FEATURES, 16, Activation.RELU),
            layer(random, 16, CLASSES, Activation.IDENTITY)),
        OutputKind.LOGITS);
  }

  private static DenseLayer layer(SplittableRandom random, int in, int out, Activation activation) {
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * Math.sqrt(2.0 / in));
    }
    float[] b = new float[out];
    for (int j = 0; j < out; j++) {
      b[j] = (float) (random.nextGaussian() * 0.1);
    }
    return new DenseLayer(in, out, w, b, activation);
  }

  /** Rows labelled by the teacher, as a CSV with a header and a string label column. */
  static byte[] dataset(DenseNetwork teacher) {
    SplittableRandom random = new SplittableRandom(5);
    float[] x = new float[ROWS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    double[] logits = teacher.forward(x, ROWS);
    StringBuilder csv = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
    }
    csv.append("label\n");
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        csv.append(x[r * FEATURES + f]).append(',');
      }
      csv.append("class").append(argmax(logits, r * CLASSES, CLASSES)).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
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
