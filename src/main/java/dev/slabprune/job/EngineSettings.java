package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.job.result.NoiseSdSetting;
import dev.slabprune.job.result.PriorInclusionSetting;
import dev.slabprune.job.result.RunSettings;
import java.util.List;

/**
 * The engine settings a job request may give; every field is optional, and the ranges and defaults
 * are those of {@link JobSetting}.
 *
 * @param priorInclusion a number in (0, 1), or the string {@code auto}
 * @param noiseSd a positive number, or the string {@code auto}
 * @param threshold keep what has inclusion probability above this (the median model at 0.5);
 *     excludes the other rules
 * @param targetWeights keep this many weights, the most probable; excludes the other rules
 * @param targetDensity keep this share of the weights, the most probable; excludes the other rules
 * @param maxAccuracyDrop without a rule, the smallest network on the path whose validation accuracy
 *     is at most this much (a fraction) below the reference is delivered; default 0.01
 * @param maxRelativeRmseIncrease the same for a regression's RMSE, as a share; default 0.05
 */
public record EngineSettings(
    Integer epochs,
    Integer batchSize,
    Double learningRate,
    Object priorInclusion,
    Double slabSd,
    Double temperature,
    Integer evaluationSamples,
    Double threshold,
    Long targetWeights,
    Boolean pruneNodes,
    Boolean selectInputs,
    Integer fineTuneEpochs,
    Integer earlyStoppingPatience,
    Object noiseSd,
    Double targetDensity,
    Double maxAccuracyDrop,
    Double maxRelativeRmseIncrease) {

  public static final EngineSettings DEFAULTS =
      new EngineSettings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null);

  /**
   * The most variational steps a job gets when it does not choose its epochs. A cap: the engine's
   * stopping rule usually ends training earlier, once the posterior has decided (few undecided
   * inclusion probabilities, density settled; docs/method.md). Whether chosen or not, {@code
   * epochs} is an upper bound.
   */
  public static final int DEFAULT_STEPS = 10_000;

  /** The fewest epochs a job gets when it does not choose them. */
  public static final int MIN_DEFAULT_EPOCHS = 20;

  /** Every setting out of range, named {@code settings.<name>}; empty when all are fine. */
  List<BadInputException.Violation> violations(int maxEpochs) {
    return JobSetting.violations(this, "settings.", maxEpochs);
  }

  /**
   * The settings a job runs with: as given, else the table's defaults. Without {@code epochs}, a
   * job trains for enough epochs for {@link #DEFAULT_STEPS} steps (at least {@link
   * #MIN_DEFAULT_EPOCHS}), capped at {@code maxEpochs}. Call after {@link #violations} found none.
   */
  RunSettings resolve(int trainRows, int maxEpochs) {
    int batch = batchSize != null ? batchSize : JobSetting.BATCH_SIZE.defaultInt();
    int resolvedEpochs = epochs != null ? epochs : defaultEpochs(trainRows, batch, maxEpochs);
    return new RunSettings(
        resolvedEpochs,
        batch,
        learningRate != null ? learningRate : JobSetting.LEARNING_RATE.defaultDouble(),
        priorInclusion instanceof Number n
            ? new PriorInclusionSetting(n.doubleValue())
            : PriorInclusionSetting.AUTO,
        slabSd != null ? slabSd : JobSetting.SLAB_SD.defaultDouble(),
        temperature != null ? temperature : JobSetting.TEMPERATURE.defaultDouble(),
        evaluationSamples != null ? evaluationSamples : JobSetting.EVALUATION_SAMPLES.defaultInt(),
        threshold,
        targetWeights,
        pruneNodes != null ? pruneNodes : JobSetting.PRUNE_NODES.defaultBoolean(),
        selectInputs != null ? selectInputs : JobSetting.SELECT_INPUTS.defaultBoolean(),
        fineTuneEpochs != null ? fineTuneEpochs : JobSetting.FINE_TUNE_EPOCHS.defaultInt(),
        earlyStoppingPatience != null
            ? earlyStoppingPatience
            : JobSetting.EARLY_STOPPING_PATIENCE.defaultInt(),
        noiseSd instanceof Number n ? new NoiseSdSetting(n.doubleValue()) : NoiseSdSetting.AUTO,
        targetDensity,
        maxAccuracyDrop != null ? maxAccuracyDrop : JobSetting.MAX_ACCURACY_DROP.defaultDouble(),
        maxRelativeRmseIncrease != null
            ? maxRelativeRmseIncrease
            : JobSetting.MAX_RELATIVE_RMSE_INCREASE.defaultDouble());
  }

  static int defaultEpochs(int trainRows, int batchSize, int maxEpochs) {
    int stepsPerEpoch = Math.max(1, (trainRows + batchSize - 1) / batchSize);
    return Math.min(
        maxEpochs,
        Math.max(MIN_DEFAULT_EPOCHS, (DEFAULT_STEPS + stepsPerEpoch - 1) / stepsPerEpoch));
  }

  static BadInputException invalid(List<BadInputException.Violation> errors) {
    return new BadInputException(
        "invalid-job",
        "Invalid job",
        errors.size() == 1
            ? errors.get(0).location() + " " + errors.get(0).message() + "."
            : errors.size() + " problems with the job: see errors.",
        400,
        errors,
        null);
  }
}
