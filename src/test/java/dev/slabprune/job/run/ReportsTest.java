package dev.slabprune.job.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.engine.Activation;
import dev.slabprune.engine.BudgetResult;
import dev.slabprune.engine.CompressionReport;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.LayerSummary;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.engine.PathPoint;
import dev.slabprune.engine.PruningResult;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.engine.Scores;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.storage.Artifact;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reports that say what happened, for classifiers and regressions, compressions and re-prunings.
 */
class ReportsTest {

  private static final double NAN = Double.NaN;

  @Test
  void aClassifierScoringBelowEachComparisonIsWarnedOfEach() {
    JobReport report =
        report(
            JobKind.COMPRESSION,
            3,
            true,
            accuracy(0.90),
            accuracy(0.80),
            accuracy(0.88),
            accuracy(0.85),
            5,
            8);

    assertThat(report.warnings())
        .hasSize(3)
        .anySatisfy(w -> assertThat(w).contains("less accurate than the uploaded one"))
        .anySatisfy(w -> assertThat(w).contains("below the posterior model average"))
        .anySatisfy(w -> assertThat(w).startsWith("Magnitude pruning to the same size"));
  }

  @Test
  void aRegressionIsComparedWithTheModelAverageAndMagnitudePruningToo() {
    JobReport worse =
        report(JobKind.COMPRESSION, 3, false, rmse(1.0), rmse(2.0), rmse(1.2), rmse(1.5), 5, 8);
    JobReport fine =
        report(JobKind.COMPRESSION, 3, false, rmse(1.0), rmse(1.02), rmse(1.0), rmse(1.03), 5, 8);

    assertThat(worse.warnings())
        .hasSize(3)
        .anySatisfy(w -> assertThat(w).contains("above the uploaded one's"))
        .anySatisfy(w -> assertThat(w).contains("above the posterior model average's"))
        .anySatisfy(
            w -> assertThat(w).contains("Magnitude pruning to the same size scored better"));
    assertThat(fine.warnings()).isEmpty();
    assertThat(worse.scores().magnitudeBaseline().rmse()).isEqualTo(1.5);
    assertThat(worse.scores().modelAverage().rmse()).isEqualTo(1.2);
    assertThat(worse.scores().uploaded().accuracy()).as("not a score of a regression").isNull();
  }

  @Test
  void aJobThatPrunedNothingSaysSo() {
    JobReport nothing =
        report(
            JobKind.COMPRESSION,
            3,
            true,
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            8,
            8);
    JobReport something =
        report(
            JobKind.COMPRESSION,
            3,
            true,
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            7,
            8);

    assertThat(nothing.pruning().nothingPruned()).isTrue();
    assertThat(nothing.warnings())
        .singleElement()
        .satisfies(w -> assertThat(w).startsWith("Nothing was pruned").contains("epochs"));
    assertThat(something.pruning().nothingPruned()).isFalse();
    assertThat(something.warnings()).isEmpty();
  }

  @Test
  void aRepruningKeepsTheAccuracyWarningsAndTheMagnitudeScoreAndSaysWhenItDidNotFineTune() {
    JobReport report =
        report(
            JobKind.REPRUNE,
            0,
            true,
            accuracy(0.90),
            accuracy(0.80),
            accuracy(0.88),
            accuracy(0.85),
            5,
            8);

    assertThat(report.kind()).isEqualTo(JobKind.REPRUNE);
    assertThat(report.scores().magnitudeBaseline().accuracy()).isEqualTo(0.85);
    assertThat(report.warnings())
        .hasSize(4)
        .anySatisfy(w -> assertThat(w).startsWith("Re-pruned without fine-tuning"))
        .anySatisfy(w -> assertThat(w).contains("less accurate than the uploaded one"))
        .anySatisfy(w -> assertThat(w).startsWith("Magnitude pruning to the same size"));
  }

  @Test
  void figuresThatAreNotFiniteAreNullNotNaN() {
    JobReport report =
        report(
            JobKind.COMPRESSION,
            3,
            true,
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            accuracy(0.9),
            5,
            8);

    assertThat(report.size().uploadedLatencyMicros()).isNull();
    assertThat(report.size().measuredSpeedup()).isNull();
    assertThat(report.scores().pruned().rmse()).isNull();
  }

