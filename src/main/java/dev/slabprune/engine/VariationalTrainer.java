package dev.slabprune.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Spike-and-slab variational training of a dense network, the method of Bai, Song &amp; Cheng,
 * "Efficient Variational Inference for Sparse Deep Learning with Theoretical Guarantee" (NeurIPS
 * 2020), as used for compression by Saha, Liu &amp; Liang (arXiv 2411.00273): every weight and bias
 * has a Bernoulli(phi) inclusion and a Gaussian slab; one Monte Carlo sample per step through a
 * straight-through relaxed Bernoulli; loss = batch-mean NLL + KL / n; Adam. The uploaded network is
 * the warm start (mu = its weights). A trainer serves one run; make a new one per run.
 */
final class VariationalTrainer {

  private static final int STATE_MAGIC = 0x534c5453; // "SLTS"
  private static final int STATE_VERSION = 2;

  private final CompressionConfig config;
  private final Examples train;
  private final Examples validation;
  private final OutputKind output;
  private final Mlp mlp;
  private final SlabLayer[] layers;
  private final NativeMatrix[] weightBuffers;
  private final NativeMatrix[] gradientBuffers;
  private final float[] trainTargets;
  private final float[] validationTargets;
  private final double[] targetMean;
  private final double[] targetSd;
  private final double lambda;
  private final SlabLayer.Step step = new SlabLayer.Step();
  private final ParameterPass pass;
  private final long[] drawKeys;
  private final int[] order;
  private final List<TrainingListener> listeners = new ArrayList<>();

  /** Node gates of the rows of each weight layer (inputs, then hidden levels), or null. */
  private final NodeGates[] gates;

  private final double[] gateLogitPrior;
  private final double[] gateLogPrior;
  private final double[] gateLog1mPrior;

  /** Zeros for the rows of closed gates in the forward pass's weights, when gates are on. */
  private final float[] closedRow;

  /**
   * Whether {@link #weightBuffers} hold every layer's theta~ as the last pass drew it (it wrote
   * them chunk by chunk): the next step's forward pass then uses them as they are, with only the
   * rows of closed gates zeroed. Cleared by that step and by anything else that writes them.
   */
  private boolean weightsDrawn;

  private boolean stopRequested;
  private double undecided = 1;

  private Rng noise;
  private Rng shuffle;
  private int epoch;
  private final List<EpochSummary> history = new ArrayList<>();
  private double bestMetric = Double.NaN;
  private int bestEpoch;
  private int epochsWithoutImprovement;
  private float[][] bestMu;
  private float[][] bestRho;
  private float[][] bestV;

