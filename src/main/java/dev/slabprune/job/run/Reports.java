package dev.slabprune.job.run;

import dev.slabprune.engine.BudgetResult;
import dev.slabprune.engine.CompressionReport;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.EpochSummary;
import dev.slabprune.engine.LayerSummary;
import dev.slabprune.engine.PathPoint;
import dev.slabprune.engine.Phases;
import dev.slabprune.engine.PruningResult;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.engine.Scores;
import dev.slabprune.job.result.InclusionProbabilities;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.storage.Artifact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns the engine's results into the records a job serves: the report (why each part was kept or
 * cut, how the pruned network scores, warnings when it scores worse or nothing was pruned) and the
 * inclusion probabilities.
 */
final class Reports {

  /**
   * Held-out rows below this many (100 judging the budget, 100 confirming it) are reported as a
   * warning; the small-data default of the validation split asks for 200 validation rows.
   */
  static final int MIN_HELD_OUT_ROWS = 200;

  /** Accuracy lost beyond this (0.5 points) is reported as a warning. */
  static final double ACCURACY_TOLERANCE = 0.005;

  /** An RMSE higher by more than this share (5%) is reported as a warning. */
  static final double RMSE_TOLERANCE = 0.05;

  private Reports() {}

  /**
   * Who the report is for, and what was delivered.
   *
   * @param classesNotJudged the labels of the classes no validation or test row holds ({@link
   *     Splits#classesNotJudged})
   * @param binaryPositiveClass for a model with one output for two classes, the class its output
   *     scores (the second in index order); null otherwise
   */
  record Subject(
      UUID jobId,
      JobKind kind,
      UUID sourceJobId,
      boolean classification,
      Artifact pruned,
      long uploadedBytes,
      int fineTuneEpochs,
      List<String> classesNotJudged,
      String binaryPositiveClass) {}

  static JobReport report(
      Subject subject,
      CompressionReport report,
      JobReport.Provenance provenance,
      List<Phases.Phase> phases) {
    JobReport.Pruning pruning = pruning(report.pruning(), report.network());
    JobReport.ScoreSet scores =
        new JobReport.ScoreSet(
            scores(report.uploaded()),
            scores(report.prunedBeforeFineTuning()),
            scores(report.pruned()),
            scores(report.modelAverage()),
            scores(report.magnitude()));
    JobReport.Size size =
        new JobReport.Size(
            report.uploadedParameters(),
            report.prunedParameters(),
            report.uploadedFlops(),
            report.prunedFlops(),
            report.prunedSparseFlops(),
            finite(report.uploadedLatencyMicros()),
            finite(report.prunedLatencyMicros()),
            finite(report.uploadedLatencyMicros() / report.prunedLatencyMicros()));
    long uploadedBytes = subject.uploadedBytes();
    long bytes = subject.pruned().sizeBytes();
    JobReport.ArtifactInfo artifact =
        new JobReport.ArtifactInfo(
            subject.pruned().sha256(),
            bytes,
            uploadedBytes,
            uploadedBytes == 0 ? null : (double) bytes / uploadedBytes);
    return new JobReport(
        subject.jobId(),
        subject.kind(),
        subject.sourceJobId(),
        pruning,
        scores,
        size,
        artifact,
        report.lambda(),
        subject.classification() ? null : finite(report.noiseSd()),
        report.history().stream().map(Reports::epoch).toList(),
        provenance,
        warnings(subject, report, pruning, provenance == null ? null : provenance.splits()),
        budget(report.budget()),
        report.path().stream().map(Reports::entry).toList(),
        phases == null
            ? null
            : phases.stream()
                .map(p -> new JobReport.Phase(p.name(), p.seconds(), finite(p.cpuSeconds())))
                .toList());
  }

  private static JobReport.Budget budget(BudgetResult b) {
    boolean c = b.classification();
    return new JobReport.Budget(
        c ? "accuracy" : "rmse",
        c ? b.budget().maxAccuracyDrop() : null,
        c ? null : b.budget().maxRelativeRmseIncrease(),
        finite(b.reference()),
        b.referenceSource(),
        finite(b.limit()),
        finite(b.magnitudeLimit()),
        b.met(),
        entry(b.delivered()),
        b.advice(),
        finite(b.confirmationReference()),
        finite(b.confirmationLimit()),
        finite(b.confirmationScore()),
        finite(b.confirmationMargin()),
        b.confirmationRows(),
        finite(b.uploadScore()),
        finite(b.largestCandidateScore()),
        finite(b.pathSeconds()),
        finite(b.searchSeconds()),
        b.candidatesFineTuned());
  }

  private static JobReport.PathEntry entry(PathPoint p) {
    return new JobReport.PathEntry(
        p.epoch(),
        p.weights(),
        ints(p.nodes()),
        p.inputs(),
        p.density(),
        finite(p.validationScore()),
        p.fineTuned(),
        p.withinBudget(),
        p.delivered(),
        p.source());
  }

