package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.engine.CompressionConfig;
import dev.slabprune.engine.PriorInclusion;
import dev.slabprune.engine.PruningRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine settings a job may override; every field is optional and falls back to {@link
 * CompressionConfig#defaults()}.
 *
 * @param priorInclusion a number in (0, 1), or the string {@code auto}
 * @param threshold keep what has inclusion probability above this; default 0.5
 * @param targetWeights keep this many weights, the most probable; excludes {@code threshold}
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
    Double noiseSd) {

  public static final EngineSettings DEFAULTS =
      new EngineSettings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /**
   * The variational steps a job gets when it does not choose its epochs: inclusion probabilities
   * start at 0.99 and Adam moves them about one learning rate per step, so a small dataset needs
   * many epochs before anything can be pruned.
   */
  public static final int DEFAULT_STEPS = 10_000;

  /**
   * These settings with the epochs resolved: as given, else enough epochs for {@link
   * #DEFAULT_STEPS} steps (never fewer than the engine's default), capped at {@code maxEpochs}.
   */
  public EngineSettings withResolvedEpochs(int trainRows, int maxEpochs) {
    if (epochs != null) {
      return this;
    }
    CompressionConfig defaults = CompressionConfig.defaults();
    int batch = batchSize != null ? batchSize : defaults.batchSize();
    int stepsPerEpoch = Math.max(1, (trainRows + batch - 1) / batch);
    int resolved =
        Math.min(
            maxEpochs,
            Math.max(defaults.epochs(), (DEFAULT_STEPS + stepsPerEpoch - 1) / stepsPerEpoch));
    return new EngineSettings(
        resolved,
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
        noiseSd);
  }

  /**
   * The engine configuration these settings ask for.
   *
   * @throws BadInputException listing every setting out of range
   */
  public CompressionConfig toConfig(long seed, int maxEpochs) {
    List<BadInputException.Violation> errors = new ArrayList<>();
    range(errors, "epochs", epochs, 1, maxEpochs);
    range(errors, "batchSize", batchSize, 1, 65536);
    open(errors, "learningRate", learningRate, 0, 1, true);
    open(errors, "slabSd", slabSd, 0, 1e6, true);
    open(errors, "temperature", temperature, 0, 100, true);
    range(errors, "evaluationSamples", evaluationSamples, 1, 1000);
    open(errors, "threshold", threshold, 0, 1, false);
    if (targetWeights != null && targetWeights < 1) {
      errors.add(new BadInputException.Violation("settings.targetWeights", "must be at least 1"));
    }
    if (threshold != null && targetWeights != null) {
      errors.add(
          new BadInputException.Violation(
              "settings.targetWeights", "give either threshold or targetWeights, not both"));
    }
    range(errors, "fineTuneEpochs", fineTuneEpochs, 0, 1000);
    range(errors, "earlyStoppingPatience", earlyStoppingPatience, 0, 10000);
    open(errors, "noiseSd", noiseSd, 0, 1e6, true);
    PriorInclusion prior = prior(errors);
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    CompressionConfig config = CompressionConfig.defaults().withSeed(seed);
    if (epochs != null) config = config.withEpochs(epochs);
    if (batchSize != null) config = config.withBatchSize(batchSize);
    if (learningRate != null) config = config.withLearningRate(learningRate);
    if (prior != null) config = config.withPriorInclusion(prior);
    if (slabSd != null) config = config.withSlabSd(slabSd);
    if (temperature != null) config = config.withTemperature(temperature);
    if (evaluationSamples != null) config = config.withEvaluationSamples(evaluationSamples);
    if (threshold != null) config = config.withPruning(new PruningRule.Threshold(threshold));
    if (targetWeights != null)
      config = config.withPruning(new PruningRule.TargetWeights(targetWeights));
    if (pruneNodes != null) config = config.withPruneNodes(pruneNodes);
    if (selectInputs != null) config = config.withSelectInputs(selectInputs);
    if (fineTuneEpochs != null) config = config.withFineTuneEpochs(fineTuneEpochs);
    if (earlyStoppingPatience != null)
      config = config.withEarlyStoppingPatience(earlyStoppingPatience);
    if (noiseSd != null) config = config.withNoiseSd(noiseSd);
    return config;
  }

  private PriorInclusion prior(List<BadInputException.Violation> errors) {
    if (priorInclusion == null) {
      return null;
    }
    if (priorInclusion instanceof String s && s.strip().equalsIgnoreCase("auto")) {
      return PriorInclusion.automatic();
    }
    if (priorInclusion instanceof Number n && n.doubleValue() > 0 && n.doubleValue() < 1) {
      return PriorInclusion.of(n.doubleValue());
    }
    errors.add(
        new BadInputException.Violation(
            "settings.priorInclusion", "must be a number in (0, 1) or \"auto\""));
    return null;
  }

  private static void range(
      List<BadInputException.Violation> errors, String name, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      errors.add(
          new BadInputException.Violation(
              "settings." + name, "must be between " + min + " and " + max + ", was " + value));
    }
  }

  private static void open(
      List<BadInputException.Violation> errors,
      String name,
      Double value,
      double min,
      double max,
      boolean maxIncluded) {
    if (value == null) {
      return;
    }
    boolean ok = value > min && (maxIncluded ? value <= max : value < max);
    if (!ok || value.isNaN()) {
      errors.add(
          new BadInputException.Violation(
              "settings." + name,
              "must be above "
                  + min
                  + " and "
                  + (maxIncluded ? "at most " : "below ")
                  + max
                  + ", was "
                  + value));
    }
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
