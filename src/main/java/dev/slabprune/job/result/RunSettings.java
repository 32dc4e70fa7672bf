package dev.slabprune.job.result;

/**
 * The engine settings a job runs with, every default resolved: what the owner asked for, and the
 * service's choice for everything else. The job shows them, and the report's provenance repeats
 * them.
 *
 * @param epochs variational training epochs
 * @param batchSize examples per step
 * @param learningRate Adam step size of training and fine-tuning
 * @param priorInclusion the prior inclusion probability lambda, or automatic
 * @param slabSd sd of the Gaussian slab
 * @param temperature temperature of the relaxed Bernoulli (shapes the gradient only)
 * @param evaluationSamples posterior samples averaged for the model average
 * @param threshold keep what has inclusion probability above this; null unless it is the rule
 * @param targetWeights keep this many weights, the most probable; null unless it is the rule
 * @param pruneNodes whether hidden nodes that fail the rule are removed
 * @param selectInputs whether input features that fail the rule are removed
 * @param fineTuneEpochs epochs of plain training of the pruned network (0 = none)
 * @param earlyStoppingPatience epochs without a better validation metric before training stops (0 =
 *     off)
 * @param noiseSd noise sd of the Gaussian likelihood on the standardised target (regression), or
 *     estimated from the upload's residuals
 * @param targetDensity keep this share of the weights, the most probable; null unless it is the
 *     rule
 * @param maxAccuracyDrop the quality budget of a classification, which chooses the network when no
 *     other rule is given; null in jobs stored before there was a budget
 * @param maxRelativeRmseIncrease the same for a regression
 */
public record RunSettings(
    int epochs,
    int batchSize,
    double learningRate,
    PriorInclusionSetting priorInclusion,
    double slabSd,
    double temperature,
    int evaluationSamples,
    Double threshold,
    Long targetWeights,
    boolean pruneNodes,
    boolean selectInputs,
    int fineTuneEpochs,
    int earlyStoppingPatience,
    NoiseSdSetting noiseSd,
    Double targetDensity,
    Double maxAccuracyDrop,
    Double maxRelativeRmseIncrease) {

  public RunSettings {
    int rules =
        (threshold != null ? 1 : 0)
            + (targetWeights != null ? 1 : 0)
            + (targetDensity != null ? 1 : 0);
    if (rules > 1) {
      throw new IllegalArgumentException(
          "at most one of threshold, targetWeights and targetDensity is the rule");
    }
    if (priorInclusion == null) {
      throw new IllegalArgumentException("priorInclusion is a number or auto, never missing");
    }
    if (noiseSd == null) {
      throw new IllegalArgumentException("noiseSd is a number or auto, never missing");
    }
  }

  /** Whether the quality budget chooses the network: no other rule was given. */
  public boolean budgetRule() {
    return threshold == null && targetWeights == null && targetDensity == null;
  }

  /** These settings with another pruning rule and fine-tuning budget, as a re-pruning runs. */
  public RunSettings repruned(
      Double threshold,
      Long targetWeights,
      Double targetDensity,
      Double maxAccuracyDrop,
      Double maxRelativeRmseIncrease,
      boolean pruneNodes,
      boolean selectInputs,
      int fineTuneEpochs) {
    return new RunSettings(
        epochs,
        batchSize,
        learningRate,
        priorInclusion,
        slabSd,
        temperature,
        evaluationSamples,
        threshold,
        targetWeights,
        pruneNodes,
        selectInputs,
        fineTuneEpochs,
        earlyStoppingPatience,
        noiseSd,
        targetDensity,
        maxAccuracyDrop,
        maxRelativeRmseIncrease);
  }
}