  static InclusionProbabilities inclusionProbabilities(
      UUID jobId, PruningResult pruning, int[] architecture, List<String> featureNames) {
    List<InclusionProbabilities.Layer> layers = new ArrayList<>();
    for (int l = 0; l < architecture.length - 1; l++) {
      boolean hidden = l < pruning.nodePips().size();
      layers.add(
          new InclusionProbabilities.Layer(
              l,
              architecture[l],
              architecture[l + 1],
              hidden ? doubles(pruning.nodePips().get(l)) : null,
              hidden ? doubles(pruning.nodePipsMonteCarlo().get(l)) : null,
              hidden ? ints(pruning.keptNodes().get(l)) : null,
              longs(pruning.layers().get(l).pipHistogram()),
              "/api/v1/jobs/" + jobId + "/inclusion-probabilities/weights.npy?layer=" + l));
    }
    boolean[] kept = kept(pruning.keptInputs(), architecture[0]);
    List<InclusionProbabilities.Input> inputs = new ArrayList<>();
    for (int i = 0; i < architecture[0]; i++) {
      inputs.add(
          new InclusionProbabilities.Input(
              i,
              i < featureNames.size() ? featureNames.get(i) : null,
              pruning.inputPips()[i],
              kept[i]));
    }
    return new InclusionProbabilities(layers, inputs);
  }

  private static JobReport.Pruning pruning(PruningResult pruning, DenseNetwork deployed) {
    int inputs = pruning.maskedNetwork().inputs();
    boolean[] kept = kept(pruning.keptInputs(), inputs);
    List<Integer> dropped = IntStream.range(0, inputs).filter(i -> !kept[i]).boxed().toList();
    return new JobReport.Pruning(
        rule(pruning.rule()),
        ints(deployed.architecture()),
        ints(pruning.maskedNetwork().architecture()),
        pruning.keptWeights(),
        pruning.totalWeights(),
        pruning.weightDensity(),
        pruning.keptWeights() == pruning.totalWeights() && dropped.isEmpty(),
        pruning.keptInputs().length,
        inputs,
        dropped,
        pruning.layers().stream().map(Reports::layer).toList());
  }

  private static JobReport.Layer layer(LayerSummary layer) {
    return new JobReport.Layer(
        layer.layer(),
        layer.inputsKept(),
        layer.outputsKept(),
        layer.weightsKept(),
        layer.weightDensity(),
        longs(layer.pipHistogram()));
  }

  private static JobReport.Rule rule(PruningRule rule) {
    if (rule instanceof PruningRule.Threshold t) {
      return new JobReport.Rule(JobReport.RuleKind.THRESHOLD, t.threshold(), null, null);
    }
    if (rule instanceof PruningRule.TargetWeights t) {
      return new JobReport.Rule(JobReport.RuleKind.TARGET_WEIGHTS, null, t.weights(), null);
    }
    if (rule instanceof PruningRule.TargetDensity d) {
      return new JobReport.Rule(JobReport.RuleKind.TARGET_DENSITY, null, null, d.density());
    }
    if (rule instanceof PruningRule.QualityBudget) {
      return new JobReport.Rule(JobReport.RuleKind.BUDGET, null, null, null);
    }
    return new JobReport.Rule(JobReport.RuleKind.NONE, null, null, null);
  }

  static JobReport.Scores scores(Scores scores) {
    return new JobReport.Scores(
        finite(scores.accuracy()),
        finite(scores.nll()),
        finite(scores.ece()),
        finite(scores.rmse()),
        finite(scores.uncertainty()));
  }

  private static JobReport.Epoch epoch(EpochSummary e) {
    return new JobReport.Epoch(
        e.epoch(),
        finite(e.elbo()),
        finite(e.kl()),
        finite(e.nll()),
        finite(e.density()),
        finite(e.validationMetric()),
        finite(e.seconds()));
  }

