package dev.slabprune.engine;

import dev.slabprune.support.NamedArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code bench/run delivery}: what the quality budget delivers and what the path costs. Trains an
 * "uploaded" network densely on the training and validation rows (as users upload the data their
 * network learned), compresses it with the service's defaults (about 10,000 steps, at least 20 and
 * at most 1,000 epochs; the validation share of the service), and prints one JSON line: the
 * budget's delivery and, from the same trained path, the median model of the final posterior.
 *
 * <p>Arguments: {@code idx:DIR|csv:FILE [key=value ...]} with keys rows (a subset), task
 * (classification or regression, for CSV: the last column is the label or target), hidden (e.g.
 * 300,100), act (relu or tanh), pretrain (dense epochs), seed, epochs, drop (maxAccuracyDrop).
 */
public final class DeliveryBenchmark {

  public static void main(String[] args) throws IOException {
    java.util.Map<String, String> opt =
        NamedArgs.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    Examples all = load(args[0], opt);
    int rows = Math.min(all.rows(), Integer.parseInt(opt.getOrDefault("rows", "1000000")));
    int[] order = new int[all.rows()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random r = new Random(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int test = (int) Math.round(rows * 0.2);
    double validationShare = Math.max(0.1, Math.min(0.25, 200.0 / rows));
    int validation = (int) Math.round(rows * validationShare);
    int train = rows - test - validation;
    Examples trainEx = take(all, order, 0, train);
    Examples validationEx = take(all, order, train, validation);
    Examples seen = take(all, order, 0, train + validation);
    Examples testEx = take(all, order, train + validation, test);

    String[] hidden = opt.getOrDefault("hidden", "300,100").split(",");
    int[] widths = new int[hidden.length + 2];
    widths[0] = all.cols();
    for (int i = 0; i < hidden.length; i++) {
      widths[i + 1] = Integer.parseInt(hidden[i]);
    }
    widths[widths.length - 1] = all.outputs();
    Activation act = Activation.valueOf(opt.getOrDefault("act", "relu").toUpperCase(Locale.ROOT));
    OutputKind kind = all.isClassification() ? OutputKind.LOGITS : OutputKind.REGRESSION;
    DenseNetwork start = Initialisation.kaimingUniform(widths, act, kind, seed);
    long t0 = System.nanoTime();
    DenseTrainer dense = new DenseTrainer(start, seen, 1e-3, false, 1.0, seed);
    dense.epochs(Integer.parseInt(opt.getOrDefault("pretrain", "20")), 64);
    start = dense.network();
    double pretrainSeconds = (System.nanoTime() - t0) / 1e9;

    int stepsPerEpoch = (train + 127) / 128;
    int epochs =
        Integer.parseInt(
            opt.getOrDefault(
                "epochs",
                String.valueOf(
                    Math.min(1000, Math.max(20, (10_000 + stepsPerEpoch - 1) / stepsPerEpoch)))));
    PruningRule.QualityBudget budget =
        new PruningRule.QualityBudget(
            Double.parseDouble(opt.getOrDefault("drop", "0.01")),
            Double.parseDouble(opt.getOrDefault("rmse", "0.05")));
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder().epochs(epochs).seed(seed).pruning(budget).build();
    long t1 = System.nanoTime();
    Compression.Result result =
        Compression.run(
            start,
            trainEx,
            validationEx,
            testEx,
            config,
            List.of(TrainingListener.failOnNaN()),
            () -> false);
    double jobSeconds = (System.nanoTime() - t1) / 1e9;
    CompressionReport b = result.report();
    long t2 = System.nanoTime();
    CompressionReport median =
        Compression.report(
            result.path(),
            start,
            trainEx,
            validationEx,
            testEx,
            config.toBuilder().pruning(PruningRule.median()).build());
    double medianReportSeconds = (System.nanoTime() - t2) / 1e9;
    double trainingSeconds = 0;
    for (EpochSummary e : result.posterior().history()) {
      trainingSeconds += e.seconds();
    }
    BudgetResult br = b.budget();
    boolean c = all.isClassification();
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"data\":\"%s\",\"rows\":%d,\"train\":%d,\"validation\":%d,\"test\":%d,"
                + "\"architecture\":\"%s\",\"epochs\":%d,\"lambda\":%.3g,"
                + "\"uploaded_test\":%.4f,\"budget_test\":%.4f,\"budget_weights\":%d,"
                + "\"budget_density\":%.5f,\"budget_architecture\":\"%s\",\"budget_epoch\":%d,"
                + "\"budget_met\":%b,\"reference\":%.4f,\"reference_source\":\"%s\","
                + "\"upload_validation\":%.4f,\"largest_candidate_validation\":%.4f,"
                + "\"limit\":%.4f,\"delivered_validation\":%.4f,\"advice\":%s,"
                + "\"median_test\":%.4f,\"median_weights\":%d,\"median_architecture\":\"%s\","
                + "\"magnitude_test_at_budget_size\":%.4f,\"model_average_test\":%.4f,"
                + "\"candidates_fine_tuned\":%d,\"path_points\":%d,\"snapshots\":%d,"
                + "\"path_bytes\":%d,\"pretrain_seconds\":%.1f,\"training_seconds\":%.1f,"
                + "\"path_seconds\":%.2f,\"search_seconds\":%.1f,\"job_seconds\":%.1f,"
                + "\"median_report_seconds\":%.1f,\"budget_report_seconds\":%.1f}",
            args[0],
            rows,
            train,
            validation,
            test,
            java.util.Arrays.toString(widths).replace(" ", ""),
            epochs,
            b.lambda(),
            score(b.uploaded(), c),
            score(b.pruned(), c),
            b.pruning().keptWeights(),
            b.pruning().weightDensity(),
            java.util.Arrays.toString(b.network().architecture()).replace(" ", ""),
            br.delivered().epoch(),
            br.met(),
            br.reference(),
            br.referenceSource(),
            br.uploadScore(),
            br.largestCandidateScore(),
            br.limit(),
            br.delivered().validationScore(),
            br.advice() == null ? "null" : "\"" + br.advice().replace("\"", "'") + "\"",
            score(median.pruned(), c),
            median.pruning().keptWeights(),
            java.util.Arrays.toString(median.network().architecture()).replace(" ", ""),
            score(b.magnitude(), c),
            score(b.modelAverage(), c),
            br.candidatesFineTuned(),
            b.path().size(),
            result.path().snapshotEpochs().length,
            result.path().toBytes().length,
            pretrainSeconds,
            trainingSeconds,
            br.pathSeconds(),
            br.searchSeconds(),
            jobSeconds,
            medianReportSeconds,
            jobSeconds - trainingSeconds - br.pathSeconds()));
  }

