package dev.slabprune.engine;

import dev.slabprune.job.run.Splits;
import dev.slabprune.model.format.OnnxModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/run method}: the variational training run directly on uploads trained elsewhere.
 * Each case directory holds {@code case.json} (kind, target column, file names, informative
 * inputs), an ONNX model, the CSV data it was trained on and a held-out CSV test set. The upload's
 * data are split into training and validation rows as a job does; at epoch ends (when the density
 * moved) the median model of the current posterior is pruned, fine-tuned and scored: the path a
 * job's budget chooses from. One JSON line per case.
 *
 * <p>Arguments: {@code CASE_DIR... [key=value ...]}; keys: the training settings {@code epochs,
 * steps} (epochs = min(epochs, enough for steps), as a job without epochs), {@code vlr, anneal,
 * annealStart, init=uniform|magnitude, floor, gates=true|false, nodePrior=lambda|cost, stop,
 * settle, lr, seed, finetune}; {@code label} names the variant in the output.
 */
public final class MethodExperiment {

  public static void main(String[] args) throws IOException {
    Map<String, String> opt = new HashMap<>();
    List<Path> cases = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        opt.put(a.substring(0, eq), a.substring(eq + 1));
      } else {
        cases.add(Path.of(a));
      }
    }
    for (Path dir : cases) {
      System.out.println(run(dir, opt));
      System.out.flush();
    }
  }

  static CompressionConfig config(Map<String, String> opt, int trainRows) {
    CompressionConfig.Builder b = CompressionConfig.builder();
    CompressionConfig d = CompressionConfig.defaults();
    int batch = d.batchSize();
    int stepsPerEpoch = (trainRows + batch - 1) / batch;
    int cap = Integer.parseInt(opt.getOrDefault("epochs", "1000"));
    long steps = Long.parseLong(opt.getOrDefault("steps", "0"));
    int epochs = steps > 0 ? (int) Math.min(cap, Math.max(20, steps / stepsPerEpoch)) : cap;
    b.epochs(epochs).seed(Long.parseLong(opt.getOrDefault("seed", "1")));
    if (opt.containsKey("lr")) {
      b.learningRate(Double.parseDouble(opt.get("lr")));
    }
    if (opt.containsKey("vlr")) {
      b.inclusionLearningRate(Double.parseDouble(opt.get("vlr")));
    }
    if (opt.containsKey("anneal")) {
      b.klAnnealSteps(Integer.parseInt(opt.get("anneal")));
    }
    if (opt.containsKey("annealStart")) {
      b.klAnnealStart(Double.parseDouble(opt.get("annealStart")));
    }
    if (opt.containsKey("init")) {
      b.inclusionStart(
          CompressionConfig.InclusionStart.valueOf(opt.get("init").toUpperCase(Locale.ROOT)));
    }
    if (opt.containsKey("floor")) {
      b.lambdaFloor(Double.parseDouble(opt.get("floor")));
    }
    if (opt.containsKey("gates")) {
      b.nodeGates(Boolean.parseBoolean(opt.get("gates")));
    }
    if (opt.containsKey("nodePrior")) {
      b.nodePrior(
          switch (opt.get("nodePrior")) {
            case "cost" -> CompressionConfig.NodePrior.LAMBDA_TO_COST;
            case "sqrt" -> CompressionConfig.NodePrior.LAMBDA_TO_SQRT_COST;
            default -> CompressionConfig.NodePrior.LAMBDA;
          });
    }
    if (opt.containsKey("stop")) {
      b.stopUndecided(Double.parseDouble(opt.get("stop")));
    }
    if (opt.containsKey("settle")) {
      b.settleEpochs(Integer.parseInt(opt.get("settle")));
    }
    if (opt.containsKey("noise")) {
      b.noiseSd(Double.parseDouble(opt.get("noise")));
    }
    if (opt.containsKey("finetune")) {
      b.fineTuneEpochs(Integer.parseInt(opt.get("finetune")));
    }
    return b.build();
  }

  /** One point of the path: the fine-tuned median model of the posterior at an epoch end. */
  record Point(
      int epoch,
      long weights,
      int[] nodes,
      int inputs,
      double validation,
      double test,
      int[] kept) {}

  static String run(Path dir, Map<String, String> opt) throws IOException {
    String json = Files.readString(dir.resolve("case.json"));
    boolean classification = field(json, "kind").startsWith("class");
    DenseNetwork upload = new OnnxModelReader().read(dir.resolve(field(json, "model"))).network();
    Examples all = load(dir, json, "upload", "train", classification, upload.outputs());
    Examples test = load(dir, json, "test", "test", classification, upload.outputs());
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    Examples[] split = split(all, seed);
    Examples train = split[0];
    Examples validation = split[1];
    CompressionConfig asked = config(opt, train.rows());

    long t0 = System.nanoTime();
    VariationalTrainer trainer = new VariationalTrainer(upload, train, validation, asked);
    CompressionConfig config = trainer.config();
    List<Point> path = new ArrayList<>();
    double[] lastDensity = {Double.NaN};
    double pathStep = Double.parseDouble(opt.getOrDefault("pathStep", "0.03"));
    int pathEvery = Integer.parseInt(opt.getOrDefault("pathEvery", "50"));
    trainer.addListener(TrainingListener.failOnNaN());
    trainer.addListener(
        new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary s, Supplier<byte[]> checkpoint) {
            boolean moved =
                Double.isNaN(lastDensity[0])
                    || Math.abs(s.density() - lastDensity[0]) > pathStep * lastDensity[0];
            if (moved || s.epoch() % pathEvery == 0) {
              lastDensity[0] = s.density();
              Point p = point(trainer.posterior(), s.epoch(), train, validation, test, config);
              path.add(p);
              // progress for long cases: the path so far
              System.err.printf(
                  Locale.ROOT,
                  "%s epoch %d density %.4f nodes %s validation %.4f test %.4f%n",
                  dir.getFileName(),
                  p.epoch(),
                  (double) p.weights() / totalWeights(upload),
                  Arrays.toString(p.nodes()),
                  p.validation(),
                  p.test());
            }
          }
        });
    Posterior post = trainer.train(() -> false);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    Point last = point(post, trainer.epoch(), train, validation, test, config);
    double[] sd = post.targetSd;
    Scores average =
        Evaluator.modelAverage(
            post, test, config.evaluationSamples(), config.seed(), config.noiseSd());
    double uploadTest = metric(Evaluator.score(upload, test, config.noiseSd(), sd), classification);
    double uploadValidation =
        metric(Evaluator.score(upload, validation, config.noiseSd(), sd), classification);
    double seconds = (System.nanoTime() - t0) / 1e9;

    Point byValidation = null;
    Point byTest = null;
    for (Point p : path) {
      if (within(p.validation, uploadValidation, classification)
          && (byValidation == null || p.weights < byValidation.weights)) {
        byValidation = p;
      }
      if (within(p.test, uploadTest, classification)
          && (byTest == null || p.weights < byTest.weights)) {
        byTest = p;
      }
    }
    long total = 0;
    for (DenseLayer l : upload.layers()) {
      total += (long) l.inputs() * l.outputs();
    }
    String informative = rawField(json, "informative");
    if (informative == null) {
      informative = rawField(json, "informative_inputs");
    }
    return String.format(
        Locale.ROOT,
        "{\"case\":\"%s\",\"label\":\"%s\",\"rows\":%d,\"weights\":%d,\"lambda\":%.3g,\"noiseSd\":%.3g,"
            + "\"epochs\":%d,\"stop\":\"%s\",\"undecided\":%.3f,\"trainSeconds\":%.1f,"
            + "\"seconds\":%.1f,\"upload\":%.4f,\"uploadValidation\":%.4f,\"modelAverage\":%.4f,"
            + "\"final\":%s,\"delivered\":%s,\"bestOnTest\":%s,\"informative\":%s,"
            + "\"pathPoints\":%d,\"path\":%s}",
        dir.getFileName(),
        opt.getOrDefault("label", ""),
        all.rows(),
        total,
        post.lambda(),
        config.noiseSd(),
        trainer.epoch(),
        trainer.stopReason(),
        trainer.undecidedShare(),
        trainSeconds,
        seconds,
        uploadTest,
        uploadValidation,
        metric(average, classification),
        json(last, total),
        json(byValidation, total),
        json(byTest, total),
        informative == null ? "null" : informative,
        path.size(),
        pathJson(path, total));
  }

  static long totalWeights(DenseNetwork net) {
    long total = 0;
    for (DenseLayer l : net.layers()) {
      total += (long) l.inputs() * l.outputs();
    }
    return total;
  }

  static Point point(
      Posterior post,
      int epoch,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config) {
    PruningResult pr =
        Pruner.prune(
            post, config.pruning(), config.pruneNodes(), config.selectInputs(), config.seed());
    DenseNetwork tuned =
        Compression.fineTune(
            pr.network(),
            train.selectColumns(pr.keptInputs()),
            validation.selectColumns(pr.keptInputs()),
            config,
            Pruner.totalWeights(post));
    boolean c = train.isClassification();
    double v =
        metric(
            Evaluator.score(
                tuned, validation.selectColumns(pr.keptInputs()), config.noiseSd(), post.targetSd),
            c);
    double t =
        metric(
            Evaluator.score(
                tuned, test.selectColumns(pr.keptInputs()), config.noiseSd(), post.targetSd),
            c);
    int[] nodes = new int[pr.keptNodes().size()];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = pr.keptNodes().get(i).length;
    }
    return new Point(epoch, pr.keptWeights(), nodes, pr.keptInputs().length, v, t, pr.keptInputs());
  }

  static boolean within(double score, double reference, boolean classification) {
    return classification ? score >= reference - 0.01 : score <= reference * 1.05;
  }

  static double metric(Scores s, boolean classification) {
    return classification ? s.accuracy() : s.rmse();
  }

  static String json(Point p, long total) {
    if (p == null) {
      return "null";
    }
    return String.format(
        Locale.ROOT,
        "{\"epoch\":%d,\"density\":%.4f,\"nodes\":%s,\"inputs\":%d,\"validation\":%.4f,"
            + "\"test\":%.4f,\"keptInputs\":%s}",
        p.epoch,
        (double) p.weights / total,
        Arrays.toString(p.nodes).replace(" ", ""),
        p.inputs,
        p.validation,
        p.test,
        p.inputs <= 12 ? Arrays.toString(p.kept).replace(" ", "") : "\"" + p.inputs + "\"");
  }

  static String pathJson(List<Point> path, long total) {
    StringBuilder b = new StringBuilder("[");
    for (Point p : path) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(
          String.format(
              Locale.ROOT,
              "[%d,%.4f,%.4f,%.4f]",
              p.epoch,
              (double) p.weights / total,
              p.validation,
              p.test));
    }
    return b.append(']').toString();
  }

  /** Validation rows as a job takes them: 10%, at least 200 (at most a quarter), seeded. */
  static Examples[] split(Examples all, long seed) {
    int n = all.rows();
    int[] order = Splits.order(n, seed);
    int validation = (int) Math.max(Math.round(0.1 * n), Math.min(200, n / 4));
    return new Examples[] {
      take(all, order, validation, n - validation), take(all, order, 0, validation)
    };
  }

  private static Examples take(Examples e, int[] order, int from, int count) {
    int cols = e.cols();
    float[] x = new float[count * cols];
    for (int r = 0; r < count; r++) {
      System.arraycopy(e.features(), order[from + r] * cols, x, r * cols, cols);
    }
    if (e.isClassification()) {
      int[] y = new int[count];
      for (int r = 0; r < count; r++) {
        y[r] = e.labels()[order[from + r]];
      }
      return Examples.classification(x, count, cols, y, e.classes());
    }
    int k = e.outputs();
    float[] y = new float[count * k];
    for (int r = 0; r < count; r++) {
      System.arraycopy(e.targets(), order[from + r] * k, y, r * k, k);
    }
    return Examples.regression(x, count, cols, y);
  }

  /**
   * The examples of one split: the suite's layout ({@code "format": "npz"} with arrays x and y, or
   * {@code "idx"} with gzipped images and labels, scaled to [0, 1]) or ours (a CSV).
   */
  static Examples load(
      Path dir, String json, String suiteKey, String csvKey, boolean classification, int outputs)
      throws IOException {
    Matcher format = Pattern.compile("\"format\"\\s*:\\s*\"(\\w+)\"").matcher(json);
    if (!format.find()) {
      return csv(dir.resolve(field(json, csvKey)), classification, outputs);
    }
    Matcher block = Pattern.compile("\"" + suiteKey + "\"\\s*:\\s*\\{([^}]*)\\}").matcher(json);
    if (!block.find()) {
      throw new IllegalArgumentException("case.json has no " + suiteKey);
    }
    String files = "{" + block.group(1) + "}";
    float[] x;
    float[] y;
    int rows;
    if (format.group(1).equals("npz")) {
      Map<String, Npy> arrays = npz(dir.resolve(field(files, "file")));
      x = arrays.get("x.npy").values;
      y = arrays.get("y.npy").values;
      rows = arrays.get("x.npy").shape[0];
    } else {
      Npy images = idx(dir.resolve(field(files, "images")));
      Npy labels = idx(dir.resolve(field(files, "labels")));
      x = images.values;
      for (int i = 0; i < x.length; i++) {
        x[i] /= 255f;
      }
      y = labels.values;
      rows = images.shape[0];
    }
    int cols = x.length / rows;
    if (classification) {
      int[] labels = new int[rows];
      for (int r = 0; r < rows; r++) {
        labels[r] = (int) y[r];
      }
      return Examples.classification(x, rows, cols, labels, outputs);
    }
    return Examples.regression(x, rows, cols, y);
  }

  record Npy(int[] shape, float[] values) {}

  static Map<String, Npy> npz(Path file) throws IOException {
    Map<String, Npy> out = new HashMap<>();
    try (java.util.zip.ZipInputStream zip =
        new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
      for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        out.put(e.getName(), npy(zip.readAllBytes()));
      }
    }
    return out;
  }

  /** A little-endian .npy of float32, float64, int32 or int64, C order. */
  static Npy npy(byte[] b) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int major = b[6];
    int headerLength = major == 1 ? buf.getShort(8) & 0xffff : buf.getInt(8);
    int start = major == 1 ? 10 : 12;
    String header = new String(b, start, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
    Matcher d = Pattern.compile("'descr':\\s*'([^']*)'").matcher(header);
    Matcher sh = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
    if (!d.find() || !sh.find() || header.contains("'fortran_order': True")) {
      throw new IllegalArgumentException("unsupported npy header " + header);
    }
    String[] dims = sh.group(1).split(",");
    int[] shape = new int[dims.length];
    int count = 1;
    int n = 0;
    for (String dim : dims) {
      if (!dim.isBlank()) {
        shape[n] = Integer.parseInt(dim.trim());
        count *= shape[n++];
      }
    }
    shape = Arrays.copyOf(shape, n);
    float[] v = new float[count];
    int at = start + headerLength;
    for (int i = 0; i < count; i++) {
      v[i] =
          switch (d.group(1)) {
            case "<f4" -> buf.getFloat(at + 4 * i);
            case "<f8" -> (float) buf.getDouble(at + 8 * i);
            case "<i4" -> buf.getInt(at + 4 * i);
            case "<i8" -> buf.getLong(at + 8 * i);
            default -> throw new IllegalArgumentException("unsupported npy type " + d.group(1));
          };
    }
    return new Npy(shape, v);
  }

  /** A gzipped IDX file of unsigned bytes (images or labels). */
  static Npy idx(Path file) throws IOException {
    byte[] b;
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
      b = in.readAllBytes();
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
    int dims = b[3];
    int[] shape = new int[dims];
    int count = 1;
    for (int i = 0; i < dims; i++) {
      shape[i] = buf.getInt(4 + 4 * i);
      count *= shape[i];
    }
    float[] v = new float[count];
    int at = 4 + 4 * dims;
    for (int i = 0; i < count; i++) {
      v[i] = b[at + i] & 0xff;
    }
    return new Npy(shape, v);
  }

  /** A numeric CSV with a header, the target in the last column. */
  static Examples csv(Path file, boolean classification, int outputs) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int rows = lines.size() - 1;
    int cols = lines.get(0).split(",").length - 1;
    float[] x = new float[rows * cols];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      String[] f = lines.get(r + 1).split(",");
      for (int c = 0; c < cols; c++) {
        x[r * cols + c] = Float.parseFloat(f[c]);
      }
      y[r] = Float.parseFloat(f[cols]);
    }
    if (classification) {
      int[] labels = new int[rows];
      for (int r = 0; r < rows; r++) {
        labels[r] = (int) y[r];
      }
      return Examples.classification(x, rows, cols, labels, outputs);
    }
    return Examples.regression(x, rows, cols, y);
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("case.json has no string field " + name);
    }
    return m.group(1);
  }

  static String rawField(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\[[^\\]]*\\]|null)").matcher(json);
    return m.find() ? m.group(1).replaceAll("\\s", "") : null;
  }
}
