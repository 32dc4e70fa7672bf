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
    return CompressionConfig.defaults()
        .withSeed(seed)
        .withEpochs(settings.epochs())
        .withBatchSize(settings.batchSize())
        .withLearningRate(settings.learningRate())
        .withPriorInclusion(
            settings.priorInclusion().auto()
                ? PriorInclusion.automatic()
                : PriorInclusion.of(settings.priorInclusion().value()))
        .withSlabSd(settings.slabSd())
        .withTemperature(settings.temperature())
        .withEvaluationSamples(settings.evaluationSamples())
        .withPruning(
            settings.threshold() != null
                ? new PruningRule.Threshold(settings.threshold())
                : new PruningRule.TargetWeights(settings.targetWeights()))
        .withPruneNodes(settings.pruneNodes())
        .withSelectInputs(settings.selectInputs())
        .withFineTuneEpochs(settings.fineTuneEpochs())
        .withEarlyStoppingPatience(settings.earlyStoppingPatience())
        .withNoiseSd(settings.noiseSd());
  }
}
