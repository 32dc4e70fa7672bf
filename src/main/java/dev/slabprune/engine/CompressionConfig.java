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
 * @param learningRate Adam step size for the variational parameters and for fine-tuning
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
 *     mask fixed (0 = none); the magnitude baseline gets the same budget
 * @param earlyStoppingPatience stop after this many epochs without a better validation metric and
 *     keep the best epoch's parameters (0 = off; needs validation examples)
 * @param seed the only source of randomness: same seed, same result, bit for bit
 * @param noiseSd fixed noise sd of the Gaussian likelihood on the standardised target (regression
 *     only)
 * @param stepEventInterval steps between progress events to listeners (at least 1)
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
    int stepEventInterval) {

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
    require(noiseSd > 0 && Double.isFinite(noiseSd), "noiseSd must be positive, got " + noiseSd);
    require(stepEventInterval >= 1, "stepEventInterval must be at least 1");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new InvalidInputException(message);
    }
  }

  /**
   * The defaults of ALGORITHM.md §5 (sigma0 = 1, tau = 0.5, batch 128, Adam 1e-3, automatic lambda,
   * K = 30), the quality budget (the smallest network on the training path within one accuracy
   * point or 5% RMSE of the reference, ALGORITHM.md §9), node and input pruning, and 3 fine-tuning
   * epochs of the pruned network so that it matches the model average.
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
        1.0,
        50);
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

    private Builder() {}

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
          stepEventInterval);
    }
  }
}
