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
        .pruning(
            settings.threshold() != null
                ? new PruningRule.Threshold(settings.threshold())
                : new PruningRule.TargetWeights(settings.targetWeights()))
        .pruneNodes(settings.pruneNodes())
        .selectInputs(settings.selectInputs())
        .fineTuneEpochs(settings.fineTuneEpochs())
        .earlyStoppingPatience(settings.earlyStoppingPatience())
        .noiseSd(settings.noiseSd())
        .build();
  }
}
