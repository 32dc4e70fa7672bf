package dev.slabprune.engine;

import dev.slabprune.job.run.Splits;
import dev.slabprune.model.format.OnnxModelReader;
import dev.slabprune.support.NamedArgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 11's MNIST anchor: what the small candidates of a default job's path reach with other
 * fine-tunings. Splits MNIST's 60,000 training rows as a job does (train, validation 10%, test 20%:
 * the confirmation), trains the default posterior from the upload once (the path is cached in
 * {@code cache=}), runs the default delivery, then prunes candidates at the given shares of the
 * weights from the path (the four sources of the search) and fine-tunes each with every variant,
 * printing validation, confirmation and held-out (t10k) accuracy. One JSON line per candidate and
 * variant, then the default job's delivery.
 *
 * <p>Arguments: {@code data=IDX_DIR model=UPLOAD.onnx cache=DIR [seed=1]
 * [sizes=0.015,0.02,0.03,0.05] [variants=base,e6,...]
 * [sources=posterior,posterior-nodes,magnitude,magnitude-nodes]}. A variant is {@code base} (the
 * job's fine-tuning) or {@code e<epochs>[lr<rate>][polish]}: epochs and learning rate of the
 * fine-tuning (distillation from the upload's logits, {@code kd<weight>t<temp>}, was measured at
 * commit b8317fb and dropped, docs/method.md §9); {@code polish} starts from the base fine-tuned
 * network.
 */
public final class AnchorExperiment {

  public static void main(String[] args) throws IOException {
    Map<String, String> opt = NamedArgs.parse(args);
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    if (opt.containsKey("small")) {
      for (String dir : opt.get("small").split(",")) {
        small(Path.of(dir), opt.getOrDefault("ftlrs", "3e-3,1e-2").split(","), seed);
      }
      return;
    }
    Path data = Path.of(opt.get("data"));
    Path modelFile = Path.of(opt.get("model"));
    Path cache = Path.of(opt.getOrDefault("cache", "bench/.cache/anchor"));
    Files.createDirectories(cache);
    DenseNetwork upload = new OnnxModelReader().read(modelFile).network();
    Examples all = QualityBenchmark.load(data, "train", 60000);
    Examples heldOut = QualityBenchmark.load(data, "t10k", 10000);
    Examples[] split = split(all, seed, 0.1, 0.2);
    Examples train = split[0];
    Examples validation = split[1];
    Examples confirm = split[2];
    int perEpoch = (train.rows() + 127) / 128;
    int epochs = Math.min(1000, Math.max(20, (10_000 + perEpoch - 1) / perEpoch));
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder()
            .epochs(epochs)
            .seed(seed)
            .threads(Integer.parseInt(opt.getOrDefault("threads", "2")))
            .build();
    if (opt.containsKey("everyEpoch")) {
      everyEpoch(opt, upload, train, validation, confirm, heldOut, config, seed);
      return;
    }
    String tag = modelFile.getFileName().toString().replace(".onnx", "") + "-s" + seed;
    Path pathFile = cache.resolve(tag + ".path");
    PosteriorPath path;
    if (Files.isRegularFile(pathFile)) {
      path = PosteriorPath.fromBytes(Files.readAllBytes(pathFile));
    } else {
      long t0 = System.nanoTime();
      Compression.Result r =
          Compression.run(
              upload,
              train,
              validation,
              confirm,
              config,
              List.of(TrainingListener.failOnNaN()),
              () -> false);
      double seconds = (System.nanoTime() - t0) / 1e9;
      path = r.path();
      Files.write(pathFile, path.toBytes());
      String line = delivery("job", r.report(), heldOut, seconds);
      Files.writeString(cache.resolve(tag + ".job.json"), line + "\n");
    }
    // the training's noise sd resolved from the upload: the one the path's posterior has
    config = config.withNoiseSd(path.posterior().noiseSd);
    if (opt.containsKey("deliver")) {
      // the delivery again from the cached path, with another fine-tuning setting
      CompressionConfig c = config;
      if (opt.containsKey("fineTuneEpochs")) {
        c = c.toBuilder().fineTuneEpochs(Integer.parseInt(opt.get("fineTuneEpochs"))).build();
      }
      if (opt.containsKey("ftlr")) {
        c = c.toBuilder().fineTuneLearningRate(Double.parseDouble(opt.get("ftlr"))).build();
      }
      long t0 = System.nanoTime();
      CompressionReport rep = Compression.report(path, upload, train, validation, confirm, c);
      System.out.println(
          delivery(opt.get("deliver"), rep, heldOut, (System.nanoTime() - t0) / 1e9));
      System.out.flush();
      for (String pv : opt.getOrDefault("polish", "").split(",")) {
        if (pv.isEmpty()) {
          continue;
        }
        // a polish of the delivered network alone: more fine-tuning after the choice
        Variant v = Variant.parse(pv);
        int[] in = rep.pruning().keptInputs();
        long t1 = System.nanoTime();
        DenseNetwork p =
            fineTune(rep.network(), train.selectColumns(in), validation.selectColumns(in), v, seed);
        System.out.printf(
            Locale.ROOT,
            "{\"polish\":\"%s\",\"validation\":%.4f,\"confirm\":%.4f,\"heldout\":%.4f,"
                + "\"seconds\":%.1f}%n",
            pv,
            acc(p, validation.selectColumns(in), null),
            acc(p, confirm.selectColumns(in), null),
            acc(p, heldOut.selectColumns(in), null),
            (System.nanoTime() - t1) / 1e9);
        System.out.flush();
      }
      if (!opt.containsKey("sizes")) {
        return;
      }
    }
    Posterior last = path.posterior();
    long total = Pruner.totalWeights(last);
    String[] sizes = opt.getOrDefault("sizes", "0.015,0.02,0.03,0.05").split(",");
    String[] variants = opt.getOrDefault("variants", "base").split(",");
    List<String> sources =
        Arrays.asList(
            opt.getOrDefault("sources", "posterior,posterior-nodes,magnitude,magnitude-nodes")
                .split(","));
    System.out.printf(
        Locale.ROOT,
        "{\"upload_validation\":%.4f,\"upload_confirm\":%.4f,\"upload_heldout\":%.4f}%n",
        acc(upload, validation, null),
        acc(upload, confirm, null),
        acc(upload, heldOut, null));
    for (String sz : sizes) {
      long k = Math.round(Double.parseDouble(sz) * total);
      PosteriorPath.Snapshot snap = path.nearest(k);
      Posterior at = path.at(snap);
      Posterior magnitude = path.magnitudeOf(upload);
      PruningRule rule = new PruningRule.TargetWeights(k);
      for (String source : sources) {
        Posterior from =
            switch (source) {
              case "posterior" -> at;
              case "posterior-nodes" -> Pruner.concentrated(at, k);
              case "magnitude" -> magnitude;
              default -> Pruner.concentrated(magnitude, k);
            };
        PruningResult pr =
            Pruner.prune(from, rule, config.pruneNodes(), config.selectInputs(), seed, false);
        Examples tr = train.selectColumns(pr.keptInputs());
        Examples va = validation.selectColumns(pr.keptInputs());
        Examples co = confirm.selectColumns(pr.keptInputs());
        Examples ho = heldOut.selectColumns(pr.keptInputs());
        DenseNetwork base = null;
        for (String variant : variants) {
          long t0 = System.nanoTime();
          DenseNetwork tuned;
          if (variant.equals("base")) {
            tuned = Compression.fineTune(pr.network(), tr, va, config, total);
            base = tuned;
          } else {
            Variant v = Variant.parse(variant);
            DenseNetwork startNet = pr.network();
            if (v.polish) {
              if (base == null) {
                base = Compression.fineTune(pr.network(), tr, va, config, total);
              }
              startNet = base;
            }
            tuned = fineTune(startNet, tr, va, v, seed);
          }
          double s = (System.nanoTime() - t0) / 1e9;
          int[] nodes = pr.keptNodes().stream().mapToInt(n -> n.length).toArray();
          System.out.printf(
              Locale.ROOT,
              "{\"size\":%s,\"weights\":%d,\"density\":%.4f,\"epoch\":%d,\"source\":\"%s\","
                  + "\"nodes\":\"%s\",\"inputs\":%d,\"variant\":\"%s\",\"validation\":%.4f,"
                  + "\"confirm\":%.4f,\"heldout\":%.4f,\"seconds\":%.1f}%n",
              sz,
              pr.keptWeights(),
              pr.weightDensity(),
              snap.epoch(),
              source,
              Arrays.toString(nodes).replace(" ", ""),
              pr.keptInputs().length,
              variant,
              acc(tuned, va, null),
              acc(tuned, co, null),
              acc(tuned, ho, null),
              s);
          System.out.flush();
        }
      }
    }
  }

  /**
   * Trains the default posterior again and, at every epoch end, prunes the top-k of that epoch's
   * posterior at each size (plain and gathered on fewer nodes), fine-tunes with one variant and
   * scores: which epoch's posterior gives the best small candidates.
   */
  static void everyEpoch(
      Map<String, String> opt,
      DenseNetwork upload,
      Examples train,
      Examples validation,
      Examples confirm,
      Examples heldOut,
      CompressionConfig config,
      long seed) {
    String[] sizes = opt.getOrDefault("sizes", "0.02").split(",");
    Variant v = Variant.parse(opt.getOrDefault("everyEpoch", "e3lr3e-3"));
    VariationalTrainer trainer = new VariationalTrainer(upload, train, validation, config);
    trainer.addListener(
        new TrainingListener() {
          @Override
          public void onPosterior(EpochSummary summary, java.util.function.Supplier<Posterior> p) {
            Posterior post = p.get();
            long total = Pruner.totalWeights(post);
            PruningResult median =
                Pruner.prune(post, PruningRule.median(), true, true, seed, false);
            for (String sz : sizes) {
              long k = Math.round(Double.parseDouble(sz) * total);
              for (boolean gathered : new boolean[] {false, true}) {
                Posterior from = gathered ? Pruner.concentrated(post, k) : post;
                PruningResult pr =
                    Pruner.prune(from, new PruningRule.TargetWeights(k), true, true, seed, false);
                int[] in = pr.keptInputs();
                DenseNetwork tuned =
                    fineTune(
                        pr.network(),
                        train.selectColumns(in),
                        validation.selectColumns(in),
                        v,
                        seed);
                int[] nodes = pr.keptNodes().stream().mapToInt(n -> n.length).toArray();
                System.out.printf(
                    Locale.ROOT,
                    "{\"epoch\":%d,\"median_density\":%.4f,\"size\":%s,\"gathered\":%b,"
                        + "\"nodes\":\"%s\",\"validation\":%.4f,\"confirm\":%.4f,"
                        + "\"heldout\":%.4f}%n",
                    summary.epoch(),
                    median.weightDensity(),
                    sz,
                    gathered,
                    Arrays.toString(nodes).replace(" ", ""),
                    acc(tuned, validation.selectColumns(in), null),
                    acc(tuned, confirm.selectColumns(in), null),
                    acc(tuned, heldOut.selectColumns(in), null));
                System.out.flush();
              }
            }
          }
        });
    trainer.train(() -> false);
  }

  /**
   * A small suite case as a default job runs it: split as a job splits (validation 10%, or 200 rows
   * up to a quarter; test 20%), trained once with the shared fine-tuning step size, then delivered
   * again from the same path with each fine-tuning step size; scored on the held-out rows.
   */
  static void small(Path dir, String[] ftlrs, long seed) throws IOException {
    String json = Files.readString(dir.resolve("case.json"));
    boolean classification = MethodExperiment.field(json, "kind").startsWith("class");
    DenseNetwork upload =
        new OnnxModelReader().read(dir.resolve(MethodExperiment.field(json, "model"))).network();
    Examples all =
        MethodExperiment.load(dir, json, "upload", "train", classification, upload.outputs());
    Examples heldOut =
        MethodExperiment.load(dir, json, "test", "test", classification, upload.outputs());
    double vf = Math.max(0.1, Math.min(0.25, 200.0 / Math.max(1, all.rows())));
    Examples[] split = split(all, seed, vf, 0.2);
    int perEpoch = (split[0].rows() + 127) / 128;
    int epochs = Math.min(1000, Math.max(20, (10_000 + perEpoch - 1) / perEpoch));
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder()
            .epochs(epochs)
            .seed(seed)
            .threads(2)
            .fineTuneLearningRate(1e-3)
            .build();
    long t0 = System.nanoTime();
    Compression.Result r =
        Compression.run(
            upload,
            split[0],
            split[1],
            split[2],
            config,
            List.of(TrainingListener.failOnNaN()),
            () -> false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    CompressionConfig resolved = config.withNoiseSd(r.posterior().noiseSd);
    double[] sd = r.posterior().targetSd;
    double uploadScore =
        PathSearch.metric(Evaluator.score(upload, heldOut, resolved.noiseSd(), sd), classification);
    smallLine(dir, "shared", r.report(), heldOut, resolved, sd, uploadScore, seconds);
    for (String lr : ftlrs) {
      CompressionConfig c =
          resolved.toBuilder().fineTuneLearningRate(Double.parseDouble(lr)).build();
      long t1 = System.nanoTime();
      CompressionReport rep = Compression.report(r.path(), upload, split[0], split[1], split[2], c);
      smallLine(dir, lr, rep, heldOut, c, sd, uploadScore, (System.nanoTime() - t1) / 1e9);
    }
  }

  static void smallLine(
      Path dir,
      String label,
      CompressionReport rep,
      Examples heldOut,
      CompressionConfig c,
      double[] sd,
      double uploadScore,
      double seconds) {
    Examples ho = heldOut.selectColumns(rep.pruning().keptInputs());
    boolean classification = heldOut.isClassification();
    System.out.printf(
        Locale.ROOT,
        "{\"case\":\"%s\",\"ftlr\":\"%s\",\"upload_heldout\":%.4f,\"heldout\":%.4f,"
            + "\"weights\":%d,\"density\":%.4f,\"architecture\":\"%s\",\"met\":%b,"
            + "\"limit\":%.4f,\"reference_source\":\"%s\",\"seconds\":%.1f}%n",
        dir.getFileName(),
        label,
        uploadScore,
        PathSearch.metric(Evaluator.score(rep.network(), ho, c.noiseSd(), sd), classification),
        rep.pruning().keptWeights(),
        rep.pruning().weightDensity(),
        Arrays.toString(rep.network().architecture()).replace(" ", ""),
        rep.budget().met(),
        rep.budget().limit(),
        rep.budget().referenceSource(),
        seconds);
    System.out.flush();
  }

  record Variant(int epochs, double lr, boolean polish) {
    static Variant parse(String s) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("e(\\d+)(?:lr([0-9.e-]+?))?(polish)?").matcher(s);
      if (!m.matches()) {
        throw new IllegalArgumentException("variant " + s);
      }
      return new Variant(
          Integer.parseInt(m.group(1)),
          m.group(2) == null ? 1e-3 : Double.parseDouble(m.group(2)),
          m.group(3) != null);
    }
  }

  /** As {@link Compression#fineTuneScored}: cosine-annealed Adam, best validation loss kept. */
  static DenseNetwork fineTune(
      DenseNetwork net, Examples train, Examples validation, Variant v, long seed) {
    DenseTrainer t = new DenseTrainer(net, train, v.lr, false, 1.0, seed);
    DenseNetwork[] best = {net};
    double[] bestLoss = {loss(net, validation)};
    t.epochs(
        v.epochs,
        128,
        true,
        e -> {
          DenseNetwork now = t.network();
          double l = loss(now, validation);
          if (l <= bestLoss[0]) {
            bestLoss[0] = l;
            best[0] = now;
          }
          return true;
        });
    return best[0];
  }

  static double loss(DenseNetwork net, Examples ex) {
    double[] unit = new double[net.outputs()];
    Arrays.fill(unit, 1);
    return Evaluator.score(net, ex, 1.0, unit).nll();
  }

  static double acc(DenseNetwork net, Examples ex, double[] sd) {
    double[] unit = new double[net.outputs()];
    Arrays.fill(unit, 1);
    return Evaluator.score(net, ex, 1.0, unit).accuracy();
  }

  static String delivery(String label, CompressionReport rep, Examples heldOut, double seconds) {
    DenseNetwork net = rep.network();
    Examples ho = heldOut.selectColumns(rep.pruning().keptInputs());
    BudgetResult b = rep.budget();
    StringBuilder cands = new StringBuilder("[");
    for (PathPoint p : rep.path()) {
      if (!p.fineTuned()) {
        continue;
      }
      if (cands.length() > 1) {
        cands.append(',');
      }
      cands.append(
          String.format(
              Locale.ROOT,
              "[%d,%.4f,\"%s\",\"%s\",%.4f,%b]",
              p.epoch(),
              p.density(),
              p.source(),
              Arrays.toString(p.nodes()).replace(" ", ""),
              p.validationScore(),
              p.delivered()));
    }
    cands.append(']');
    return String.format(
        Locale.ROOT,
        "{\"label\":\"%s\",\"heldout\":%.4f,\"weights\":%d,\"density\":%.4f,\"architecture\":\"%s\","
            + "\"met\":%b,\"upload_validation\":%.4f,\"largest\":%.4f,\"reference\":%.4f,"
            + "\"reference_source\":\"%s\",\"limit\":%.4f,\"confirm_reference\":%.4f,"
            + "\"confirm_limit\":%.4f,\"confirm_score\":%.4f,\"search_seconds\":%.1f,"
            + "\"candidates\":%d,\"seconds\":%.1f,\"tried\":%s}",
        label,
        acc(net, ho, null),
        rep.pruning().keptWeights(),
        rep.pruning().weightDensity(),
        Arrays.toString(net.architecture()).replace(" ", ""),
        b.met(),
        b.uploadScore(),
        b.largestCandidateScore(),
        b.reference(),
        b.referenceSource(),
        b.limit(),
        b.confirmationReference(),
        b.confirmationLimit(),
        b.confirmationScore(),
        b.searchSeconds(),
        b.candidatesFineTuned(),
        seconds,
        cands);
  }

  /** Train, validation and test rows as {@code Splits.of} cuts a job's dataset. */
  static Examples[] split(Examples all, long seed, double validationFraction, double testFraction) {
    int rows = all.rows();
    int[] order = Splits.order(rows, seed);
    int test = Math.max(1, (int) Math.round(rows * testFraction));
    int validation = (int) Math.round(rows * validationFraction);
    int train = rows - test - validation;
    return new Examples[] {
      take(all, order, 0, train),
      take(all, order, train, validation),
      take(all, order, train + validation, test)
    };
  }

  private static Examples take(Examples e, int[] order, int from, int count) {
    int cols = e.cols();
    float[] x = new float[count * cols];
    for (int r = 0; r < count; r++) {
      e.copyRow(order[from + r], x, r * cols);
    }
    if (!e.isClassification()) {
      int k = e.outputs();
      float[] t = new float[count * k];
      for (int r = 0; r < count; r++) {
        System.arraycopy(e.targets(), order[from + r] * k, t, r * k, k);
      }
      return Examples.regression(x, count, cols, t);
    }
    int[] y = new int[count];
    for (int r = 0; r < count; r++) {
      y[r] = e.labels()[order[from + r]];
    }
    return Examples.classification(x, count, cols, y, e.classes());
  }

  private AnchorExperiment() {}
}
