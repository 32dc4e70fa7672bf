package dev.slabprune.job;

import dev.slabprune.engine.CompressionReport;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.EpochSummary;
import dev.slabprune.engine.LayerSummary;
import dev.slabprune.engine.PruningResult;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.engine.Scores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the engine's results into the JSON documents a job serves: the report (why each part was
 * kept or cut, how the pruned network scores, warnings when it scores worse) and the inclusion
 * probabilities.
 */
final class JobReports {

  /** Accuracy lost beyond this (0.5 points) is reported as a warning. */
  static final double ACCURACY_TOLERANCE = 0.005;

  private JobReports() {}

  static Map<String, Object> report(
      UUID jobId,
      CompressionReport report,
      boolean classification,
      long artifactBytes,
      long uploadedBytes,
      String artifactSha256) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("jobId", jobId);
    doc.put("source", "training");
    doc.put("pruning", pruning(report.pruning(), report.network()));
    Map<String, Object> scores = new LinkedHashMap<>();
    scores.put("uploaded", scores(report.uploaded()));
    scores.put("prunedBeforeFineTuning", scores(report.prunedBeforeFineTuning()));
    scores.put("pruned", scores(report.pruned()));
    scores.put("modelAverage", scores(report.modelAverage()));
    scores.put("magnitudeBaseline", scores(report.magnitude()));
    doc.put("scores", scores);
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("uploadedParameters", report.uploadedParameters());
    size.put("prunedParameters", report.prunedParameters());
    size.put("uploadedFlops", report.uploadedFlops());
    size.put("prunedFlops", report.prunedFlops());
    size.put("prunedSparseFlops", report.prunedSparseFlops());
    size.put("uploadedLatencyMicros", finite(report.uploadedLatencyMicros()));
    size.put("prunedLatencyMicros", finite(report.prunedLatencyMicros()));
    size.put(
        "measuredSpeedup", finite(report.uploadedLatencyMicros() / report.prunedLatencyMicros()));
    doc.put("size", size);
    doc.put("artifact", artifact(artifactSha256, artifactBytes, uploadedBytes));
    doc.put("priorInclusion", report.lambda());
    doc.put("history", report.history().stream().map(JobReports::epoch).toList());
    doc.put("provenance", report.provenance());
    doc.put(
        "warnings",
        warnings(
            report.uploaded(),
            report.pruned(),
            report.modelAverage(),
            report.magnitude(),
            classification,
            report.pruning()));
    return doc;
  }

  /** The report of a re-pruning: the new rule's network, scored without fine-tuning. */
  static Map<String, Object> repruned(
      UUID jobId,
      int pruningNumber,
      PruningResult pruning,
      Scores scores,
      Map<String, Object> trainingReport,
      boolean classification,
      long artifactBytes,
      long uploadedBytes,
      String artifactSha256) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("jobId", jobId);
    doc.put("source", "reprune");
    doc.put("pruningNumber", pruningNumber);
    doc.put("pruning", pruning(pruning, pruning.network()));
    Map<String, Object> all = new LinkedHashMap<>();
    Object training = trainingReport.get("scores");
    if (training instanceof Map<?, ?> earlier) {
      all.put("uploaded", earlier.get("uploaded"));
      all.put("modelAverage", earlier.get("modelAverage"));
    }
    all.put("pruned", scores(scores));
    doc.put("scores", all);
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("prunedParameters", pruning.keptWeights() + biasCount(pruning.network()));
    doc.put("size", size);
    doc.put("artifact", artifact(artifactSha256, artifactBytes, uploadedBytes));
    doc.put("history", trainingReport.get("history"));
    doc.put("provenance", trainingReport.get("provenance"));
    List<String> warnings = new ArrayList<>();
    warnings.add(
        "Re-pruned without fine-tuning: scores are those of the pruned weights as trained.");
    if (pruning.keptWeights() == 0) {
      warnings.add("Every weight was pruned: the network outputs constants.");
    }
    doc.put("warnings", warnings);
    return doc;
  }

  static Map<String, Object> inclusionProbabilities(
      UUID jobId, PruningResult pruning, int[] architecture, List<String> featureNames) {
    List<Map<String, Object>> layers = new ArrayList<>();
    for (int l = 0; l < architecture.length - 1; l++) {
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("layer", l);
      layer.put("inputs", architecture[l]);
      layer.put("outputs", architecture[l + 1]);
      if (l < pruning.nodePips().size()) {
        layer.put("nodePips", pruning.nodePips().get(l));
        layer.put("nodePipsMonteCarlo", pruning.nodePipsMonteCarlo().get(l));
        layer.put("keptNodes", pruning.keptNodes().get(l));
      }
      LayerSummary summary = pruning.layers().get(l);
      layer.put("weightPipHistogram", summary.pipHistogram());
      layer.put(
          "weightsNpy",
          "/api/v1/jobs/" + jobId + "/inclusion-probabilities/weights.npy?layer=" + l);
      layers.add(layer);
    }
    boolean[] kept = new boolean[architecture[0]];
    for (int i : pruning.keptInputs()) {
      kept[i] = true;
    }
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (int i = 0; i < architecture[0]; i++) {
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("index", i);
      if (i < featureNames.size()) {
        input.put("name", featureNames.get(i));
      }
      input.put("pip", pruning.inputPips()[i]);
      input.put("kept", kept[i]);
      inputs.add(input);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("layers", layers);
    doc.put("inputs", inputs);
    return doc;
  }

  private static Map<String, Object> pruning(PruningResult pruning, DenseNetwork deployed) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("rule", rule(pruning.rule()));
    doc.put("survivingArchitecture", deployed.architecture());
    doc.put("originalArchitecture", pruning.maskedNetwork().architecture());
    doc.put("keptWeights", pruning.keptWeights());
    doc.put("totalWeights", pruning.totalWeights());
    doc.put("weightDensity", pruning.weightDensity());
    int inputs = pruning.maskedNetwork().inputs();
    doc.put("keptInputs", pruning.keptInputs().length);
    doc.put("totalInputs", inputs);
    boolean[] kept = new boolean[inputs];
    for (int i : pruning.keptInputs()) {
      kept[i] = true;
    }
    List<Integer> dropped = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      if (!kept[i]) {
        dropped.add(i);
      }
    }
    doc.put("droppedInputs", dropped);
    doc.put("layers", pruning.layers());
    return doc;
  }

  private static Map<String, Object> rule(PruningRule rule) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (rule instanceof PruningRule.Threshold t) {
      doc.put("kind", "threshold");
      doc.put("threshold", t.threshold());
    } else if (rule instanceof PruningRule.TargetWeights t) {
      doc.put("kind", "targetWeights");
      doc.put("targetWeights", t.weights());
    } else {
      doc.put("kind", "none");
    }
    return doc;
  }

  private static Map<String, Object> artifact(String sha256, long bytes, long uploadedBytes) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("sha256", sha256);
    doc.put("sizeBytes", bytes);
    doc.put("originalSizeBytes", uploadedBytes);
    doc.put("sizeRatio", uploadedBytes == 0 ? null : (double) bytes / uploadedBytes);
    return doc;
  }

  static Map<String, Object> scores(Scores scores) {
    if (scores == null) {
      return null;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("accuracy", finite(scores.accuracy()));
    doc.put("nll", finite(scores.nll()));
    doc.put("ece", finite(scores.ece()));
    doc.put("rmse", finite(scores.rmse()));
    doc.put("uncertainty", finite(scores.uncertainty()));
    return doc;
  }

  private static Map<String, Object> epoch(EpochSummary e) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("epoch", e.epoch());
    doc.put("elbo", finite(e.elbo()));
    doc.put("kl", finite(e.kl()));
    doc.put("nll", finite(e.nll()));
    doc.put("density", finite(e.density()));
    doc.put("validationMetric", finite(e.validationMetric()));
    doc.put("seconds", finite(e.seconds()));
    return doc;
  }

  private static List<String> warnings(
      Scores uploaded,
      Scores pruned,
      Scores average,
      Scores magnitude,
      boolean classification,
      PruningResult pruning) {
    List<String> warnings = new ArrayList<>();
    if (pruning.keptWeights() == 0) {
      warnings.add("Every weight was pruned: the network outputs constants.");
    }
    if (classification) {
      if (pruned.accuracy() < uploaded.accuracy() - ACCURACY_TOLERANCE) {
        warnings.add(
            String.format(
                "The pruned network is %.2f points less accurate than the uploaded one on the"
                    + " test split (%.2f%% vs %.2f%%). Try a lower threshold, more fine-tuning"
                    + " epochs, or a larger targetWeights.",
                100 * (uploaded.accuracy() - pruned.accuracy()),
                100 * pruned.accuracy(),
                100 * uploaded.accuracy()));
      }
      if (pruned.accuracy() < average.accuracy() - ACCURACY_TOLERANCE) {
        warnings.add(
            String.format(
                "The pruned network is %.2f points below the posterior model average (%.2f%%):"
                    + " more fine-tuning epochs usually close this gap.",
                100 * (average.accuracy() - pruned.accuracy()), 100 * average.accuracy()));
      }
      if (magnitude.accuracy() > pruned.accuracy() + ACCURACY_TOLERANCE) {
        warnings.add(
            String.format(
                "Magnitude pruning to the same size scored better (%.2f%% vs %.2f%%).",
                100 * magnitude.accuracy(), 100 * pruned.accuracy()));
      }
    } else if (pruned.rmse() > uploaded.rmse() * 1.05) {
      warnings.add(
          String.format(
              "The pruned network's RMSE is %.1f%% above the uploaded one's on the test split.",
              100 * (pruned.rmse() / uploaded.rmse() - 1)));
    }
    return warnings;
  }

  private static long biasCount(DenseNetwork network) {
    return network.layers().stream().mapToLong(l -> l.bias().length).sum();
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