  @Test
  void anUploadThatLearnedTheValidationRowsIsWarnedOfAndPointedToHeldOutRows() {
    JobReport learned = report(budget(true, 0.976, 0.932, "largest-candidate"));
    JobReport honest = report(budget(true, 0.976, 0.976, "upload-held-out"));

    assertThat(learned.warnings())
        .singleElement()
        .asString()
        .contains("scores 0.9760 on the validation split")
        .contains("measured against 0.9320 (largest-candidate)")
        .contains("heldOutDatasetId");
    assertThat(honest.warnings()).isEmpty();
  }

  @Test
  void classesNoRowJudgesAreNamedWithWhatToGive() {
    assertThat(Reports.classesNotJudged(List.of(), true)).isNull();
    assertThat(Reports.classesNotJudged(List.of("7"), true))
        .isEqualTo(
            "No held-out row holds class '7': the quality budget cannot see how the pruned"
                + " network does on it. Add held-out rows of every class to heldOutDatasetId.");
    assertThat(Reports.classesNotJudged(List.of("cat", "emu"), false))
        .startsWith("No validation or test row holds classes 'cat', 'emu':")
        .contains("on them.")
        .contains("validationFraction");
  }

  @Test
  void aReportNamesTheClassesNoRowJudgesAfterItsOtherWarnings() {
    JobReport heldOut =
        report(
            true,
            new JobReport.Splits(0.5, 0.5, 600, 60, 61, true),
            accuracy(0.9),
            accuracy(0.9),
            List.of("7"));
    JobReport split =
        report(
            true,
            new JobReport.Splits(0.1, 0.2, 600, 60, 61, false),
            accuracy(0.9),
            accuracy(0.9),
            List.of("cat", "emu"));

    assertThat(heldOut.warnings())
        .hasSize(2)
        .endsWith(Reports.classesNotJudged(List.of("7"), true))
        .first()
        .asString()
        .startsWith("The held-out dataset has 121 rows");
    assertThat(split.warnings())
        .containsExactly(Reports.classesNotJudged(List.of("cat", "emu"), false));
  }

  /** A budget met by the delivered network, as most jobs end. */
  @Test
  void aJobWithFewHeldOutRowsIsWarnedThatAFewRowsDecide() {
    JobReport few =
        report(
            true, new JobReport.Splits(0.5, 0.5, 600, 60, 61, true), accuracy(0.9), accuracy(0.9));
    JobReport enough =
        report(
            true,
            new JobReport.Splits(0.5, 0.5, 600, 100, 100, true),
            accuracy(0.9),
            accuracy(0.9));
    JobReport notHeldOut =
        report(
            true, new JobReport.Splits(0.1, 0.2, 600, 60, 61, false), accuracy(0.9), accuracy(0.9));

    assertThat(few.warnings())
        .singleElement()
        .asString()
        .contains("held-out dataset has 121 rows: 60 judge the quality budget and 61 confirm it")
        .contains("1.7 accuracy points")
        .contains("at least 200 held-out rows");
    assertThat(enough.warnings()).isEmpty();
    assertThat(notHeldOut.warnings()).isEmpty();
    assertThat(
            report(false, new JobReport.Splits(0.5, 0.5, 600, 5, 5, true), rmse(1.0), rmse(1.0))
                .warnings())
        .singleElement()
        .asString()
        .doesNotContain("accuracy points");
  }

  private static BudgetResult budget(boolean classification) {
    return budget(classification, 0.9, 0.9, "upload");
  }

  /** A met budget: the upload's and the largest candidate's scores, the reference's source. */
  private static BudgetResult budget(
      boolean classification, double upload, double reference, String source) {
    PathPoint delivered =
        new PathPoint(3, 10, new int[] {2}, 2, 0.5, 0.9, true, true, true, "posterior");
    return new BudgetResult(
        classification,
        PruningRule.QualityBudget.defaults(),
        upload,
        reference,
        reference,
        source,
        classification ? reference - 0.01 : reference * 1.05,
        classification ? upload - 0.01 : upload * 1.05,
        true,
        delivered,
        null,
        0.9,
        classification ? 0.89 : 0.945,
        0.9,
        0.004,
        100,
        0.1,
        0.2,
        3);
  }

