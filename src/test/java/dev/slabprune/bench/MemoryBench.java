package dev.slabprune.bench;

import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.DenseUpload;
import dev.slabprune.engine.Examples;
import dev.slabprune.model.format.OnnxExportOptions;
import dev.slabprune.model.format.OnnxModelWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resident memory of the service for dataset uploads and 1-epoch jobs: MNIST's 60,000 training
 * images as IDX and as CSV, and the same repeated five times (300,000 rows). For each case and each
 * build of the service (a baseline, such as main, and this checkout), a fresh service process on a
 * database of its own takes the upload, then runs a job (784-300-100-10, random weights, {@code
 * epochs: 1}, every other setting at its default). The peak is the kernel's high-water mark of the
 * process's resident set ({@code VmHWM} in {@code /proc/<pid>/status}), reset before each step by
 * writing 5 to {@code /proc/<pid>/clear_refs}; an upload's growth is that peak minus the resident
 * set before the upload. Prints one JSON line, with a fingerprint of each job's result (equal in
 * both builds when they compute the same thing).
 *
 * <p>Arguments: {@code mnistDir workDir port jdbcServerUrl user cases builds...} where a build is
 * {@code name=classpath}; {@code cases} is a comma list of {@code idx-60k}, {@code csv-60k}, {@code
 * idx-300k}, {@code csv-300k}. JVM options of the service come from {@code SERVICE_JAVA_OPTS}, else
 * {@code SERVICE_JAVA_OPTS_<build>}; {@code SERVICE_ENV_<build>} ({@code NAME=value ...}) is added
 * to its environment.
 */
