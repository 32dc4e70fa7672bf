package dev.slabprune.bench;

import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.NpyDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.support.NamedArgs;
import dev.slabprune.support.OnnxRuntimeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark suite across regimes, run against a service over HTTP as a user would: for each
 * case folder made by {@code bench/suite/make_uploads.py} it uploads the model and its training
 * data, starts a job with the default settings, waits for it, downloads the delivered ONNX model
 * and scores it and the upload on the held-out test rows in ONNX Runtime. One JSON line per case
 * and seed on stdout, then a summary line with the bars of the issue (median over the seeds);
 * progress goes to stderr.
 *
 * <p>With the environment variable {@code HELD_OUT=1}, half of each case's test rows (the even
 * ones: test files of tables made from sorted data are sorted by class, so a first half may lack
 * classes) is uploaded as the job's held-out dataset (its validation and test splits; every
 * uploaded row trains) and the delivered network and the upload are scored on the other half (the
 * odd rows): what honest rows change. Such lines carry {@code held_out_rows} and {@code
 * scored_rows}; lines without it score that half too ({@code uploaded_second_half}, {@code
 * pruned_second_half}).
 *
 * <pre>
 * java -cp ... dev.slabprune.bench.Suite baseUrl=http://127.0.0.1:8183 \
 *     dir=bench/.cache/suite cases=wine,digits seeds=1,2,3
 * </pre>
 */
public final class Suite {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration POLL = Duration.ofSeconds(2);

  private final ServiceClient service;
  private final Duration timeout;

  private Suite(String base, Duration timeout) {
    this.service = new ServiceClient(base, "suite");
    this.timeout = timeout;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = NamedArgs.parse(args);
    Path dir = Path.of(opts.getOrDefault("dir", "bench/.cache/suite"));
    if (opts.containsKey("score")) {
      // scores the ONNX files named in score= of one case folder (dir=) on its held-out rows
      JsonNode c = JSON.readTree(dir.resolve("case.json").toFile());
      ParsedDataset test = readTest(dir, c, c.get("kind").asString().equals("classification"));
      for (String file : opts.get("score").split(",")) {
        System.out.println(
            file + " " + score(Files.readAllBytes(dir.resolve(file)), test, binaryCut(c)));
      }
      return;
    }
    List<String> cases = Arrays.asList(opts.get("cases").split(","));
    List<String> seeds = Arrays.asList(opts.getOrDefault("seeds", "1,2,3").split(","));
    Suite suite =
        new Suite(
            opts.getOrDefault("baseUrl", "http://127.0.0.1:8183"),
            Duration.ofMinutes(Long.parseLong(opts.getOrDefault("timeoutMinutes", "120"))));
    List<ObjectNode> lines = new ArrayList<>();
    // seeds outermost: a cut-short run still has every case once
    for (String seed : seeds) {
      for (String name : cases) {
        Path folder = dir.resolve(name + "-s" + seed);
        if (!Files.isRegularFile(folder.resolve("case.json"))) {
          log("skipping " + folder + ": no case.json (run bench/suite/make_uploads.py)");
          continue;
        }
        ObjectNode line;
        try {
          line = suite.run(folder);
        } catch (Exception e) {
          line = JSON.createObjectNode();
          line.put("case", name);
          line.put("seed", Integer.parseInt(seed));
          line.put("error", String.valueOf(e));
        }
        System.out.println(JSON.writeValueAsString(line));
        System.out.flush();
        lines.add(line);
      }
    }
    System.out.println(JSON.writeValueAsString(SuiteSummary.summarise(lines)));
  }

  /**
   * Job settings other than the defaults, from the environment variable {@code SETTINGS} (a JSON
   * object; for experiments, named in each line): the suite's figures are those without it.
   */
  private final ObjectNode settings = settingsFromEnvironment();

  /** Whether jobs are given half of the test rows (the even ones) as their held-out dataset. */
  private final boolean heldOut = "1".equals(System.getenv("HELD_OUT"));

  private static ObjectNode settingsFromEnvironment() {
    String text = System.getenv("SETTINGS");
    if (text == null || text.isBlank()) {
      return JSON.createObjectNode();
    }
    if (!(JSON.readTree(text) instanceof ObjectNode object)) {
      throw new IllegalArgumentException("SETTINGS must be a JSON object, was " + text);
    }
    return object;
  }