  /**
   * @param start the uploaded network, the warm start: mu = its weights and biases
   * @param train training examples (n = their number sets the KL scale)
   * @param validation validation examples for the per-epoch metric and early stopping, or null
   */
  public VariationalTrainer(
      DenseNetwork start, Examples train, Examples validation, CompressionConfig config) {
    Objects.requireNonNull(config, "config");
    this.train = Objects.requireNonNull(train, "train");
    this.validation = validation;
    this.output = start.output();
    checkCompatible(start, train, "training");
    if (validation != null) {
      checkCompatible(start, validation, "validation");
    }
    if (config.earlyStoppingPatience() > 0 && validation == null) {
      throw new InvalidInputException("early stopping needs validation examples");
    }
    this.mlp = Mlp.of(start);
    int count = start.layers().size();
    layers = new SlabLayer[count];
    for (int l = 0; l < count; l++) {
      DenseLayer d = start.layers().get(l);
      SlabLayer s = new SlabLayer(d.inputs(), d.outputs());
      layers[l] = s;
    }
    weightBuffers = mlp.newWeightBuffers();
    gradientBuffers = mlp.newWeightBuffers();
    int k = start.outputs();
    targetMean = new double[output.isClassification() ? 0 : k];
    targetSd = new double[output.isClassification() ? 0 : k];
    boolean standardise =
        !output.isClassification()
            && start.layers().get(count - 1).activation() == Activation.IDENTITY;
    if (!output.isClassification()) {
      for (int j = 0; j < k; j++) {
        targetSd[j] = 1;
      }
      if (standardise) {
        standardisation(train.targets(), k, targetMean, targetSd);
      }
    }
    trainTargets = standardised(train);
    validationTargets = validation == null ? null : standardised(validation);
    // a classification has no noise: any positive value, unused
    this.config =
        config.noiseSd() != CompressionConfig.NOISE_SD_FROM_UPLOAD
            ? config
            : config.withNoiseSd(
                output.isClassification()
                    ? 1
                    : CompressionConfig.uploadNoiseSd(
                        Math.max(
                            residualSd(start, train),
                            validation == null || validation.rows() == 0
                                ? 0
                                : residualSd(start, validation))));
    lambda =
        Math.max(
            config.priorInclusion().resolve(start.architecture(), train.rows()),
            config.lambdaFloor());
    if (config.nodeGates()) {
      gates = new NodeGates[count];
      gateLogitPrior = new double[count];
      gateLogPrior = new double[count];
      gateLog1mPrior = new double[count];
      for (int l = 0; l < count; l++) {
        gates[l] = new NodeGates(layers[l].inputs, layers[l].outputs);
        double[] prior = NodeGates.logPrior(lambda, config.nodePrior(), layers[l].outputs);
        gateLogPrior[l] = prior[0];
        gateLog1mPrior[l] = prior[1];
        gateLogitPrior[l] = prior[0] - prior[1];
      }
      closedRow = new float[java.util.Arrays.stream(start.architecture()).max().orElse(0)];
    } else {
      gates = null;
      gateLogitPrior = null;
      gateLogPrior = null;
      gateLog1mPrior = null;
      closedRow = null;
    }
    initialise(start);
    pass = new ParameterPass(layers, config.threads());
    drawKeys = new long[count];
    order = new int[train.rows()];
    noise = new Rng(config.seed());
    shuffle = new Rng(config.seed() ^ 0x5DEECE66DL);
  }

  /** Continues a run from {@code state}, a checkpoint of a run with the same inputs and config. */
  public static VariationalTrainer resume(
      byte[] state,
      DenseNetwork start,
      Examples train,
      Examples validation,
      CompressionConfig config) {
    VariationalTrainer t = new VariationalTrainer(start, train, validation, config);
    t.restore(state);
    return t;
  }