public final class MemoryBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final long MB = 1 << 20;

  private MemoryBench() {}

  public static void main(String[] args) throws Exception {
    Path mnist = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    String server = args[3];
    String user = args[4];
    List<String> cases = List.of(args[5].split(","));
    String jobsEnv = System.getenv().getOrDefault("JOBS", "all");
    List<String> jobs = jobsEnv.equals("all") ? cases : List.of(jobsEnv.split(","));
    Map<String, String> builds = new LinkedHashMap<>();
    for (int i = 6; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      builds.put(kv[0], kv[1]);
    }
    Files.createDirectories(work);
    Path model = work.resolve("mlp-784-300-100-10.onnx");
    Files.write(model, model(mnist));

    StringBuilder out = new StringBuilder("{\"cases\":[");
    boolean uploadsMeet = true;
    boolean jobsMeet = true;
    boolean sameResults = true;
    for (int c = 0; c < cases.size(); c++) {
      String name = cases.get(c);
      int repeat = name.endsWith("300k") ? 5 : 1;
      boolean idx = name.startsWith("idx");
      Map<String, Path> files = data(mnist, work, idx, repeat);
      long bytes = 0;
      for (Path p : files.values()) {
        bytes += Files.size(p);
      }
      int rows = 60_000 * repeat;
      double examplesMb = rows * 784.0 * 4 / MB;
      double jobBar = 1.5 * examplesMb + 300;
      out.append(c == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"case\":\"%s\",\"rows\":%d,\"upload_mb\":%.1f,\"examples_float32_mb\":%.1f,"
                      + "\"upload_growth_bar_mb\":100,\"job_peak_bar_mb\":%.1f",
                  name,
                  rows,
                  bytes / (double) MB,
                  examplesMb,
                  jobBar));
      List<String> fingerprints = new ArrayList<>();
      for (Map.Entry<String, String> build : builds.entrySet()) {
        log(name + " on " + build.getKey());
        Result r =
            run(
                build.getKey(),
                build.getValue(),
                work,
                port,
                server,
                user,
                model,
                files,
                jobs.contains(name));
        out.append(",\"").append(build.getKey()).append("\":").append(r.json());
        if (r.jobResult != null) {
          fingerprints.add(r.jobResult);
        }
        if (build.getKey().equals("after")) {
          uploadsMeet &= r.uploadGrowthMb < 100;
          jobsMeet &= r.jobState == null || (r.jobSucceeded && r.jobPeakMb <= jobBar);
        }
      }
      if (fingerprints.size() > 1) {
        boolean same = fingerprints.stream().distinct().count() == 1;
        sameResults &= same;
        out.append(",\"same_job_result\":").append(same);
      }
      out.append("}");
    }
    out.append("],\"after_uploads_under_100mb_growth\":")
        .append(uploadsMeet)
        .append(",\"after_jobs_within_bar\":")
        .append(jobsMeet)
        .append(",\"same_job_results\":")
        .append(sameResults)
        .append("}");
    System.out.println(out);
  }

  private record Result(
      double baselineRssMb,
      double uploadGrowthMb,
      double uploadPeakMb,
      double uploadSeconds,
      double jobPeakMb,
      double jobSeconds,
      boolean jobSucceeded,
      String jobState,
      String jobResult) {
    String json() {
      String upload =
          String.format(
              Locale.ROOT,
              "{\"rss_before_upload_mb\":%.0f,\"upload_growth_mb\":%.0f,\"upload_peak_mb\":%.0f,"
                  + "\"upload_seconds\":%.1f",
              baselineRssMb,
              uploadGrowthMb,
              uploadPeakMb,
              uploadSeconds);
      if (jobState == null) {
        return upload + "}";
      }
      return upload
          + String.format(
              Locale.ROOT,
              ",\"job_peak_mb\":%.0f,\"job_seconds\":%.1f,\"job_state\":\"%s\"",
              jobPeakMb,
              jobSeconds,
              jobState)
          + (jobResult == null ? "" : ",\"job_result\":" + jobResult)
          + "}";
    }
  }

  private static Result run(
      String buildName,
      String classpath,
      Path work,
      int port,
      String server,
      String user,
      Path model,
      Map<String, Path> files,
      boolean runJob)
      throws Exception {
    String database = "slabprune_bench_memory";
    sql(server + "postgres", user, "drop database if exists " + database);
    sql(server + "postgres", user, "create database " + database);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-modules=jdk.incubator.vector");
    String opts = System.getenv().getOrDefault("SERVICE_JAVA_OPTS", "");
    if (opts.isBlank()) {
      opts = System.getenv().getOrDefault("SERVICE_JAVA_OPTS_" + buildName, "");
    }
    log(buildName + " options: " + opts);
    for (String o : opts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        command.add(o);
      }
    }
    command.addAll(List.of("-cp", classpath, "dev.slabprune.SlabpruneApplication"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    for (String kv : System.getenv().getOrDefault("SERVICE_ENV_" + buildName, "").split("\\s+")) {
      if (kv.contains("=")) {
        builder
            .environment()
            .put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    builder.environment().put("SPRING_DATASOURCE_URL", server + database);
    builder.environment().put("SPRING_DATASOURCE_USERNAME", user);
    builder.redirectErrorStream(true);
    builder.redirectOutput(work.resolve("service.log").toFile());
    Process service = builder.start();
    try {
      String base = "http://127.0.0.1:" + port;
      waitHealthy(base, service);
      long pid = service.pid();
      String modelId = upload(base + "/api/v1/models", Map.of("file", model), Map.of());
      System.gc();
      Thread.sleep(2000);
      double before = status(pid, "VmRSS");
      resetPeak(pid);
      long t0 = System.nanoTime();
      // the CSV's last column holds digits: say they are classes, not a regression target
      String datasetId =
          upload(
              base + "/api/v1/datasets",
              files,
              files.containsKey("file") ? Map.of("task", "CLASSIFICATION") : Map.of());
      double uploadSeconds = (System.nanoTime() - t0) / 1e9;
      double uploadPeak = status(pid, "VmHWM");
      log(String.format(Locale.ROOT, "upload: %.0f MB before, peak %.0f MB", before, uploadPeak));
      if (!runJob) {
        return new Result(
            before, uploadPeak - before, uploadPeak, uploadSeconds, 0, 0, false, null, null);
      }

      resetPeak(pid);
      t0 = System.nanoTime();
      String job =
          post(
              base + "/api/v1/jobs",
              "{\"modelId\":\""
                  + modelId
                  + "\",\"datasetId\":\""
                  + datasetId
                  + "\",\"seed\":1,\"settings\":{\"epochs\":1}}");
      String jobId = JSON.readTree(job).get("id").asText();
      String state;
      while (true) {
        Thread.sleep(1000);
        JsonNode j = JSON.readTree(get(base + "/api/v1/jobs/" + jobId));
        state = j.get("state").asText();
        if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
          if (!state.equals("SUCCEEDED")) {
            log("job ended " + state + ": " + j);
          }
          break;
        }
      }
      double jobSeconds = (System.nanoTime() - t0) / 1e9;
      double jobPeak = status(pid, "VmHWM");
      log(
          String.format(
              Locale.ROOT, "job: %s in %.0f s, peak %.0f MB", state, jobSeconds, jobPeak));
      String result =
          state.equals("SUCCEEDED")
              ? fingerprint(JSON.readTree(get(base + "/api/v1/jobs/" + jobId + "/report")))
              : null;
      return new Result(
          before,
          uploadPeak - before,
          uploadPeak,
          uploadSeconds,
          jobPeak,
          jobSeconds,
          state.equals("SUCCEEDED"),
          state,
          result);
    } finally {
      service.destroy();
      if (!service.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor();
      }
      sql(server + "postgres", user, "drop database if exists " + database);
    }
  }

  /**
   * What a job computed, to compare builds: the hash of its training examples (features and labels
   * in split order), the ELBO of its epoch, its kept weights and the test scores of the deployed
   * network, the model average and the magnitude baseline, as the report prints them (full double
   * precision): equal fingerprints mean the same rows, the same values and the same arithmetic.
   */
  private static String fingerprint(JsonNode report) {
    JsonNode scores = report.get("scores");
    JsonNode history = report.get("history");
    return String.format(
        Locale.ROOT,
        "{\"train_sha256\":\"%s\",\"elbo\":%s,\"kept_weights\":%s,\"pruned_accuracy\":%s,"
            + "\"pruned_nll\":%s,\"model_average_nll\":%s,\"magnitude_nll\":%s}",
        report.get("provenance").get("trainSha256").asText(),
        history.get(history.size() - 1).get("elbo"),
        report.get("pruning").get("keptWeights"),
        scores.get("pruned").get("accuracy"),
        scores.get("pruned").get("nll"),
        scores.get("modelAverage").get("nll"),
        scores.get("magnitudeBaseline").get("nll"));
  }

  // ------------------------------------------------------------------ data

  /** MNIST's training set repeated, as an IDX pair or as a CSV (pixels 0..255, then the label). */
  private static Map<String, Path> data(Path mnist, Path work, boolean idx, int repeat)
      throws IOException {
    byte[] images = Files.readAllBytes(mnist.resolve("train-images-idx3-ubyte"));
    byte[] labels = Files.readAllBytes(mnist.resolve("train-labels-idx1-ubyte"));
    int n = 60_000;
    if (idx) {
      Path i = work.resolve("images-" + repeat + "x-idx3-ubyte");
      Path l = work.resolve("labels-" + repeat + "x-idx1-ubyte");
      if (!Files.exists(i) || !Files.exists(l)) {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(i), 1 << 20)) {
          o.write(header(0x803, n * repeat, 28, 28));
          for (int r = 0; r < repeat; r++) {
            o.write(images, 16, images.length - 16);
          }
        }
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(l), 1 << 20)) {
          o.write(header(0x801, n * repeat));
          for (int r = 0; r < repeat; r++) {
            o.write(labels, 8, labels.length - 8);
          }
        }
      }
      Map<String, Path> parts = new LinkedHashMap<>();
      parts.put("images", i);
      parts.put("labels", l);
      return parts;
    }
    Path csv = work.resolve("mnist-" + repeat + "x.csv");
    if (!Files.exists(csv)) {
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 20)) {
        StringBuilder line = new StringBuilder();
        for (int p = 0; p < 784; p++) {
          line.append('p').append(p).append(',');
        }
        o.write(line.append("label\n").toString().getBytes(StandardCharsets.US_ASCII));
        for (int r = 0; r < repeat; r++) {
          for (int k = 0; k < n; k++) {
            line.setLength(0);
            for (int p = 0; p < 784; p++) {
              line.append(images[16 + k * 784 + p] & 0xFF).append(',');
            }
            line.append(labels[8 + k] & 0xFF).append('\n');
            o.write(line.toString().getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
    }
    return Map.of("file", csv);
  }

  private static byte[] header(int magic, int... dims) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.array();
  }

  /**
   * A 784-300-100-10 ReLU network trained here for one epoch on MNIST's first 5,000 training images
   * (seeded): a job refuses a model that predicts its rows no better than a constant, so random
   * weights would not do.
   */
  private static byte[] model(Path mnist) throws IOException {
    byte[] images = Files.readAllBytes(mnist.resolve("train-images-idx3-ubyte"));
    byte[] labels = Files.readAllBytes(mnist.resolve("train-labels-idx1-ubyte"));
    int rows = 5_000;
    byte[] pixels = java.util.Arrays.copyOfRange(images, 16, 16 + rows * 784);
    int[] index = new int[rows];
    int[] classes = new int[rows];
    for (int r = 0; r < rows; r++) {
      index[r] = r;
      classes[r] = labels[8 + r] & 0xFF;
    }
    Examples train =
        Examples.classification(Examples.Rows.ofPixels(pixels, rows, 784), index, classes, 10);
    DenseNetwork network =
        DenseUpload.classifier(train, new int[] {784, 300, 100, 10}, 1, 128, 1e-3, 7);
    return new OnnxModelWriter()
        .write(network, new OnnxExportOptions("x", "logits", 784, null, false, Map.of()));
  }

  // ------------------------------------------------------------------ process and HTTP

  private static double status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }

  /** Resets the process's resident high-water mark to its current resident set. */
  private static void resetPeak(long pid) throws IOException {
    Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
  }

  private static void waitHealthy(String base, Process service) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the service stopped; see service.log");
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("the service did not become healthy");
  }

  private static String upload(String url, Map<String, Path> parts, Map<String, String> fields)
      throws Exception {
    String boundary = "----membench" + System.nanoTime();
    List<HttpRequest.BodyPublisher> body = new ArrayList<>();
    for (Map.Entry<String, String> field : fields.entrySet()) {
      body.add(
          HttpRequest.BodyPublishers.ofString(
              "--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field.getKey()
                  + "\"\r\n\r\n"
                  + field.getValue()
                  + "\r\n"));
    }
    for (Map.Entry<String, Path> part : parts.entrySet()) {
      body.add(
          HttpRequest.BodyPublishers.ofString(
              "--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\""
                  + part.getKey()
                  + "\"; filename=\""
                  + part.getValue().getFileName()
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
      body.add(HttpRequest.BodyPublishers.ofFile(part.getValue()));
      body.add(HttpRequest.BodyPublishers.ofString("\r\n"));
    }
    body.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.concat(body.toArray(HttpRequest.BodyPublisher[]::new)))
            .build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("upload to " + url + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).get("id").asText();
  }

  private static String post(String url, String json) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("POST " + url + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void sql(String url, String user, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void log(String message) {
    System.err.println("[memory] " + message);
  }
}