  /**
   * The warning of classes that no validation or test row holds ({@link Splits#classesNotJudged}),
   * by their labels; null when every class is judged.
   */
  static String classesNotJudged(List<String> labels, boolean heldOut) {
    if (labels.isEmpty()) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "No %s row holds class%s %s: the quality budget cannot see how the pruned network does on"
            + " %s. %s",
        heldOut ? "held-out" : "validation or test",
        labels.size() == 1 ? "" : "es",
        labels.stream().map(l -> "'" + l + "'").collect(Collectors.joining(", ")),
        labels.size() == 1 ? "it" : "them",
        heldOut
            ? "Add held-out rows of every class to heldOutDatasetId."
            : "Give a larger validationFraction and testFraction, or rows of every class as"
                + " heldOutDatasetId.");
  }

  private static List<String> warnings(
      Subject subject,
      CompressionReport report,
      JobReport.Pruning pruning,
      JobReport.Splits splits) {
    List<String> warnings = new ArrayList<>();
    BudgetResult budget = report.budget();
    if (!budget.met()) {
      warnings.add("The quality budget was not met. " + budget.advice());
    }
    if (splits != null
        && splits.heldOut()
        && splits.validationRows() + splits.testRows() < MIN_HELD_OUT_ROWS) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "The held-out dataset has %d rows: %d judge the quality budget and %d confirm it, so"
                  + " a few rows decide%s. Give at least %d held-out rows.",
              splits.validationRows() + splits.testRows(),
              splits.validationRows(),
              splits.testRows(),
              subject.classification()
                  ? String.format(
                      Locale.ROOT,
                      " (one validation row is %.1f accuracy points)",
                      100.0 / Math.max(1, splits.validationRows()))
                  : "",
              MIN_HELD_OUT_ROWS));
    }
    if (!budget.referenceSource().equals("upload")
        && !budget.referenceSource().equals("upload-held-out")
        && Math.abs(budget.uploadScore() - budget.reference())
            > Math.abs(budget.limit() - budget.reference())) {
      warnings.add(
          String.format(
              "The uploaded network scores %.4g on the validation split, the largest network"
                  + " on the path, trained on the training split alone, %.4g; the upload scores"
                  + " about as well on its training rows as on the validation rows, where a"
                  + " network that did not see them loses more: the upload has probably seen the"
                  + " validation rows, and its score there is optimistic. The budget is measured"
                  + " against %.4g (%s), an estimate: give rows the network never saw as"
                  + " heldOutDatasetId and the budget is measured on them.",
              budget.uploadScore(),
              budget.largestCandidateScore(),
              budget.reference(),
              budget.referenceSource()));
    }
    if (pruning.keptWeights() == 0) {
      warnings.add("Every weight was pruned: the network outputs constants.");
    }
    if (pruning.nothingPruned() && !(report.pruning().rule() instanceof PruningRule.None)) {
      warnings.add(
          "Nothing was pruned: every weight and input passed the rule ("
              + describe(report.pruning().rule())
              + "). Inclusion probabilities start at 0.99 and move about one learning rate per"
              + " step, so train for more epochs, or keep a set number of weights with"
              + " targetWeights.");
    }
    if (subject.kind() == JobKind.REPRUNE && subject.fineTuneEpochs() == 0) {
      warnings.add(
          "Re-pruned without fine-tuning: scores are those of the pruned weights as trained.");
    }
    Scores uploaded = report.uploaded();
    Scores pruned = report.pruned();
    Scores average = report.modelAverage();
    Scores magnitude = report.magnitude();
    if (subject.classification()) {
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
    } else {
      if (pruned.rmse() > uploaded.rmse() * (1 + RMSE_TOLERANCE)) {
        warnings.add(
            String.format(
                "The pruned network's RMSE is %.1f%% above the uploaded one's on the test split"
                    + " (%.4g vs %.4g). Try a lower threshold, more fine-tuning epochs, or a"
                    + " larger targetWeights.",
                100 * (pruned.rmse() / uploaded.rmse() - 1), pruned.rmse(), uploaded.rmse()));
      }
      if (pruned.rmse() > average.rmse() * (1 + RMSE_TOLERANCE)) {
        warnings.add(
            String.format(
                "The pruned network's RMSE is %.1f%% above the posterior model average's (%.4g):"
                    + " more fine-tuning epochs usually close this gap.",
                100 * (pruned.rmse() / average.rmse() - 1), average.rmse()));
      }
      if (magnitude.rmse() * (1 + RMSE_TOLERANCE) < pruned.rmse()) {
        warnings.add(
            String.format(
                "Magnitude pruning to the same size scored better (RMSE %.4g vs %.4g).",
                magnitude.rmse(), pruned.rmse()));
      }
    }
    if (subject.binaryPositiveClass() != null) {
      warnings.add(
          "The model has one output for two classes: it was read as the logit of class '"
              + subject.binaryPositiveClass()
              + "' (or its sigmoid), compressed as the equivalent two-logit classifier (-z/2,"
              + " z/2) and delivered with one output again. The last layer's weights and"
              + " inclusion probabilities in this report are those of the two logits.");
      if (report.uploaded().accuracy() < 0.5) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "The uploaded network is right on %.1f%% of the test rows, less than half: its one"
                    + " output likely scores the other class. Label the classes so that the one it"
                    + " scores comes second in label order (0 and 1: the output scores 1).",
                100 * report.uploaded().accuracy()));
      }
    }
    String notJudged =
        classesNotJudged(subject.classesNotJudged(), splits != null && splits.heldOut());
    if (notJudged != null) {
      warnings.add(notJudged);
    }
    return warnings;
  }

  private static String describe(PruningRule rule) {
    if (rule instanceof PruningRule.Threshold t) {
      return "inclusion probability above " + t.threshold();
    }
    if (rule instanceof PruningRule.TargetWeights t) {
      return "the " + t.weights() + " most probable weights";
    }
    if (rule instanceof PruningRule.TargetDensity d) {
      return "the most probable " + d.density() + " of the weights";
    }
    if (rule instanceof PruningRule.QualityBudget) {
      return "the smallest network within the quality budget";
    }
    return "keep everything";
  }

  private static boolean[] kept(int[] indices, int width) {
    boolean[] kept = new boolean[width];
    for (int i : indices) {
      kept[i] = true;
    }
    return kept;
  }

  private static List<Integer> ints(int[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static List<Long> longs(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  private static List<Double> doubles(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
