package dev.slabprune.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The engine's entry points: train the spike-and-slab variational posterior (Bai, Song &amp; Cheng,
 * NeurIPS 2020) from an uploaded network, prune it by inclusion probabilities (Saha, Liu &amp;
 * Liang, arXiv 2411.00273), fine-tune, and report; or re-prune a finished posterior with another
 * rule, without training.
 */
public final class Compression {

  private Compression() {}

  /**
   * A finished run: the posterior, the path of prunable networks along training (keep it for
   * re-pruning) and the report.
   */
  public record Result(Posterior posterior, PosteriorPath path, CompressionReport report) {}

  /** A re-pruned posterior: the new network and its scores on the given examples. */
  public record Repruned(PruningResult pruning, Scores scores) {}

  /**
   * Trains, prunes, fine-tunes and reports.
   *
   * @param start the uploaded network: the warm start, and the magnitude baseline's source
   * @param validation for the per-epoch metric and early stopping; may be null
   * @param test held-out examples for the report
   * @param cancelled polled between steps
   */
  public static Result run(
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled) {
    return run(
        start,
        train,
        validation,
        test,
        config,
        listeners,
        cancelled,
        PruningRule.QualityBudget.defaults());
  }

  /**
   * As {@link #run(DenseNetwork, Examples, Examples, Examples, CompressionConfig, List,
   * BooleanSupplier)}; a rule other than the quality budget is reported against {@code
   * reportedBudget}.
   */
  public static Result run(
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled,
      PruningRule.QualityBudget reportedBudget) {
    return run(
        start, train, validation, test, config, listeners, cancelled, reportedBudget, new Phases());
  }

  /**
   * As {@link #run(DenseNetwork, Examples, Examples, Examples, CompressionConfig, List,
   * BooleanSupplier, PruningRule.QualityBudget)}, adding the wall time of each phase (training, the
   * path, the search, the scores of the report) to {@code phases}.
   */
  public static Result run(
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled,
      PruningRule.QualityBudget reportedBudget,
      Phases phases) {
    VariationalTrainer trainer = new VariationalTrainer(start, train, validation, config);
    return finish(
        trainer,
        start,
        train,
        validation,
        test,
        trainer.config(),
        listeners,
        cancelled,
        reportedBudget,
        null,
        phases);
  }

  /**
   * Continues a run from a checkpoint handed to a listener; same arguments as the first call. The
   * path recorded before the checkpoint travels in it, so the run delivers what an uninterrupted
   * one would.
   */
  public static Result resume(
      byte[] checkpoint,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled,
      PruningRule.QualityBudget reportedBudget) {
    return resume(
        checkpoint,
        start,
        train,
        validation,
        test,
        config,
        listeners,
        cancelled,
        reportedBudget,
        new Phases());
  }

  /** As the resume above, adding the wall time of each phase to {@code phases}. */
  public static Result resume(
      byte[] checkpoint,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled,
      PruningRule.QualityBudget reportedBudget,
      Phases phases) {
    byte[][] parts = split(checkpoint);
    VariationalTrainer trainer =
        VariationalTrainer.resume(parts[0], start, train, validation, config);
    return finish(
        trainer,
        start,
        train,
        validation,
        test,
        trainer.config(),
        listeners,
        cancelled,
        reportedBudget,
        parts[1],
        phases);
  }

