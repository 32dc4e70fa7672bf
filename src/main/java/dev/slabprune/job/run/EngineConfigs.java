package dev.slabprune.job.run;

import dev.slabprune.engine.CompressionConfig;
import dev.slabprune.engine.PriorInclusion;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.job.result.RunSettings;

/** The engine configuration a job's resolved settings stand for. */
public final class EngineConfigs {

  private EngineConfigs() {}

  /**
   * @throws dev.slabprune.engine.InvalidInputException when a setting is outside what the engine
   *     accepts (the request validation's table keeps every setting inside it)
   */
  public static CompressionConfig of(RunSettings settings, long seed) {
    return CompressionConfig.defaults().toBuilder()
        .seed(seed)
        .epochs(settings.epochs())
        .batchSize(settings.batchSize())
        .learningRate(settings.learningRate())
        .priorInclusion(
            settings.priorInclusion().auto()
                ? PriorInclusion.automatic()
                : PriorInclusion.of(settings.priorInclusion().value()))
        .slabSd(settings.slabSd())
        .temperature(settings.temperature())
        .evaluationSamples(settings.evaluationSamples())
        .pruning(rule(settings))
        .pruneNodes(settings.pruneNodes())
        .selectInputs(settings.selectInputs())
        .fineTuneEpochs(settings.fineTuneEpochs())
        .earlyStoppingPatience(settings.earlyStoppingPatience())
        .noiseSd(
            settings.noiseSd().auto()
                ? CompressionConfig.NOISE_SD_FROM_UPLOAD
                : settings.noiseSd().value())
        .build();
  }

  /** The settings' rule; without one, the quality budget (the defaults where a job lacks it). */
  static PruningRule rule(RunSettings settings) {
    if (settings.threshold() != null) {
      return new PruningRule.Threshold(settings.threshold());
    }
    if (settings.targetWeights() != null) {
      return new PruningRule.TargetWeights(settings.targetWeights());
    }
    if (settings.targetDensity() != null) {
      return new PruningRule.TargetDensity(settings.targetDensity());
    }
    return budget(settings);
  }

  /** The settings' quality budget (the defaults where a job lacks it), whatever the rule. */
  public static PruningRule.QualityBudget budget(RunSettings settings) {
    return new PruningRule.QualityBudget(
        settings.maxAccuracyDrop() != null
            ? settings.maxAccuracyDrop()
            : PruningRule.QualityBudget.DEFAULT_ACCURACY_DROP,
        settings.maxRelativeRmseIncrease() != null
            ? settings.maxRelativeRmseIncrease()
            : PruningRule.QualityBudget.DEFAULT_RELATIVE_RMSE_INCREASE);
  }
}
