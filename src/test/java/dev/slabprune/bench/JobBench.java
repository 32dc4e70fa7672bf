package dev.slabprune.bench;

import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.DenseUpload;
import dev.slabprune.engine.Examples;
import dev.slabprune.model.format.OnnxExportOptions;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.NamedArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One default MNIST job end to end over HTTP, as a user waits for it: uploads a LeNet-300-100 (784
 * -300-100-10, ReLU) trained here with the engine's dense trainer on the 60,000 training rows
 * (cached in {@code cache=}), uploads those rows as IDX, starts a job with the default settings,
 * polls it and prints one JSON line: the job's seconds (created to finished, started to finished),
 * every phase of its report, the epochs and steps it trained, what it delivered, and whether it
 * stayed within two minutes. Progress goes to stderr.
 *
 * <pre>
 * java -cp ... dev.slabprune.bench.JobBench baseUrl=http://127.0.0.1:8184 \
 *     data=bench/.cache/mnist/package/data cache=bench/.cache/job
 * </pre>
 */
public final class JobBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int[] LENET = {784, 300, 100, 10};

  /** The bar of the issue: a default full-MNIST job in at most this many seconds. */
  private static final double BAR_SECONDS = 120;

  private static final Duration POLL = Duration.ofSeconds(1);

  private final ServiceClient service;

  private JobBench(String base) {
    this.service = new ServiceClient(base, "jobbench");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = NamedArgs.parse(args);
    Path data = Path.of(opts.getOrDefault("data", "bench/.cache/mnist/package/data"));
    Path cache = Path.of(opts.getOrDefault("cache", "bench/.cache/job"));
    int uploadEpochs = Integer.parseInt(opts.getOrDefault("uploadEpochs", "5"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
    Duration timeout =
        Duration.ofMinutes(Long.parseLong(opts.getOrDefault("timeoutMinutes", "60")));
    JobBench bench = new JobBench(opts.getOrDefault("baseUrl", "http://127.0.0.1:8184"));
    System.out.println(
        JSON.writeValueAsString(bench.run(data, cache, uploadEpochs, seed, timeout)));
  }

  private ObjectNode run(Path data, Path cache, int uploadEpochs, long seed, Duration timeout)
      throws Exception {
    Path images = data.resolve("train-images-idx3-ubyte");
    Path labels = data.resolve("train-labels-idx1-ubyte");
    Files.createDirectories(cache);
    Path model = cache.resolve("lenet-300-100-e" + uploadEpochs + "-s" + seed + ".onnx");
    ObjectNode upload = JSON.createObjectNode();
    upload.put("file", model.toString());
    upload.put("epochs", uploadEpochs);
    if (!Files.isRegularFile(model)) {
      log("training the upload: LeNet-300-100, " + uploadEpochs + " dense epochs on 60,000 rows");
      long t0 = System.nanoTime();
      ParsedDataset train = new IdxDatasetReader().read(images, labels);
      Examples ex =
          Examples.classification(
              train.x(), train.rows(), train.features(), train.labels(), train.classes().size());
      DenseNetwork net = DenseUpload.classifier(ex, LENET, uploadEpochs, 64, 1e-3, seed);
      ParsedDataset test =
          new IdxDatasetReader()
              .read(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"));
      double accuracy =
          DenseUpload.accuracy(
              net,
              Examples.classification(
                  test.x(), test.rows(), test.features(), test.labels(), test.classes().size()));
      byte[] onnx =
          new OnnxModelWriter()
              .write(net, new OnnxExportOptions("input", "logits", 784, null, false, Map.of()));
      Files.write(model, onnx);
      Files.writeString(
          cache.resolve(model.getFileName() + ".json"),
          "{\"t10k_accuracy\":"
              + accuracy
              + ",\"train_seconds\":"
              + (System.nanoTime() - t0) / 1e9
              + "}\n");
      log("upload written to " + model + " (t10k accuracy " + accuracy + ")");
    }
    Path about = cache.resolve(model.getFileName() + ".json");
    if (Files.isRegularFile(about)) {
      upload.set("made", JSON.readTree(about.toFile()));
    }

    long t0 = System.nanoTime();
    JsonNode m = service.postMultipart("/api/v1/models", Map.of(), Map.of("file", model));
    double modelUpload = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Map<String, Path> parts = new LinkedHashMap<>();
    parts.put("images", images);
    parts.put("labels", labels);
    JsonNode d =
        service.postMultipart(
            "/api/v1/datasets", Map.of("format", "idx", "task", "classification"), parts);
    double datasetUpload = (System.nanoTime() - t0) / 1e9;
    log("uploaded the model (" + modelUpload + " s) and 60,000 rows (" + datasetUpload + " s)");

    JsonNode job = service.startJob(m.get("id").asString(), d.get("id").asString(), seed);
    String id = job.get("id").asString();
    Instant submitted = Instant.now();
    log("job " + id);
    job = service.awaitJob(job, submitted, timeout, POLL, JobBench::phase, JobBench::log);
    String state = job.get("state").asString();
    double wall = Duration.between(submitted, Instant.now()).toMillis() / 1000.0;

    ObjectNode line = JSON.createObjectNode();
    line.put("bench", "job");
    line.put("job", id);
    line.put("state", state.toUpperCase());
    line.set("upload", upload);
    line.put("model_upload_seconds", round(modelUpload));
    line.put("dataset_upload_seconds", round(datasetUpload));
    double total = ServiceClient.seconds(job.get("createdAt"), job.get("finishedAt"));
    line.put("created_to_finished_seconds", total);
    line.put(
        "started_to_finished_seconds",
        ServiceClient.seconds(job.get("startedAt"), job.get("finishedAt")));
    line.put("queued_seconds", ServiceClient.seconds(job.get("createdAt"), job.get("startedAt")));
    line.put("polled_wall_seconds", wall);
    line.put("within_2_minutes", total <= BAR_SECONDS);
    if (!state.equalsIgnoreCase("SUCCEEDED")) {
      line.set("failure", job.get("failure"));
      return line;
    }
    JsonNode report = service.getJson("/api/v1/jobs/" + id + "/report");
    ObjectNode phases = JSON.createObjectNode();
    ObjectNode cpu = JSON.createObjectNode();
    double phaseSum = 0;
    double cpuSum = 0;
    double training = 0;
    double trainingCpu = 0;
    for (JsonNode p : report.get("phases")) {
      String name = p.get("name").asString();
      double s = p.get("seconds").asDouble();
      JsonNode c = p.get("cpuSeconds");
      phases.put(name, s);
      cpu.set(name, c);
      phaseSum += s;
      cpuSum += c == null || c.isNull() ? 0 : c.asDouble();
      if (name.equals("training")) {
        training = s;
        trainingCpu = c == null || c.isNull() ? Double.NaN : c.asDouble();
      }
    }
    line.set("phases", phases);
    line.put("phases_sum_seconds", round(phaseSum));
    line.set("phases_cpu", cpu);
    line.put("phases_cpu_sum_seconds", round(cpuSum));
    JsonNode provenance = report.get("provenance");
    int trainRows = provenance.get("splits").get("trainRows").asInt();
    int batch = provenance.get("settings").get("batchSize").asInt();
    int epochs = report.get("history").size();
    long steps = (long) epochs * ((trainRows + batch - 1) / batch);
    line.put("train_rows", trainRows);
    line.put("batch_size", batch);
    line.put("epochs", epochs);
    line.put("steps", steps);
    line.put("ms_per_step", steps == 0 ? null : round(1000 * training / steps));
    line.put("cpu_ms_per_step", steps == 0 ? null : round(1000 * trainingCpu / steps));
    JsonNode budget = report.get("budget");
    line.put("candidates_fine_tuned", budget.get("candidatesFineTuned").asInt());
    line.put("fine_tune_epochs", provenance.get("settings").get("fineTuneEpochs").asInt());
    line.put("evaluation_samples", provenance.get("settings").get("evaluationSamples").asInt());
    JsonNode pruning = report.get("pruning");
    line.put("weights_kept", pruning.get("keptWeights").asLong());
    line.put("weights_total", pruning.get("totalWeights").asLong());
    line.put("density", pruning.get("weightDensity").asDouble());
    line.set("nodes", pruning.get("survivingArchitecture"));
    JsonNode scores = report.get("scores");
    line.set("uploaded_accuracy", scores.get("uploaded").get("accuracy"));
    line.set("delivered_accuracy", scores.get("pruned").get("accuracy"));
    line.set("model_average_accuracy", scores.get("modelAverage").get("accuracy"));
    line.set("magnitude_accuracy", scores.get("magnitudeBaseline").get("accuracy"));
    line.set("budget_met", budget.get("met"));
    line.set("artifact_bytes", report.get("artifact").get("sizeBytes"));
    line.set("artifact_size_ratio", report.get("artifact").get("sizeRatio"));
    return line;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  /** The phase and epoch a running job reports, else its state. */
  private static String phase(JsonNode job) {
    JsonNode progress = job.get("progress");
    return progress == null || progress.isNull()
        ? job.get("state").asString()
        : progress.get("phase").asString() + " epoch " + progress.get("epoch").asInt();
  }

  private static void log(String message) {
    System.err.println("[job] " + message);
  }
}