  private static Scores accuracy(double accuracy) {
    return new Scores(accuracy, 0.3, 0.02, NAN, 0.5);
  }

  private static Scores rmse(double rmse) {
    return new Scores(NAN, 1.1, NAN, rmse, 0.7);
  }

  /**
   * A report on a 2-2-2 network (8 weights) of which {@code kept} weights survive, every input and
   * node kept.
   */
  private static JobReport report(
      JobKind kind,
      int fineTuneEpochs,
      boolean classification,
      Scores uploaded,
      Scores pruned,
      Scores average,
      Scores magnitude,
      long kept,
      long total) {
    return report(
        kind,
        fineTuneEpochs,
        classification,
        uploaded,
        pruned,
        average,
        magnitude,
        kept,
        total,
        null,
        budget(classification),
        List.of());
  }

  /** A classifier's compression that pruned 5 of 8 weights, scoring 0.9, with this budget. */
  private static JobReport report(BudgetResult budget) {
    Scores same = accuracy(0.9);
    return report(
        JobKind.COMPRESSION, 3, true, same, same, same, same, 5, 8, null, budget, List.of());
  }

  /** A compression that pruned 5 of 8 weights, scoring as the upload does, with these splits. */
  private static JobReport report(
      boolean classification, JobReport.Splits splits, Scores uploaded, Scores pruned) {
    return report(classification, splits, uploaded, pruned, List.of());
  }

  /** As above, with classes that no validation or test row holds. */
  private static JobReport report(
      boolean classification,
      JobReport.Splits splits,
      Scores uploaded,
      Scores pruned,
      List<String> classesNotJudged) {
    JobReport.Provenance provenance =
        new JobReport.Provenance(
            "test",
            "m",
            List.of(),
            splits.heldOut() ? List.of(new JobReport.DatasetFile("file", "h")) : null,
            splits,
            null,
            1,
            "t",
            "n",
            "j",
            "o",
            "c");
    return report(
        JobKind.COMPRESSION,
        3,
        classification,
        uploaded,
        pruned,
        pruned,
        pruned,
        5,
        8,
        provenance,
        budget(classification),
        classesNotJudged);
  }

  private static JobReport report(
      JobKind kind,
      int fineTuneEpochs,
      boolean classification,
      Scores uploaded,
      Scores pruned,
      Scores average,
      Scores magnitude,
      long kept,
      long total,
      JobReport.Provenance provenance,
      BudgetResult budget,
      List<String> classesNotJudged) {
    DenseNetwork network =
        new DenseNetwork(
            List.of(
                new DenseLayer(2, 2, new float[4], new float[2], Activation.RELU),
                new DenseLayer(2, 2, new float[4], new float[2], Activation.IDENTITY)),
            classification ? OutputKind.LOGITS : OutputKind.REGRESSION);
    PruningResult pruning =
        new PruningResult(
            network,
            new int[] {0, 1},
            List.of(new int[] {0, 1}),
            network,
            kept,
            total,
            new double[] {0.9, 0.8},
            List.of(new double[] {0.9, 0.9}),
            List.of(new double[] {0.9, 0.9}),
            List.of(
                new LayerSummary(0, 2, 2, kept / 2, kept / 2 / 4.0, new long[10]),
                new LayerSummary(1, 2, 2, kept - kept / 2, (kept - kept / 2) / 4.0, new long[10])),
            PruningRule.median());
    CompressionReport engine =
        new CompressionReport(
            network, pruning, uploaded, pruned, pruned, average, magnitude, 12, 12, 40, 40, 30, NAN,
            2.0, 1e-4, 0.2, List.of(), null, budget, List.of());
    Reports.Subject subject =
        new Reports.Subject(
            UUID.randomUUID(),
            kind,
            kind == JobKind.REPRUNE ? UUID.randomUUID() : null,
            classification,
            new Artifact("a".repeat(64), 600, "application/onnx", Instant.EPOCH),
            1000,
            fineTuneEpochs,
            classesNotJudged,
            null);
    return Reports.report(subject, engine, provenance, List.of());
  }
}
