package dev.slabprune.engine;

import java.util.Objects;

/**
 * Everything that decides a compression run, immutable. The method is the spike-and-slab
 * variational inference of Bai, Song &amp; Cheng, "Efficient Variational Inference for Sparse Deep
 * Learning with Theoretical Guarantee" (NeurIPS 2020), with the node and input-feature inclusion
 * probabilities of Saha, Liu &amp; Liang, "Efficient Model Compression for Bayesian Neural
 * Networks" (arXiv 2411.00273). Start from {@link #builder()} (the defaults) or {@link
 * #toBuilder()} and change what differs.
 *
 * @param epochs passes over the training examples in the variational phase (at least 1)
 * @param batchSize examples per step; the last step of an epoch takes the remainder
 * @param learningRate Adam step size for the variational parameters, and for fine-tuning unless
 *     {@code fineTuneLearningRate} is set
 * @param priorInclusion prior inclusion probability lambda, fixed or automatic
 * @param slabSd sd {@code sigma0} of the Gaussian slab
 * @param temperature temperature {@code tau} of the relaxed Bernoulli; it shapes only the
 *     straight-through gradient, the forward mask is an exact Bernoulli draw
 * @param evaluationSamples posterior samples K averaged for the model-average predictions
 * @param pruning which weights, nodes and inputs to keep
 * @param pruneNodes whether hidden nodes that fail the rule (or lose every live path) are removed
 *     from the returned network; when off, only weights are zeroed
 * @param selectInputs whether input features that fail the rule are removed from the first layer
 * @param fineTuneEpochs epochs of plain Adam on the kept weights of the pruned network, with the
 *     mask fixed (0 = none), at least {@code Compression.FINE_TUNE_MIN_STEPS} steps, keeping the
 *     network of the best validation loss; the magnitude baseline gets the same budget
 * @param earlyStoppingPatience stop after this many epochs without a better validation metric and
 *     keep the best epoch's parameters (0 = off; needs validation examples)
 * @param seed the only source of randomness: same seed, same result, bit for bit
 * @param noiseSd noise sd of the Gaussian likelihood on the standardised target (regression only);
 *     {@link #NOISE_SD_FROM_UPLOAD} (the default, ours) estimates it from the uploaded network's
 *     residuals on the training examples, see {@link #uploadNoiseSd}
 * @param stepEventInterval steps between progress events to listeners (at least 1)
 * @param inclusionLearningRate Adam step size of the inclusion logits {@code vartheta} (and of the
 *     node gates); 0 = {@code learningRate} (ours: the reference method shares one step size)
 * @param klAnnealSteps steps over which the weight of the KL term grows geometrically from {@code
 *     klAnnealStart} to 1 (0 = the full KL from the first step, as in the reference method)
 * @param klAnnealStart the KL weight of the first step, in (0, 1]
 * @param inclusionStart how the inclusion probabilities start (ours: the reference method starts
 *     every phi at 0.99)
 * @param lambdaFloor a lower bound on the prior inclusion probability, applied to the automatic one
 *     (0 = none)
 * @param nodeGates a group spike-and-slab gate {@code z_j ~ Bernoulli(lambda_node)} on every input
 *     feature and hidden node, multiplying all of its outgoing weights (ours)
 * @param nodePrior the prior inclusion probability of a node gate
 * @param stopUndecided stop the variational phase once the KL weight is 1, at most this share of
 *     the weights has an undecided PIP (in (0.1, 0.9)) and the density has settled; 0 = train all
 *     {@code epochs} (which is always the cap)
 * @param settleEpochs the density has settled when it moved by at most 2% (relative) over this many
 *     epochs
 * @param threads threads of the variational parameter pass (1 = the calling thread only); the
 *     result does not depend on it, bit for bit: the pass runs in fixed chunks, each with its own
 *     random stream. More than one pays where the service runs fewer jobs than it has cores
 * @param heldOut whether the validation and confirmation examples are rows the uploaded network
 *     never saw (ours): the quality budget's reference is then the upload's own score on them,
 *     without the optimism correction that rows it learned need ({@code PathSearch.Gaps})
 * @param fineTuneLearningRate the first Adam step size of fine-tuning (it falls to zero along a
 *     half cosine); {@link #FINE_TUNE_LEARNING_RATE_AUTO} (0, the default) = {@code learningRate},
 *     the shared step size of the reference method
 */