  private static double score(Scores s, boolean classification) {
    return classification ? s.accuracy() : s.rmse();
  }

  private static Examples load(String source, java.util.Map<String, String> opt)
      throws IOException {
    if (source.startsWith("idx:")) {
      Path dir = Path.of(source.substring(4));
      return QualityBenchmark.load(dir, "train", 60000);
    }
    List<String> lines = Files.readAllLines(Path.of(source.substring(4)));
    boolean classification = opt.getOrDefault("task", "classification").equals("classification");
    List<float[]> xs = new ArrayList<>();
    List<Float> ys = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || !Character.isDigit(line.strip().charAt(0)) && line.charAt(0) != '-') {
        continue;
      }
      String[] f = line.split(",");
      float[] x = new float[f.length - 1];
      for (int i = 0; i < x.length; i++) {
        x[i] = Float.parseFloat(f[i]);
      }
      xs.add(x);
      ys.add(Float.parseFloat(f[f.length - 1]));
    }
    int cols = xs.get(0).length;
    float[] x = new float[xs.size() * cols];
    for (int i = 0; i < xs.size(); i++) {
      System.arraycopy(xs.get(i), 0, x, i * cols, cols);
    }
    if (classification) {
      int[] y = new int[ys.size()];
      int classes = 0;
      for (int i = 0; i < y.length; i++) {
        y[i] = Math.round(ys.get(i));
        classes = Math.max(classes, y[i] + 1);
      }
      return Examples.classification(x, xs.size(), cols, y, classes);
    }
    float[] y = new float[ys.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = ys.get(i);
    }
    return Examples.regression(x, xs.size(), cols, y);
  }

  private static Examples take(Examples all, int[] order, int from, int count) {
    int cols = all.cols();
    float[] x = new float[count * cols];
    for (int r = 0; r < count; r++) {
      System.arraycopy(all.features(), order[from + r] * cols, x, r * cols, cols);
    }
    if (all.isClassification()) {
      int[] y = new int[count];
      for (int r = 0; r < count; r++) {
        y[r] = all.labels()[order[from + r]];
      }
      return Examples.classification(x, count, cols, y, all.outputs());
    }
    float[] y = new float[count];
    for (int r = 0; r < count; r++) {
      y[r] = all.targets()[order[from + r]];
    }
    return Examples.regression(x, count, cols, y);
  }
}