  private static Result finish(
      VariationalTrainer trainer,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      List<TrainingListener> listeners,
      BooleanSupplier cancelled,
      PruningRule.QualityBudget reportedBudget,
      byte[] pathState,
      Phases phases) {
    if (test == null) {
      throw new InvalidInputException("the report needs test examples");
    }
    // The recorder first: at an epoch end it has recorded the epoch before the others checkpoint.
    PosteriorPath.Recorder recorder =
        new PosteriorPath.Recorder(validation != null ? validation : train, config);
    if (pathState != null) {
      recorder.restore(pathState, start.architecture());
    }
    trainer.addListener(phases.timed(recorder, Phases.PATH_RECORDING));
    for (TrainingListener l : listeners) {
      trainer.addListener(phases.timed(withPath(l, recorder), Phases.CHECKPOINTS));
    }
    // training first in the list; the listeners' time is taken out of it
    phases.add(Phases.TRAINING, 0, 0);
    long listeningWall =
        phases.wallNanos(Phases.PATH_RECORDING) + phases.wallNanos(Phases.CHECKPOINTS);
    long listeningCpu =
        phases.cpuNanos(Phases.PATH_RECORDING) + phases.cpuNanos(Phases.CHECKPOINTS);
    long wall = System.nanoTime();
    long cpu = phases.cpuNanos();
    Posterior posterior;
    try {
      posterior = trainer.train(cancelled);
    } finally {
      listeningWall =
          phases.wallNanos(Phases.PATH_RECORDING)
              + phases.wallNanos(Phases.CHECKPOINTS)
              - listeningWall;
      listeningCpu =
          phases.cpuNanos(Phases.PATH_RECORDING)
              + phases.cpuNanos(Phases.CHECKPOINTS)
              - listeningCpu;
      phases.add(
          Phases.TRAINING,
          System.nanoTime() - wall - listeningWall,
          phases.cpuNanos() - cpu - listeningCpu);
    }
    PosteriorPath path = phases.time(Phases.PATH_RECORDING, () -> recorder.path(posterior));
    return new Result(
        posterior,
        path,
        report(path, start, train, validation, test, config, reportedBudget, phases));
  }

  private static final int RUN_MAGIC = 0x534c5243; // "SLRC": a training state and its path