public record CompressionConfig(
    int epochs,
    int batchSize,
    double learningRate,
    PriorInclusion priorInclusion,
    double slabSd,
    double temperature,
    int evaluationSamples,
    PruningRule pruning,
    boolean pruneNodes,
    boolean selectInputs,
    int fineTuneEpochs,
    int earlyStoppingPatience,
    long seed,
    double noiseSd,
    int stepEventInterval,
    double inclusionLearningRate,
    int klAnnealSteps,
    double klAnnealStart,
    InclusionStart inclusionStart,
    double lambdaFloor,
    boolean nodeGates,
    NodePrior nodePrior,
    double stopUndecided,
    int settleEpochs,
    int threads,
    boolean heldOut,
    double fineTuneLearningRate) {

  /** How the inclusion probabilities phi start. */
  public enum InclusionStart {
    /** phi = 0.99 for every weight and bias (ALGORITHM.md §5). */
    UNIFORM,
    /**
     * Per layer, weights ranked by the upload's magnitude: {@code vartheta = logit(0.99) * rank /
     * count}, from about 0 (phi 0.5) for the smallest to logit(0.99) for the largest; biases and
     * gates as UNIFORM. Under a drift common to all, weights then cross 0.5 one after another in
     * order of magnitude unless the data hold them, instead of all in the same epoch.
     */
    MAGNITUDE
  }

  /** The prior inclusion probability of a node gate. */
  public enum NodePrior {
    /** lambda, the weights' prior inclusion probability. */
    LAMBDA,
    /**
     * lambda^c, c = the gate's outgoing weights: removing a node is judged like removing its
     * weights.
     */
    LAMBDA_TO_COST,
    /** lambda^sqrt(c): between the two. */
    LAMBDA_TO_SQRT_COST
  }

  /** {@link #noiseSd} of a config that estimates the noise from the uploaded network. */
  public static final double NOISE_SD_FROM_UPLOAD = 0;

  /** {@link #fineTuneLearningRate} that fine-tunes at the shared {@code learningRate}. */
  public static final double FINE_TUNE_LEARNING_RATE_AUTO = 0;

  /**
   * The least noise sd estimated from an upload, in units of the target's sd (ours): an upload that
   * interpolates its training rows would otherwise make the likelihood outweigh any prior.
   */
  public static final double MIN_UPLOAD_NOISE_SD = 0.05;

  /**
   * The noise sd of the Gaussian likelihood for an upload whose residuals on the training rows have
   * the root mean square {@code residualSd} (in units of the target's sd): that value, at least
   * {@link #MIN_UPLOAD_NOISE_SD} and at most 1 (ours). The reference method fixes 1, the target's
   * whole spread: on a well-fitted regression (friedman1: residuals 0.2 of the target's sd) the
   * likelihood then weighs 25 times too little against the prior, and the posterior prunes
   * informative inputs. An untrained start, no better than predicting the mean, keeps 1.
   */
  public static double uploadNoiseSd(double residualSd) {
    if (!(residualSd >= 0) || Double.isInfinite(residualSd)) {
      throw new IllegalArgumentException(
          "residual sd must be finite and non-negative: " + residualSd);
    }
    return Math.min(1, Math.max(MIN_UPLOAD_NOISE_SD, residualSd));
  }

  /** This config with a fixed noise sd. */
  public CompressionConfig withNoiseSd(double sd) {
    return toBuilder().noiseSd(sd).build();
  }

  /** The inclusion step size in use: {@link #inclusionLearningRate}, or the shared one. */
  public double resolvedInclusionLearningRate() {
    return inclusionLearningRate > 0 ? inclusionLearningRate : learningRate;
  }

  /** The fine-tuning's first step size: {@link #fineTuneLearningRate}, or the shared one. */
  public double resolvedFineTuneLearningRate() {
    return fineTuneLearningRate > 0 ? fineTuneLearningRate : learningRate;
  }

  /** The weight of the KL term at step {@code t} (0-based): geometric from the start to 1. */
  public double klWeight(long t) {
    if (klAnnealSteps == 0 || t >= klAnnealSteps) {
      return 1;
    }
    return Math.pow(klAnnealStart, 1 - (double) t / klAnnealSteps);
  }

  public CompressionConfig {
    Objects.requireNonNull(priorInclusion, "priorInclusion");
    Objects.requireNonNull(pruning, "pruning");
    require(epochs >= 1 && epochs <= 100_000, "epochs must lie in [1, 100000], got " + epochs);
    require(
        batchSize >= 1 && batchSize <= 1 << 16,
        "batchSize must lie in [1, 65536], got " + batchSize);
    require(
        learningRate > 0 && learningRate <= 1,
        "learningRate must lie in (0, 1], got " + learningRate);
    require(slabSd > 0 && Double.isFinite(slabSd), "slabSd must be positive, got " + slabSd);
    require(
        temperature > 0 && temperature <= 10,
        "temperature must lie in (0, 10], got " + temperature);
    require(
        evaluationSamples >= 1 && evaluationSamples <= 10_000,
        "evaluationSamples must lie in [1, 10000], got " + evaluationSamples);
    require(
        fineTuneEpochs >= 0 && fineTuneEpochs <= 10_000,
        "fineTuneEpochs must lie in [0, 10000], got " + fineTuneEpochs);
    require(
        earlyStoppingPatience >= 0,
        "earlyStoppingPatience must not be negative, got " + earlyStoppingPatience);
    require(
        noiseSd == NOISE_SD_FROM_UPLOAD || (noiseSd > 0 && Double.isFinite(noiseSd)),
        "noiseSd must be positive, or 0 to estimate it from the upload, got " + noiseSd);
    require(stepEventInterval >= 1, "stepEventInterval must be at least 1");
    Objects.requireNonNull(inclusionStart, "inclusionStart");
    Objects.requireNonNull(nodePrior, "nodePrior");
    require(
        inclusionLearningRate >= 0 && inclusionLearningRate <= 1,
        "inclusionLearningRate must lie in [0, 1], got " + inclusionLearningRate);
    require(
        klAnnealSteps >= 0 && klAnnealSteps <= 10_000_000,
        "klAnnealSteps must lie in [0, 10000000], got " + klAnnealSteps);
    require(
        klAnnealStart > 0 && klAnnealStart <= 1,
        "klAnnealStart must lie in (0, 1], got " + klAnnealStart);
    require(
        lambdaFloor >= 0 && lambdaFloor < 1, "lambdaFloor must lie in [0, 1), got " + lambdaFloor);
    require(
        stopUndecided >= 0 && stopUndecided <= 1,
        "stopUndecided must lie in [0, 1], got " + stopUndecided);
    require(
        settleEpochs >= 1 && settleEpochs <= 10_000,
        "settleEpochs must lie in [1, 10000], got " + settleEpochs);
    require(threads >= 1 && threads <= 256, "threads must lie in [1, 256], got " + threads);
    require(
        fineTuneLearningRate >= 0 && fineTuneLearningRate <= 1,
        "fineTuneLearningRate must lie in [0, 1], got " + fineTuneLearningRate);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }

  /**
   * The defaults of ALGORITHM.md §5 (sigma0 = 1, tau = 0.5, batch 128, Adam 1e-3, automatic lambda,
   * K = 30) with the quality budget (the smallest network on the training path within one accuracy
   * point or 5% RMSE of the reference, ALGORITHM.md §9), node and input pruning, and 3 fine-tuning
   * epochs of the pruned network so that it matches the model average; and ours, chosen by
   * measurement across regimes (docs/method.md): inclusion logits started by magnitude rank with a
   * step size of 1e-2, the KL weight annealed from 1e-3 to 1 over 3,000 steps, node gates on the
   * inputs and hidden nodes with prior lambda, and the posterior's stopping rule (5% undecided,
   * density settled over 5 epochs) within the epoch cap.
   */
  public static CompressionConfig defaults() {
    return new CompressionConfig(
        20,
        128,
        1e-3,
        PriorInclusion.automatic(),
        1.0,
        0.5,
        30,
        PruningRule.QualityBudget.defaults(),
        true,
        true,
        3,
        0,
        42L,
        NOISE_SD_FROM_UPLOAD,
        50,
        1e-2,
        3_000,
        1e-3,
        InclusionStart.MAGNITUDE,
        0,
        true,
        NodePrior.LAMBDA,
        0.05,
        5,
        1,
        false,
        FINE_TUNE_LEARNING_RATE_AUTO);
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return defaults().toBuilder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.priorInclusion = priorInclusion;
    b.slabSd = slabSd;
    b.temperature = temperature;
    b.evaluationSamples = evaluationSamples;
    b.pruning = pruning;
    b.pruneNodes = pruneNodes;
    b.selectInputs = selectInputs;
    b.fineTuneEpochs = fineTuneEpochs;
    b.earlyStoppingPatience = earlyStoppingPatience;
    b.seed = seed;
    b.noiseSd = noiseSd;
    b.stepEventInterval = stepEventInterval;
    b.inclusionLearningRate = inclusionLearningRate;
    b.klAnnealSteps = klAnnealSteps;
    b.klAnnealStart = klAnnealStart;
    b.inclusionStart = inclusionStart;
    b.lambdaFloor = lambdaFloor;
    b.nodeGates = nodeGates;
    b.nodePrior = nodePrior;
    b.stopUndecided = stopUndecided;
    b.settleEpochs = settleEpochs;
    b.threads = threads;
    b.heldOut = heldOut;
    b.fineTuneLearningRate = fineTuneLearningRate;
    return b;
  }

  /** Sets fields one by one; {@link #build()} validates them all at once. */
  public static final class Builder {
    private int epochs;
    private int batchSize;
    private double learningRate;
    private PriorInclusion priorInclusion;
    private double slabSd;
    private double temperature;
    private int evaluationSamples;
    private PruningRule pruning;
    private boolean pruneNodes;
    private boolean selectInputs;
    private int fineTuneEpochs;
    private int earlyStoppingPatience;
    private long seed;
    private double noiseSd;
    private int stepEventInterval;
    private double inclusionLearningRate;
    private int klAnnealSteps;
    private double klAnnealStart;
    private InclusionStart inclusionStart;
    private double lambdaFloor;
    private boolean nodeGates;
    private NodePrior nodePrior;
    private double stopUndecided;
    private int settleEpochs;
    private int threads;
    private boolean heldOut;
    private double fineTuneLearningRate;

    private Builder() {}

    public Builder heldOut(boolean v) {
      this.heldOut = v;
      return this;
    }

    public Builder threads(int v) {
      this.threads = v;
      return this;
    }

    public Builder inclusionLearningRate(double v) {
      this.inclusionLearningRate = v;
      return this;
    }

    public Builder klAnnealSteps(int v) {
      this.klAnnealSteps = v;
      return this;
    }

    public Builder klAnnealStart(double v) {
      this.klAnnealStart = v;
      return this;
    }

    public Builder inclusionStart(InclusionStart v) {
      this.inclusionStart = v;
      return this;
    }

    public Builder lambdaFloor(double v) {
      this.lambdaFloor = v;
      return this;
    }

    public Builder nodeGates(boolean v) {
      this.nodeGates = v;
      return this;
    }

    public Builder nodePrior(NodePrior v) {
      this.nodePrior = v;
      return this;
    }

    public Builder stopUndecided(double v) {
      this.stopUndecided = v;
      return this;
    }

    public Builder settleEpochs(int v) {
      this.settleEpochs = v;
      return this;
    }

    public Builder epochs(int v) {
      this.epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      this.batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      this.learningRate = v;
      return this;
    }

    public Builder priorInclusion(PriorInclusion v) {
      this.priorInclusion = v;
      return this;
    }

    public Builder slabSd(double v) {
      this.slabSd = v;
      return this;
    }

    public Builder temperature(double v) {
      this.temperature = v;
      return this;
    }

    public Builder evaluationSamples(int v) {
      this.evaluationSamples = v;
      return this;
    }

    public Builder pruning(PruningRule v) {
      this.pruning = v;
      return this;
    }

    public Builder pruneNodes(boolean v) {
      this.pruneNodes = v;
      return this;
    }

    public Builder selectInputs(boolean v) {
      this.selectInputs = v;
      return this;
    }

    public Builder fineTuneEpochs(int v) {
      this.fineTuneEpochs = v;
      return this;
    }

    public Builder fineTuneLearningRate(double v) {
      this.fineTuneLearningRate = v;
      return this;
    }

    public Builder earlyStoppingPatience(int v) {
      this.earlyStoppingPatience = v;
      return this;
    }

    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    public Builder noiseSd(double v) {
      this.noiseSd = v;
      return this;
    }

    public Builder stepEventInterval(int v) {
      this.stepEventInterval = v;
      return this;
    }

    public CompressionConfig build() {
      return new CompressionConfig(
          epochs,
          batchSize,
          learningRate,
          priorInclusion,
          slabSd,
          temperature,
          evaluationSamples,
          pruning,
          pruneNodes,
          selectInputs,
          fineTuneEpochs,
          earlyStoppingPatience,
          seed,
          noiseSd,
          stepEventInterval,
          inclusionLearningRate,
          klAnnealSteps,
          klAnnealStart,
          inclusionStart,
          lambdaFloor,
          nodeGates,
          nodePrior,
          stopUndecided,
          settleEpochs,
          threads,
          heldOut,
          fineTuneLearningRate);
    }
  }
}