  public void addListener(TrainingListener listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  /** The prior inclusion probability in use (resolved when automatic). */
  public double lambda() {
    return lambda;
  }

  /** The config in use: the given one, its noise sd estimated from the upload when asked to. */
  public CompressionConfig config() {
    return config;
  }

  /** Completed epochs. */
  public int epoch() {
    return epoch;
  }

  /**
   * Trains the remaining epochs and returns the posterior.
   *
   * @param cancelled polled between steps; when it answers true the run ends with {@link
   *     TrainingCancelledException} (resume from the last epoch's checkpoint)
   */
  public Posterior train(BooleanSupplier cancelled) {
    try {
      while (epoch < config.epochs() && !earlyStopped() && !settled() && !stopRequested) {
        runEpoch(cancelled);
      }
    } finally {
      pass.close();
    }
    if (config.earlyStoppingPatience() > 0 && bestMu != null) {
      for (int l = 0; l < layers.length; l++) {
        System.arraycopy(bestMu[l], 0, layers[l].mu, 0, layers[l].size);
        System.arraycopy(bestRho[l], 0, layers[l].rho, 0, layers[l].size);
        System.arraycopy(bestV[l], 0, layers[l].v, 0, layers[l].size);
      }
    }
    return posterior();
  }

  /**
   * The posterior's own stopping rule (ours): the KL weight has reached 1, few weights are
   * undecided and the density has moved by at most 2% over the last {@code settleEpochs} epochs.
   */
  boolean settled() {
    if (config.stopUndecided() <= 0 || config.klWeight(step.t) < 1) {
      return false;
    }
    int window = config.settleEpochs();
    if (history.size() <= window || undecided > config.stopUndecided()) {
      return false;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int i = history.size() - 1 - window; i < history.size(); i++) {
      double d = history.get(i).density();
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    return hi - lo <= 0.02 * hi;
  }

  /** Share of the weights whose inclusion probability lies in (0.1, 0.9), at the last epoch end. */
  public double undecidedShare() {
    return undecided;
  }

  /** Why training ended, once {@link #train} returned. */
  public String stopReason() {
    if (stopRequested) {
      return "listener";
    }
    if (earlyStopped()) {
      return "early-stopping";
    }
    if (settled()) {
      return "settled";
    }
    return "epochs";
  }

  private boolean earlyStopped() {
    return config.earlyStoppingPatience() > 0
        && epochsWithoutImprovement >= config.earlyStoppingPatience();
  }

  Posterior posterior() {
    int count = layers.length;
    float[][] mu = new float[count][];
    float[][] rho = new float[count][];
    float[][] v = new float[count][];
    float[][] g = gates == null ? null : new float[count][];
    for (int l = 0; l < count; l++) {
      mu[l] = layers[l].mu.clone();
      rho[l] = layers[l].rho.clone();
      v[l] = layers[l].v.clone();
      if (g != null) {
        g[l] = gates[l].v.clone();
      }
    }
    return new Posterior(
        mlp.widths.clone(),
        mlp.activations.clone(),
        output,
        lambda,
        config.slabSd(),
        config.noiseSd(),
        mu,
        rho,
        v,
        targetMean.clone(),
        targetSd.clone(),
        history,
        g);
  }

  private void runEpoch(BooleanSupplier cancelled) {
    long started = System.nanoTime();
    int n = train.rows();
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle.shuffle(order);
    stepConstants();
    pass.run(step, false, true, drawKeys(), null, weightBuffers);
    weightsDrawn = true;
    if (gates != null) {
      for (int l = 0; l < gates.length; l++) {
        gates[l].sample(step, gateLogitPrior[l], noise);
      }
    }
    int batch = config.batchSize();
    int stepsPerEpoch = (n + batch - 1) / batch;
    double nllSum = 0;
    int stepIndex = 0;
    for (int from = 0; from < n; from += batch) {
      if (cancelled != null && cancelled.getAsBoolean()) {
        throw new TrainingCancelledException(epoch);
      }
      int m = Math.min(batch, n - from);
      boolean last = from + m >= n;
      double nll = step(from, m, !last);
      nllSum += nll * m;
      stepIndex++;
      if (stepIndex % config.stepEventInterval() == 0 || !Double.isFinite(nll)) {
        StepProgress p = new StepProgress(epoch + 1, stepIndex, stepsPerEpoch, nll);
        for (TrainingListener listener : listeners) {
          listener.onSteps(p);
        }
      }
    }
    epoch++;
    endEpoch(nllSum / n, (System.nanoTime() - started) / 1e9);
  }

  /**
   * One variational step on rows {@code order[from .. from + m)}, and (when {@code draw}) the draw
   * of the next step's sample; returns the batch-mean NLL.
   */
  double step(int from, int m, boolean draw) {
    double nll = forwardBackward(from, m, true);
    stepConstants();
    step.t++;
    // the pass reads the gradients from the products' matrices, as forwardBackward left them
    pass.run(step, true, draw, drawKeys(), gradientBuffers, weightBuffers);
    weightsDrawn = draw;
    if (gates != null) {
      for (int l = 0; l < gates.length; l++) {
        gates[l].update(step, gateLogitPrior[l], draw ? noise : null, null);
      }
    }
    return nll;
  }

  /**
   * The keys of the noise of each layer's sample drawn now: the seed, the number of steps done and
   * the layer decide them, so a resumed run draws what the uninterrupted one drew.
   */
  private long[] drawKeys() {
    for (int l = 0; l < layers.length; l++) {
      drawKeys[l] = NoiseBlocks.key(config.seed(), step.t, l);
    }
    return drawKeys;
  }

  /** Ends the pool of the parameter pass, for callers that step without {@link #train}. */
  void closePass() {
    pass.close();
  }

  /** Forward and backward with the current sample; fills every layer's {@code grad}. */
  double forwardBackward(int from, int m) {
    return forwardBackward(from, m, false);
  }

  /**
   * Forward and backward with the current sample. With {@code inPlace} (a training step, whose pass
   * reads the gradients from {@link #gradientBuffers}): the weights the last pass wrote to {@link
   * #weightBuffers} are used as they are, when it drew them, and the gradients stay in {@link
   * #gradientBuffers}, those of closed gates' rows zeroed there; {@code grad} is left as it was.
   */
  private double forwardBackward(int from, int m, boolean inPlace) {
    Mlp.Workspace ws = mlp.workspace(m);
    ws.loadRows(train, order, from);
    boolean drawn = inPlace && weightsDrawn;
    weightsDrawn = false;
    for (int l = 0; l < layers.length; l++) {
      if (gates == null) {
        if (!drawn) {
          weightBuffers[l].put(0, layers[l].theta, 0, layers[l].size);
        }
      } else if (drawn) {
        closeRows(l);
      } else {
        putGatedWeights(l);
      }
    }
    ws.forward(weightBuffers);
    double nll = outputGradient(ws, m, from);
    ws.backward(weightBuffers, gradientBuffers);
    for (int l = 0; l < layers.length; l++) {
      if (inPlace) {
        if (gates != null) {
          gateGradientsInPlace(l);
        }
      } else {
        gradientBuffers[l].get(0, layers[l].grad, 0, layers[l].size);
        if (gates != null) {
          gateGradients(l);
        }
      }
    }
    return nll;
  }

  /** Zeros the rows of closed gates in a layer's weight matrix, which holds theta~ otherwise. */
  private void closeRows(int l) {
    SlabLayer s = layers[l];
    NodeGates g = gates[l];
    NativeMatrix w = weightBuffers[l];
    int width = s.outputs;
    for (int j = 0; j < s.inputs; j++) {
      if (g.gate(j) == 0) {
        w.put(j * width, closedRow, 0, width);
      }
    }
  }

  /**
   * {@link #gateGradients} on the gradient's native matrix: each row's dot product with theta~ read
   * from there, and the rows of closed gates zeroed there.
   */
  private void gateGradientsInPlace(int l) {
    SlabLayer s = layers[l];
    NodeGates g = gates[l];
    NativeMatrix grads = gradientBuffers[l];
    int width = s.outputs;
    for (int j = 0; j < s.inputs; j++) {
      int base = j * width;
      g.gradZ[j] = dot(grads.bytes, s.theta, base, width);
      if (g.gate(j) == 0) {
        grads.put(base, closedRow, 0, width);
      }
    }
  }

  /**
   * theta~ with the rows of closed gates zeroed, and the bias: the weights the forward pass uses,
   * written row by row into the layer's weight matrix.
   */
  private void putGatedWeights(int l) {
    SlabLayer s = layers[l];
    NodeGates g = gates[l];
    NativeMatrix w = weightBuffers[l];
    int width = s.outputs;
    for (int j = 0; j < s.inputs; j++) {
      int base = j * width;
      if (g.gate(j) != 0) {
        w.put(base, s.theta, base, width);
      } else {
        w.put(base, closedRow, 0, width);
      }
    }
    w.put(s.weightCount, s.theta, s.weightCount, width);
  }

  /**
   * From dNLL/d(z_j theta~_jk) in {@code grad}: dNLL/dz_j = sum_k grad_jk theta~_jk, and
   * dNLL/dtheta~_jk = z_j grad_jk.
   */
  private void gateGradients(int l) {
    SlabLayer s = layers[l];
    NodeGates g = gates[l];
    int width = s.outputs;
    for (int j = 0; j < s.inputs; j++) {
      int base = j * width;
      g.gradZ[j] = dot(s.grad, s.theta, base, width);
      if (g.gate(j) == 0) {
        java.util.Arrays.fill(s.grad, base, base + width, 0f);
      }
    }
  }

  private static final java.nio.ByteOrder ORDER = java.nio.ByteOrder.nativeOrder();

  /**
   * {@link #dot(float[], float[], int, int)} with {@code a} the floats of a native matrix's bytes
   * (element i at byte {@code 4 i}): the same lanes and order, so the same bits.
   */
  static double dot(java.nio.ByteBuffer a, float[] b, int from, int n) {
    jdk.incubator.vector.VectorSpecies<Float> f = FloatMath.F;
    int end = from + (n / f.length()) * f.length();
    jdk.incubator.vector.FloatVector sum = jdk.incubator.vector.FloatVector.zero(f);
    for (int i = from; i < end; i += f.length()) {
      sum =
          jdk.incubator.vector.FloatVector.fromByteBuffer(f, a, i * 4, ORDER)
              .fma(jdk.incubator.vector.FloatVector.fromArray(f, b, i), sum);
    }
    double d = sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    for (int i = end; i < from + n; i++) {
      d += (double) a.getFloat(i * 4) * b[i];
    }
    return d;
  }

  /**
   * {@code sum a[i] b[i]} over {@code [from, from + n)}: float products summed in float over Vector
   * API lanes, then the lanes and the tail in double.
   */
  static double dot(float[] a, float[] b, int from, int n) {
    jdk.incubator.vector.VectorSpecies<Float> f = FloatMath.F;
    int end = from + (n / f.length()) * f.length();
    jdk.incubator.vector.FloatVector sum = jdk.incubator.vector.FloatVector.zero(f);
    for (int i = from; i < end; i += f.length()) {
      sum =
          jdk.incubator.vector.FloatVector.fromArray(f, a, i)
              .fma(jdk.incubator.vector.FloatVector.fromArray(f, b, i), sum);
    }
    double d = sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    for (int i = end; i < from + n; i++) {
      d += (double) a[i] * b[i];
    }
    return d;
  }

  private double outputGradient(Mlp.Workspace ws, int m, int from) {
    int k = mlp.widths[mlp.layers];
    if (output.isClassification()) {
      return Likelihood.softmaxCrossEntropy(
          ws.output(), m, k, train.labels(), order, from, ws.outputDelta());
    }
    return Likelihood.gaussian(
        ws.output(), m, k, trainTargets, order, from, config.noiseSd(), ws.outputDelta());
  }

  private void endEpoch(double nll, double seconds) {
    double logLambda = Math.log(lambda);
    double log1mLambda = Math.log1p(-lambda);
    double kl = 0;
    long kept = 0;
    long weights = 0;
    long open = 0;
    for (int l = 0; l < layers.length; l++) {
      SlabLayer layer = layers[l];
      float[] rows = gates == null ? null : gates[l].v;
      kl += layer.kl(logLambda, log1mLambda, config.slabSd());
      if (gates != null) {
        kl += gates[l].kl(gateLogPrior[l], gateLog1mPrior[l]);
      }
      kept += layer.keptWeights(rows);
      open += layer.undecidedWeights(rows);
      weights += layer.weightCount;
    }
    undecided = (double) open / weights;
    double metric = validation == null ? Double.NaN : validationMetric();
    EpochSummary summary =
        new EpochSummary(
            epoch, -(nll * train.rows() + kl), kl, nll, (double) kept / weights, metric, seconds);
    history.add(summary);
    if (config.earlyStoppingPatience() > 0) {
      boolean better =
          Double.isNaN(bestMetric)
              || (output.isClassification() ? metric > bestMetric : metric < bestMetric);
      if (better) {
        bestMetric = metric;
        bestEpoch = epoch;
        epochsWithoutImprovement = 0;
        snapshotBest();
      } else {
        epochsWithoutImprovement++;
      }
    }
    for (TrainingListener listener : listeners) {
      listener.onEpochEnd(summary, this::checkpoint);
      listener.onPosterior(summary, this::posterior);
    }
    for (TrainingListener listener : listeners) {
      stopRequested |= listener.stopAfterEpoch(summary);
    }
  }

  private void snapshotBest() {
    if (bestMu == null) {
      bestMu = new float[layers.length][];
      bestRho = new float[layers.length][];
      bestV = new float[layers.length][];
    }
    for (int l = 0; l < layers.length; l++) {
      bestMu[l] = layers[l].mu.clone();
      bestRho[l] = layers[l].rho.clone();
      bestV[l] = layers[l].v.clone();
    }
  }

  /** Accuracy or RMSE (standardised units times sd) of the median model on validation. */
  private double validationMetric() {
    float[][] w = new float[layers.length][];
    for (int l = 0; l < layers.length; l++) {
      SlabLayer s = layers[l];
      w[l] = new float[s.size];
      float[] rows = gates == null ? null : gates[l].v;
      for (int i = 0; i < s.size; i++) {
        boolean open = rows == null || i >= s.weightCount || rows[i / s.outputs] > 0;
        w[l][i] = s.v[i] > 0 && open ? s.mu[i] : 0f;
      }
      weightBuffers[l].put(0, w[l], 0, s.size);
    }
    weightsDrawn = false;
    float[] out = mlp.predict(weightBuffers, validation);
    int k = mlp.widths[mlp.layers];
    if (output.isClassification()) {
      return Metrics.accuracy(out, k, validation.labels());
    }
    return Metrics.rmse(out, k, validationTargets, targetSd);
  }

  /**
   * Root mean square of the upload's residuals on {@code ex}, in units of the training target's sd.
   * The noise estimate takes the larger of the training and validation examples': where the upload
   * did not see the validation rows, theirs is the honest one.
   */
  private double residualSd(DenseNetwork start, Examples ex) {
    float[] out = Evaluator.outputs(start, ex);
    int k = targetSd.length;
    double s = 0;
    for (int i = 0; i < out.length; i++) {
      double d = (out[i] - ex.targets()[i]) / targetSd[i % k];
      s += d * d;
    }
    return Math.sqrt(s / out.length);
  }

  private float[] standardised(Examples e) {
    if (output.isClassification()) {
      return null;
    }
    int k = targetMean.length;
    float[] t = new float[e.targets().length];
    for (int i = 0; i < t.length; i++) {
      int j = i % k;
      t[i] = (float) ((e.targets()[i] - targetMean[j]) / targetSd[j]);
    }
    return t;
  }

  private static void standardisation(float[] targets, int k, double[] mean, double[] sd) {
    int rows = targets.length / k;
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int r = 0; r < rows; r++) {
        s += targets[r * k + j];
      }
      double m = s / rows;
      double ss = 0;
      for (int r = 0; r < rows; r++) {
        double d = targets[r * k + j] - m;
        ss += d * d;
      }
      mean[j] = m;
      sd[j] = rows > 1 && ss > 0 ? Math.sqrt(ss / (rows - 1)) : 1;
    }
  }