  private ObjectNode run(Path folder) throws Exception {
    JsonNode c = JSON.readTree(folder.resolve("case.json").toFile());
    String name = c.get("case").asString();
    int seed = c.get("seed").asInt();
    boolean classification = c.get("kind").asString().equals("classification");
    log(name + " seed " + seed + ": uploading");

    JsonNode model =
        service.postMultipart(
            "/api/v1/models", Map.of(), Map.of("file", folder.resolve("model.onnx")));
    Map<String, Path> parts = new LinkedHashMap<>();
    c.get("upload")
        .properties()
        .forEach(e -> parts.put(e.getKey(), folder.resolve(e.getValue().asString())));
    JsonNode dataset =
        service.postMultipart(
            "/api/v1/datasets",
            Map.of("format", c.get("format").asString(), "task", c.get("kind").asString()),
            parts);

    ParsedDataset test = readTest(folder, c, classification);
    String heldOutId = null;
    int heldOutRows = 0;
    if (heldOut) {
      Path csv = folder.resolve("held-out.csv");
      Files.writeString(csv, csv(test, 0));
      heldOutRows = (test.rows() + 1) / 2;
      heldOutId =
          service
              .postMultipart(
                  "/api/v1/datasets",
                  Map.of("format", "csv", "task", c.get("kind").asString()),
                  Map.of("file", csv))
              .get("id")
              .asString();
      test = rows(test, 1);
    }
    JsonNode job =
        service.startJob(
            model.get("id").asString(),
            dataset.get("id").asString(),
            heldOutId,
            seed,
            settings.deepCopy());
    String id = job.get("id").asString();
    Instant submitted = Instant.now();
    log(name + " seed " + seed + ": job " + id);
    job =
        service.awaitJob(
            job,
            submitted,
            timeout,
            POLL,
            j -> String.valueOf(j.get("progress")),
            m -> log(name + " seed " + seed + ": " + m));
    String state = job.get("state").asString();
    double wallSeconds = Duration.between(submitted, Instant.now()).toMillis() / 1000.0;

    ObjectNode line = JSON.createObjectNode();
    line.put("case", name);
    line.put("seed", seed);
    line.put("kind", c.get("kind").asString());
    line.put("rows", c.get("rows_upload").asInt());
    line.set("architecture", c.get("architecture"));
    line.put("job", id);
    if (!settings.isEmpty()) {
      line.set("settings", settings);
    }
    if (heldOut) {
      line.put("held_out_rows", heldOutRows);
      line.put("scored_rows", test.rows());
    }
    line.put("state", state.toUpperCase());
    SuiteSummary.put(
        line, "job_seconds", ServiceClient.seconds(job.get("startedAt"), job.get("finishedAt")));
    line.put("wall_seconds", wallSeconds);
    if (!state.equalsIgnoreCase("SUCCEEDED")) {
      line.set("failure", job.get("failure"));
      return line;
    }
    JsonNode report = service.getJson("/api/v1/jobs/" + id + "/report");
    byte[] pruned = service.getBytes("/api/v1/jobs/" + id + "/artifact");
    Files.write(folder.resolve("pruned.onnx"), pruned);
    Files.writeString(folder.resolve("report.json"), JSON.writeValueAsString(report));

    byte[] uploaded = Files.readAllBytes(folder.resolve("model.onnx"));
    String metric = classification ? "accuracy" : "rmse";
    line.put("metric", metric);
    double cut = binaryCut(c);
    line.put("uploaded", score(uploaded, test, cut));
    line.put("pruned", score(pruned, test, cut));
    if (!heldOut) {
      // the rows a HELD_OUT=1 run scores on, so that the two runs compare on the same rows
      ParsedDataset second = rows(test, 1);
      line.put("uploaded_second_half", score(uploaded, second, cut));
      line.put("pruned_second_half", score(pruned, second, cut));
    }
    line.put("uploaded_training_run", c.get("upload_test_score").get(metric).asDouble());
    JsonNode scores = report.get("scores");
    ObjectNode split = JSON.createObjectNode();
    for (String key :
        List.of(
            "uploaded", "prunedBeforeFineTuning", "pruned", "modelAverage", "magnitudeBaseline")) {
      JsonNode s = scores.get(key);
      split.set(key, s == null || s.isNull() ? null : s.get(metric));
    }
    line.set("report_test_split", split);
    JsonNode pruning = report.get("pruning");
    line.put("weights_kept", pruning.get("keptWeights").asLong());
    line.put("weights_total", pruning.get("totalWeights").asLong());
    line.put("density", pruning.get("weightDensity").asDouble());
    line.set("nodes", pruning.get("survivingArchitecture"));
    line.set("nodes_uploaded", pruning.get("originalArchitecture"));
    ArrayNode perLayer = JSON.createArrayNode();
    for (JsonNode layer : pruning.get("layers")) {
      perLayer.add(layer.get("weightsKept").asLong());
    }
    line.set("weights_per_layer", perLayer);
    int inputs = pruning.get("totalInputs").asInt();
    TreeSet<Integer> kept = new TreeSet<>();
    for (int i = 0; i < inputs; i++) {
      kept.add(i);
    }
    for (JsonNode d : pruning.get("droppedInputs")) {
      kept.remove(d.asInt());
    }
    line.put("inputs_kept", kept.size());
    JsonNode informative = c.get("informative_inputs");
    if (informative != null && !informative.isNull()) {
      ArrayNode keptList = JSON.createArrayNode();
      kept.forEach(keptList::add);
      line.set("inputs_kept_list", keptList);
      TreeSet<Integer> truth = new TreeSet<>();
      informative.forEach(i -> truth.add(i.asInt()));
      line.put("inputs_exact", kept.equals(truth));
    }
    JsonNode size = report.get("size");
    line.set("latency_ratio", size.get("measuredSpeedup"));
    line.set("uploaded_latency_us", size.get("uploadedLatencyMicros"));
    line.set("pruned_latency_us", size.get("prunedLatencyMicros"));
    line.set("onnx_size_ratio", report.get("artifact").get("sizeRatio"));
    line.put("epochs", report.get("history").size());
    JsonNode budget = report.get("budget");
    line.set("budget_met", budget == null || budget.isNull() ? null : budget.get("met"));
    line.set(
        "reference_source",
        budget == null || budget.isNull() ? null : budget.get("referenceSource"));
    line.put("warnings", report.get("warnings").size());
    return line;
  }