  /** Hands {@code listener} checkpoints that hold the path recorded so far as well. */
  private static TrainingListener withPath(
      TrainingListener listener, PosteriorPath.Recorder recorder) {
    return new TrainingListener() {
      @Override
      public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
        listener.onEpochEnd(summary, () -> join(checkpoint.get(), recorder.state()));
      }

      @Override
      public void onPosterior(EpochSummary summary, Supplier<Posterior> posterior) {
        listener.onPosterior(summary, posterior);
      }

      @Override
      public boolean stopAfterEpoch(EpochSummary summary) {
        return listener.stopAfterEpoch(summary);
      }

      @Override
      public void onSteps(StepProgress progress) {
        listener.onSteps(progress);
      }
    };
  }

  private static byte[] join(byte[] training, byte[] path) {
    ByteBuffer b = ByteBuffer.allocate(12 + training.length + path.length);
    b.putInt(RUN_MAGIC).putInt(training.length).put(training).putInt(path.length).put(path);
    return b.array();
  }

  /** The training state and the path state (null in checkpoints that hold no path). */
  private static byte[][] split(byte[] checkpoint) {
    ByteBuffer b = ByteBuffer.wrap(checkpoint);
    if (checkpoint.length < 12 || b.getInt() != RUN_MAGIC) {
      return new byte[][] {checkpoint, null};
    }
    int length = b.getInt();
    if (length < 0 || length > b.remaining() - 4) {
      throw new InvalidInputException("truncated or corrupt checkpoint");
    }
    byte[] training = new byte[length];
    b.get(training);
    int pathLength = b.getInt();
    if (pathLength < 0 || pathLength != b.remaining()) {
      throw new InvalidInputException("truncated or corrupt checkpoint");
    }
    byte[] path = new byte[pathLength];
    b.get(path);
    return new byte[][] {training, path};
  }

  /**
   * Chooses the network to deliver from {@code path} by {@code config}'s rule (the quality budget
   * searches the path; a target size or a threshold prunes the nearest snapshot or the final
   * posterior), fine-tunes, scores and compares.
   *
   * @param validation judges the candidates; the training examples do when null
   */
  public static CompressionReport report(
      PosteriorPath path,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config) {
    return report(
        path, start, train, validation, test, config, PruningRule.QualityBudget.defaults());
  }

  /**
   * As {@link #report(PosteriorPath, DenseNetwork, Examples, Examples, Examples,
   * CompressionConfig)}; a rule other than the quality budget (a target size, a threshold) is
   * reported against {@code reportedBudget}, the job's own.
   */
  public static CompressionReport report(
      PosteriorPath path,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      PruningRule.QualityBudget reportedBudget) {
    return report(path, start, train, validation, test, config, reportedBudget, new Phases());
  }

  /**
   * As {@link #report(PosteriorPath, DenseNetwork, Examples, Examples, Examples, CompressionConfig,
   * PruningRule.QualityBudget)}, adding the wall time of each phase (the search, the baselines, the
   * scores, the latencies) to {@code phases}.
   */
  public static CompressionReport report(
      PosteriorPath path,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples test,
      CompressionConfig config,
      PruningRule.QualityBudget reportedBudget,
      Phases phases) {
    if (test == null) {
      throw new InvalidInputException("the report needs test examples");
    }
    Posterior posterior = path.posterior();
    PathSearch.Delivery delivery =
        phases.time(
            Phases.PATH_SEARCH,
            () -> PathSearch.deliver(path, start, train, validation, test, config, reportedBudget));
    PruningResult pruning =
        phases.time(
            Phases.NODE_PIPS,
            () -> {
              PruningResult p =
                  withMonteCarlo(delivery.pruning(), delivery.source(), config.seed());
              return delivery.upload() ? p : Pruner.withRule(p, config.pruning());
            });
    double[] sd = posterior.targetSd;
    Examples prunedTest = test.selectColumns(pruning.keptInputs());
    DenseNetwork deployed = delivery.network();
    PruningResult chosen = pruning;
    Scores[] scores =
        phases.time(
            Phases.FINAL_SCORING,
            () -> {
              Scores uploaded = Evaluator.score(start, test, config.noiseSd(), sd);
              Scores before =
                  delivery.upload()
                      ? uploaded
                      : Evaluator.score(chosen.network(), prunedTest, config.noiseSd(), sd);
              Scores after =
                  config.fineTuneEpochs() > 0 && !delivery.upload()
                      ? Evaluator.score(deployed, prunedTest, config.noiseSd(), sd)
                      : before;
              return new Scores[] {uploaded, before, after};
            });
    Scores magnitudeScores =
        phases.time(
            Phases.MAGNITUDE_BASELINE,
            () -> {
              DenseNetwork magnitude = magnitudeBaseline(start, chosen);
              if (!delivery.upload() && sameNetwork(magnitude, chosen.network())) {
                // The delivered network is this one (a magnitude candidate whose pruning folded
                // no bias): fine-tuning it on the same rows again would deliver it again.
                return scores[2];
              }
              return Evaluator.score(
                  fineTune(
                      magnitude,
                      train.selectColumns(chosen.keptInputs()),
                      validation == null ? null : validation.selectColumns(chosen.keptInputs()),
                      config,
                      Pruner.totalWeights(posterior)),
                  prunedTest,
                  config.noiseSd(),
                  sd);
            });
    Scores average =
        phases.time(
            Phases.MODEL_AVERAGE,
            () ->
                Evaluator.modelAverage(
                    posterior, test, config.evaluationSamples(), config.seed(), config.noiseSd()));
    double[] latency =
        phases.time(
            Phases.LATENCY,
            () ->
                new double[] {
                  Evaluator.latencyMicros(start, test),
                  Evaluator.latencyMicros(deployed, prunedTest)
                });
    return new CompressionReport(
        deployed,
        pruning,
        scores[0],
        scores[1],
        scores[2],
        average,
        magnitudeScores,
        start.parameterCount(),
        Evaluator.nonZeroParameters(deployed),
        Evaluator.denseFlops(start),
        Evaluator.denseFlops(deployed),
        Evaluator.sparseFlops(deployed),
        latency[0],
        latency[1],
        posterior.lambda(),
        posterior.noiseSd,
        posterior.history(),
        provenance(config, train),
        delivery.budget(),
        delivery.path());
  }

  private static PruningResult withMonteCarlo(PruningResult p, Posterior source, long seed) {
    if (!p.nodePipsMonteCarlo().isEmpty() || p.keptNodes().isEmpty()) {
      return p;
    }
    return new PruningResult(
        p.network(),
        p.keptInputs(),
        p.keptNodes(),
        p.maskedNetwork(),
        p.keptWeights(),
        p.totalWeights(),
        p.inputPips(),
        p.nodePips(),
        Pruner.monteCarloNodePips(source, seed),
        p.layers(),
        p.rule());
  }

  /** A new rule on a finished posterior: no training, no fine-tuning. */
  public static Repruned reprune(
      Posterior posterior,
      PruningRule rule,
      boolean pruneNodes,
      boolean selectInputs,
      Examples test,
      long seed) {
    PruningResult pruning = Pruner.prune(posterior, rule, pruneNodes, selectInputs, seed);
    Scores scores =
        test == null
            ? null
            : Evaluator.score(
                pruning.network(),
                test.selectColumns(pruning.keptInputs()),
                posterior.noiseSd,
                posterior.targetSd);
    return new Repruned(pruning, scores);
  }

  /**
   * Fine-tuning takes at least this many steps (ours): on small data a few epochs are a handful of
   * steps (3 epochs of 200 rows at batch 128: 6 steps), too few for a pruned network to recover.
   */
  static final int FINE_TUNE_MIN_STEPS = 500;

  /** The most steps the floor below asks for, on the smallest networks. */
  static final int FINE_TUNE_MAX_FLOOR_STEPS = 5_000;

  /**
   * The work of the fine-tuning floor, in weights of the uploaded network times steps (ours): every
   * network gets at least about as much as 500 steps of LeNet-300-100 (266,200 weights), up to
   * {@link #FINE_TUNE_MAX_FLOOR_STEPS}. A small network's step costs microseconds, and 500 steps
   * leave a pruned table network short of the upload's fit: on friedman1 (848 weights) the
   * five-input candidates scored RMSE 1.06-1.08 on validation after 500 steps and 1.05-1.06 after
   * about 2,000 (docs/method.md).
   */
  static final long FINE_TUNE_FLOOR_WORK = 120_000_000L;

  /**
   * The epochs of fine-tuning on {@code rows} examples for a network pruned from one of {@code
   * weights} weights: {@code fineTuneEpochs}, or more where that is fewer steps than the floor
   * ({@link #FINE_TUNE_MIN_STEPS}, more on small networks: {@link #FINE_TUNE_FLOOR_WORK}); 0 when
   * fine-tuning is off.
   */
  static int fineTuneEpochs(CompressionConfig config, int rows, long weights) {
    if (config.fineTuneEpochs() == 0) {
      return 0;
    }
    long perEpoch = Math.max(1, (rows + (long) config.batchSize() - 1) / config.batchSize());
    long steps =
        Math.max(
            FINE_TUNE_MIN_STEPS,
            Math.min(FINE_TUNE_MAX_FLOOR_STEPS, FINE_TUNE_FLOOR_WORK / Math.max(1, weights)));
    long floor = (steps + perEpoch - 1) / perEpoch;
    return (int) Math.max(config.fineTuneEpochs(), floor);
  }

  /** Validation checks of a fine-tuning at most: every epoch, or one in several on small data. */
  static final int FINE_TUNE_CHECKS = 50;

  /**
   * Fine-tunes {@code net} on {@code train}; with {@code validation}, returns the network of the
   * check (before the first step, then every few epochs) with the best validation loss (ours). On a
   * few hundred rows the training split is about half of what the upload learned from: a nearly
   * whole network fine-tuned long on it drifts from the upload and scores worse on new rows (the
   * suite's diabetes, 90% of the weights: RMSE 61.0 on held-out rows against the upload's 56.4),
   * while a small one needs the steps to recover. The loss is the mean negative log likelihood
   * (cross-entropy, or squared error for regression), smoother than accuracy.
   */
  static DenseNetwork fineTune(
      DenseNetwork net,
      Examples train,
      Examples validation,
      CompressionConfig config,
      long uploadedWeights) {
    return fineTuneScored(net, train, validation, config, uploadedWeights).network();
  }

  /**
   * A fine-tuned network and its scores on the validation examples it was kept on (null when there
   * were none): accuracy and RMSE do not depend on the target scale, so a caller that scores it on
   * the same examples has them already.
   */
  record Tuned(DenseNetwork network, Scores validation) {}

  /** As {@link #fineTune}, with the validation scores of the network returned. */
  static Tuned fineTuneScored(
      DenseNetwork net,
      Examples train,
      Examples validation,
      CompressionConfig config,
      long uploadedWeights) {
    if (config.fineTuneEpochs() == 0) {
      return new Tuned(net, null);
    }
    int epochs = fineTuneEpochs(config, train.rows(), uploadedWeights);
    DenseTrainer t =
        new DenseTrainer(
            net,
            train,
            config.resolvedFineTuneLearningRate(),
            false,
            config.noiseSd(),
            config.seed());
    if (validation == null || validation.rows() == 0) {
      t.epochs(epochs, config.batchSize(), true);
      return new Tuned(t.network(), null);
    }
    int every = Math.max(1, (epochs + FINE_TUNE_CHECKS - 1) / FINE_TUNE_CHECKS);
    DenseNetwork[] best = {net};
    Scores[] bestScores = {validationScores(net, validation, config)};
    double[] bestLoss = {validationLoss(net, bestScores[0])};
    t.epochs(
        epochs,
        config.batchSize(),
        true,
        e -> {
          if (e % every == 0 || e == epochs) {
            DenseNetwork now = t.network();
            Scores scores = validationScores(now, validation, config);
            double loss = validationLoss(now, scores);
            if (loss <= bestLoss[0]) {
              bestLoss[0] = loss;
              best[0] = now;
              bestScores[0] = scores;
            }
          }
          return true;
        });
    return new Tuned(best[0], bestScores[0]);
  }

  private static Scores validationScores(
      DenseNetwork net, Examples validation, CompressionConfig config) {
    double[] unit = new double[net.outputs()];
    java.util.Arrays.fill(unit, 1);
    return Evaluator.score(net, validation, config.noiseSd(), unit);
  }

  private static double validationLoss(DenseNetwork net, Scores s) {
    double loss = net.output().isClassification() ? s.nll() : s.rmse();
    return Double.isNaN(loss) ? Double.POSITIVE_INFINITY : loss;
  }

  /** Whether two networks have the same shapes, activations and values, bit for bit. */
  static boolean sameNetwork(DenseNetwork a, DenseNetwork b) {
    if (a.output() != b.output() || a.layers().size() != b.layers().size()) {
      return false;
    }
    for (int l = 0; l < a.layers().size(); l++) {
      DenseLayer x = a.layers().get(l);
      DenseLayer y = b.layers().get(l);
      if (x.inputs() != y.inputs()
          || x.outputs() != y.outputs()
          || x.activation() != y.activation()
          || !Arrays.equals(x.weights(), y.weights())
          || !Arrays.equals(x.bias(), y.bias())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The uploaded network restricted to the pruned network's inputs and nodes, keeping the {@code
   * pruning.keptWeights()} weights of largest magnitude over all layers; biases kept.
   */
  static DenseNetwork magnitudeBaseline(DenseNetwork start, PruningResult pruning) {
    int layers = start.layers().size();
    List<int[]> index = new ArrayList<>();
    index.add(pruning.keptInputs());
    index.addAll(pruning.keptNodes());
    int[] outputs = new int[start.outputs()];
    for (int j = 0; j < outputs.length; j++) {
      outputs[j] = j;
    }
    index.add(outputs);
    List<float[]> weights = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    int total = 0;
    for (int l = 0; l < layers; l++) {
      DenseLayer d = start.layers().get(l);
      int[] rows = index.get(l);
      int[] cols = index.get(l + 1);
      float[] w = new float[rows.length * cols.length];
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < cols.length; c++) {
          w[r * cols.length + c] = d.weights()[rows[r] * d.outputs() + cols[c]];
        }
      }
      float[] b = new float[cols.length];
      for (int c = 0; c < cols.length; c++) {
        b[c] = d.bias()[cols[c]];
      }
      weights.add(w);
      biases.add(b);
      total += w.length;
    }
    float[] magnitudes = new float[total];
    int p = 0;
    for (float[] w : weights) {
      for (float x : w) {
        magnitudes[p++] = Math.abs(x);
      }
    }
    long keep = Math.min(pruning.keptWeights(), total);
    float[] sorted = magnitudes.clone();
    Arrays.sort(sorted);
    float cut = keep == 0 ? Float.POSITIVE_INFINITY : sorted[(int) (total - keep)];
    long budget = keep;
    // strictly larger first, then ties at the cut in order, so exactly `keep` survive
    long above = 0;
    for (float m : magnitudes) {
      if (m > cut) {
        above++;
      }
    }
    long tiesAllowed = budget - above;
    List<DenseLayer> result = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      float[] w = weights.get(l);
      for (int i = 0; i < w.length; i++) {
        float m = Math.abs(w[i]);
        if (m > cut) {
          continue;
        }
        if (m == cut && tiesAllowed > 0 && m > 0) {
          tiesAllowed--;
          continue;
        }
        w[i] = 0f;
      }
      DenseLayer d = start.layers().get(l);
      result.add(
          new DenseLayer(
              index.get(l).length, index.get(l + 1).length, w, biases.get(l), d.activation()));
    }
    return new DenseNetwork(result, start.output());
  }

  static Provenance provenance(CompressionConfig config, Examples train) {
    return new Provenance(
        config,
        sha256(train),
        nd4jVersion(),
        System.getProperty("java.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        cpu());
  }

  private static String sha256(Examples e) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(4 * 1024);
      // the features row by row, the same bytes as the whole array in 4 KB blocks
      float[] f = new float[e.cols()];
      for (int r = 0; r < e.rows(); r++) {
        e.copyRow(r, f, 0);
        for (int i = 0; i < f.length; ) {
          buf.clear();
          while (buf.remaining() >= 4 && i < f.length) {
            buf.putFloat(f[i++]);
          }
          md.update(buf.array(), 0, buf.position());
        }
      }
      if (e.labels() != null) {
        for (int y : e.labels()) {
          md.update(ByteBuffer.allocate(4).putInt(y).array());
        }
      } else {
        for (float y : e.targets()) {
          md.update(ByteBuffer.allocate(4).putFloat(y).array());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException ex) {
      throw new EngineException("SHA-256 unavailable", ex);
    }
  }

  private static String nd4jVersion() {
    try (var in =
        org.nd4j.linalg.factory.Nd4j.class.getResourceAsStream(
            "/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (java.io.IOException ignored) {
      // fall through to the manifest
    }
    String v = org.nd4j.linalg.factory.Nd4j.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  private static String cpu() {
    String model = System.getProperty("os.arch");
    try {
      for (String line :
          java.nio.file.Files.readAllLines(
              java.nio.file.Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (java.io.IOException | RuntimeException ignored) {
      // not Linux: the architecture name will do
    }
    return model + ", " + Runtime.getRuntime().availableProcessors() + " cores";
  }
}