  private void initialise(DenseNetwork start) {
    float phi0 = (float) Math.log(0.99 / 0.01);
    int last = layers.length - 1;
    for (int l = 0; l < layers.length; l++) {
      DenseLayer d = start.layers().get(l);
      SlabLayer s = layers[l];
      System.arraycopy(d.weights(), 0, s.mu, 0, s.weightCount);
      System.arraycopy(d.bias(), 0, s.mu, s.weightCount, d.outputs());
      if (l == last && targetSd.length > 0) {
        // the last layer now predicts the standardised target
        for (int i = 0; i < s.weightCount; i++) {
          s.mu[i] = (float) (s.mu[i] / targetSd[i % d.outputs()]);
        }
        for (int j = 0; j < d.outputs(); j++) {
          s.mu[s.weightCount + j] =
              (float) ((s.mu[s.weightCount + j] - targetMean[j]) / targetSd[j]);
        }
      }
      java.util.Arrays.fill(s.rho, -6f);
      java.util.Arrays.fill(s.v, phi0);
      if (config.inclusionStart() == CompressionConfig.InclusionStart.MAGNITUDE) {
        byMagnitude(s.mu, s.v, s.weightCount, phi0);
      }
      if (gates != null) {
        java.util.Arrays.fill(gates[l].v, phi0);
      }
    }
  }