  private static ParsedDataset readTest(Path folder, JsonNode c, boolean classification) {
    JsonNode t = c.get("test");
    if (c.get("format").asString().equals("idx")) {
      return new IdxDatasetReader()
          .read(
              folder.resolve(t.get("images").asString()),
              folder.resolve(t.get("labels").asString()));
    }
    return new NpyDatasetReader()
        .readNpz(
            folder.resolve(t.get("file").asString()),
            classification ? Task.CLASSIFICATION : Task.REGRESSION);
  }

  /**
   * The rows whose index has this parity (0: even, 1: odd) as a headerless CSV, features then the
   * class label (as the dataset names it) or the target in its own units.
   */
  static String csv(ParsedDataset data, int parity) {
    float[] x = data.x();
    StringBuilder out = new StringBuilder();
    for (int r = parity; r < data.rows(); r += 2) {
      for (int f = 0; f < data.features(); f++) {
        out.append(x[r * data.features() + f]).append(',');
      }
      out.append(
              data.task() == Task.CLASSIFICATION
                  ? data.classes().get(data.labels()[r])
                  : Double.toString(data.unstandardise(data.targets()[r])))
          .append('\n');
    }
    return out.toString();
  }

  /** The rows whose index has this parity (0: even, 1: odd), as a dataset of their own. */
  static ParsedDataset rows(ParsedDataset data, int parity) {
    int features = data.features();
    int n = (data.rows() - parity + 1) / 2;
    float[] x = new float[n * features];
    boolean classification = data.task() == Task.CLASSIFICATION;
    int[] labels = classification ? new int[n] : null;
    float[] targets = classification ? null : new float[n];
    for (int i = 0, r = parity; r < data.rows(); i++, r += 2) {
      System.arraycopy(data.x(), r * features, x, i * features, features);
      if (classification) {
        labels[i] = data.labels()[r];
      } else {
        targets[i] = data.targets()[r];
      }
    }
    return new ParsedDataset(
        n,
        features,
        x,
        null,
        null,
        data.featureNames(),
        data.task(),
        labels,
        data.classes(),
        targets,
        data.targetMean(),
        data.targetSd());
  }

  /**
   * Accuracy (classification) or RMSE in the target's units (regression) in ONNX Runtime. A binary
   * classifier with one output predicts the second class where its output is above {@code cut}: 0
   * for a logit, 0.5 for the sigmoid of one.
   */
  static double score(byte[] onnx, ParsedDataset test, double cut) {
    double[] out = OnnxRuntimeRunner.run(onnx, test.x(), test.rows(), test.features());
    int width = out.length / test.rows();
    if (test.task() == Task.CLASSIFICATION) {
      int correct = 0;
      for (int r = 0; r < test.rows(); r++) {
        if (width == 1) {
          correct += (out[r] > cut ? 1 : 0) == test.labels()[r] ? 1 : 0;
          continue;
        }
        int best = 0;
        for (int k = 1; k < width; k++) {
          if (out[r * width + k] > out[r * width + best]) {
            best = k;
          }
        }
        if (best == Integer.parseInt(test.classes().get(test.labels()[r]))) {
          correct++;
        }
      }
      return (double) correct / test.rows();
    }
    double sum = 0;
    for (int r = 0; r < test.rows(); r++) {
      double d = out[r] - test.unstandardise(test.targets()[r]);
      sum += d * d;
    }
    return Math.sqrt(sum / test.rows());
  }

  /** Where a one-output binary classifier of case {@code c} changes class: its head's middle. */
  private static double binaryCut(JsonNode c) {
    return c.has("binary_head") && c.get("binary_head").asString().equals("sigmoid") ? 0.5 : 0;
  }

  private static void log(String message) {
    System.err.println("[suite] " + message);
  }
}
