package dev.slabprune.job.run;

import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.PruningResult;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxExportOptions;
import dev.slabprune.model.format.OnnxModel;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Writes a pruned network as ONNX, with the uploaded model's names and the job's provenance. */
final class PrunedModelWriter {

  private final ArtifactStore artifacts;
  private final OnnxModelWriter writer = new OnnxModelWriter();

  PrunedModelWriter(ArtifactStore artifacts) {
    this.artifacts = artifacts;
  }

  Artifact write(
      UUID jobId,
      OnnxModel model,
      DenseNetwork deployed,
      PruningResult pruning,
      JobParameters parameters) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(
        "slabprune.method", "spike-and-slab variational inference, median probability model");
    metadata.put("slabprune.rule", describe(pruning.rule()));
    metadata.put("slabprune.source_sha256", parameters.modelSha256());
    metadata.put("slabprune.seed", Long.toString(parameters.seed()));
    metadata.put("slabprune.job", jobId.toString());
    metadata.put("slabprune.kept_weights", Long.toString(pruning.keptWeights()));
    metadata.put("slabprune.total_weights", Long.toString(pruning.totalWeights()));
    int width = model.network().inputs();
    // With every input kept, the model needs no Gather in front.
    int[] kept = allInputs(pruning.keptInputs(), width) ? null : pruning.keptInputs();
    OnnxExportOptions options =
        OnnxExportOptions.like(model.summary(), width, kept, metadata)
            .withReducedInput(parameters.reducedInput());
    return artifacts.store(writer.write(deployed, options), ModelService.MEDIA_TYPE);
  }

  private static boolean allInputs(int[] kept, int width) {
    if (kept.length != width) {
      return false;
    }
    for (int i = 0; i < width; i++) {
      if (kept[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static String describe(PruningRule rule) {
    if (rule instanceof PruningRule.Threshold t) {
      return "inclusion probability > " + t.threshold();
    }
    if (rule instanceof PruningRule.TargetWeights t) {
      return "the " + t.weights() + " most probable weights";
    }
    return "none";
  }
}