  /**
   * {@code v[i] = top * rank(|mu_i|) / count} over the first {@code count} entries, rank from 1
   * (smallest) to count; ties by position. Sorts one long per weight, {@code |mu_i|}'s bits above
   * {@code i} (a non-negative float's bits order as the float does; every NaN has one bit pattern
   * and sorts last), rather than boxed indices: no garbage the size of the layer.
   */
  static void byMagnitude(float[] mu, float[] v, int count, float top) {
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = (long) Float.floatToIntBits(Math.abs(mu[i])) << 32 | i;
    }
    java.util.Arrays.sort(keys);
    for (int r = 0; r < count; r++) {
      v[(int) keys[r]] = top * (r + 1) / count;
    }
  }

  private static void checkCompatible(DenseNetwork net, Examples e, String what) {
    if (e.cols() != net.inputs()) {
      throw new InvalidInputException(
          "the "
              + what
              + " examples have "
              + e.cols()
              + " features but the network takes "
              + net.inputs());
    }
    if (e.isClassification() != net.output().isClassification()) {
      throw new InvalidInputException(
          "the "
              + what
              + " examples are for "
              + (e.isClassification() ? "classification" : "regression")
              + " but the network's output is "
              + net.output());
    }
    if (e.outputs() != net.outputs()) {
      throw new InvalidInputException(
          "the "
              + what
              + " examples have "
              + e.outputs()
              + " outputs (classes or targets) but"
              + " the network gives "
              + net.outputs());
    }
  }

  /** The complete training state after the last completed epoch, versioned binary. */
  public byte[] checkpoint() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(STATE_MAGIC);
      out.writeInt(STATE_VERSION);
      Posterior.Codec.writeInts(out, mlp.widths);
      out.writeInt(train.rows());
      out.writeLong(config.seed());
      out.writeInt(epoch);
      out.writeLong(step.t);
      for (SlabLayer s : layers) {
        Posterior.Codec.writeFloats(out, s.mu);
        Posterior.Codec.writeFloats(out, s.rho);
        Posterior.Codec.writeFloats(out, s.v);
        for (int f = SlabLayer.M_MU; f <= SlabLayer.V_V; f++) {
          Posterior.Codec.writeFloats(out, s.field(f));
        }
      }
      out.writeBoolean(gates != null);
      if (gates != null) {
        for (NodeGates g : gates) {
          Posterior.Codec.writeFloats(out, g.v);
          Posterior.Codec.writeFloats(out, g.work);
        }
      }
      out.writeBoolean(stopRequested);
      out.writeDouble(undecided);
      noise.write(out);
      shuffle.write(out);
      Posterior.Codec.writeHistory(out, history);
      out.writeDouble(bestMetric);
      out.writeInt(bestEpoch);
      out.writeInt(epochsWithoutImprovement);
      out.writeBoolean(bestMu != null);
      if (bestMu != null) {
        for (int l = 0; l < layers.length; l++) {
          Posterior.Codec.writeFloats(out, bestMu[l]);
          Posterior.Codec.writeFloats(out, bestRho[l]);
          Posterior.Codec.writeFloats(out, bestV[l]);
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new EngineException("could not serialise the training state", e);
    }
  }

  private void restore(byte[] state) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
      if (in.readInt() != STATE_MAGIC) {
        throw new InvalidInputException("not a training checkpoint");
      }
      int version = in.readInt();
      if (version != STATE_VERSION) {
        throw new InvalidInputException("unsupported checkpoint format version " + version);
      }
      int[] widths = Posterior.Codec.readInts(in);
      if (!java.util.Arrays.equals(widths, mlp.widths)) {
        throw new InvalidInputException("the checkpoint is for another architecture");
      }
      if (in.readInt() != train.rows() || in.readLong() != config.seed()) {
        throw new InvalidInputException("the checkpoint is for other training data or seed");
      }
      epoch = in.readInt();
      step.t = in.readLong();
      for (SlabLayer s : layers) {
        for (float[] a : new float[][] {s.mu, s.rho, s.v}) {
          System.arraycopy(readSized(in, s.size), 0, a, 0, s.size);
        }
        for (int f = SlabLayer.M_MU; f <= SlabLayer.V_V; f++) {
          s.setField(f, readSized(in, s.size));
        }
      }
      if (in.readBoolean() != (gates != null)) {
        throw new InvalidInputException("the checkpoint's node gates do not match the config");
      }
      if (gates != null) {
        for (NodeGates g : gates) {
          System.arraycopy(readSized(in, g.count), 0, g.v, 0, g.count);
          System.arraycopy(readSized(in, g.work.length), 0, g.work, 0, g.work.length);
        }
      }
      stopRequested = in.readBoolean();
      undecided = in.readDouble();
      noise = Rng.read(in);
      shuffle = Rng.read(in);
      history.clear();
      history.addAll(Posterior.Codec.readHistory(in));
      bestMetric = in.readDouble();
      bestEpoch = in.readInt();
      epochsWithoutImprovement = in.readInt();
      if (in.readBoolean()) {
        bestMu = new float[layers.length][];
        bestRho = new float[layers.length][];
        bestV = new float[layers.length][];
        for (int l = 0; l < layers.length; l++) {
          bestMu[l] = Posterior.Codec.readFloats(in);
          bestRho[l] = Posterior.Codec.readFloats(in);
          bestV[l] = Posterior.Codec.readFloats(in);
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException("truncated or corrupt checkpoint: " + e.getMessage());
    }
  }

  private static float[] readSized(DataInputStream in, int size) throws IOException {
    float[] read = Posterior.Codec.readFloats(in);
    if (read.length != size) {
      throw new InvalidInputException("the checkpoint's parameter sizes do not match");
    }
    return read;
  }

  // Package-private hooks for the checks against the double-precision reference.

  SlabLayer layer(int l) {
    return layers[l];
  }

  /** The node gates of weight layer {@code l}'s rows, or null without gates. */
  NodeGates gates(int l) {
    return gates == null ? null : gates[l];
  }

  double gateLogitPrior(int l) {
    return gateLogitPrior[l];
  }

  int[] order() {
    return order;
  }

  SlabLayer.Step stepConstants() {
    step.tau = config.temperature();
    step.sigma0 = config.slabSd();
    step.logSigma0 = Math.log(config.slabSd());
    step.invVar0 = 1 / (config.slabSd() * config.slabSd());
    step.logitLambda = Math.log(lambda) - Math.log1p(-lambda);
    step.klScale = config.klWeight(step.t) / train.rows();
    step.learningRate = config.learningRate();
    step.inclusionLearningRate = config.resolvedInclusionLearningRate();
    return step;
  }
}
