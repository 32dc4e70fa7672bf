package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The confirmation's margin: one standard error of a candidate's paired difference. */
class ConfirmationMarginTest {

  @Test
  void aCandidateThatAgreesWithTheReferenceOnEveryRowHasNoMargin() {
    double[] losses = {0, 1, 0, 0, 1, 0};
    PathSearch.Judged j = PathSearch.guarded(4.0 / 6, losses, losses.clone(), true);
    assertThat(j.margin()).isZero();
    assertThat(j.guarded(true)).isEqualTo(4.0 / 6);
  }

  @Test
  void theMarginIsTheStandardErrorOfThePairedDifference() {
    // 100 rows: the candidate is wrong on two rows the reference gets right, and agrees elsewhere
    double[] reference = new double[100];
    double[] candidate = new double[100];
    Arrays.fill(reference, 0, 10, 1);
    Arrays.fill(candidate, 0, 12, 1);
    PathSearch.Judged j = PathSearch.guarded(0.88, candidate, reference, true);
    // differences: two of 1, 98 of 0; sample variance (2 * 0.98^2 + 98 * 0.02^2) / 99
    double se = Math.sqrt((2 * 0.98 * 0.98 + 98 * 0.02 * 0.02) / 99 / 100);
    assertThat(j.margin()).isCloseTo(PathSearch.MARGIN_STANDARD_ERRORS * se, within(1e-12));
    assertThat(j.guarded(true)).isCloseTo(0.88 - j.margin(), within(1e-12));
  }

  @Test
  void pairingMakesTheMarginFollowTheDisagreementsNotTheAccuracy() {
    // same accuracy (80%) against a reference at 80%: the candidate that swaps ten rows has a
    // margin, the one that agrees everywhere has none, and four times the rows halve the margin
    double[] reference = new double[200];
    Arrays.fill(reference, 0, 40, 1);
    double[] swapped = reference.clone();
    Arrays.fill(swapped, 0, 5, 0);
    Arrays.fill(swapped, 40, 45, 1);
    double few = PathSearch.guarded(0.8, reference.clone(), reference, true).margin();
    double some = PathSearch.guarded(0.8, swapped, reference, true).margin();
    assertThat(few).isZero();
    assertThat(some).isPositive();
    double[] reference4 = new double[800];
    double[] swapped4 = new double[800];
    for (int c = 0; c < 4; c++) {
      System.arraycopy(reference, 0, reference4, c * 200, 200);
      System.arraycopy(swapped, 0, swapped4, c * 200, 200);
    }
    double more = PathSearch.guarded(0.8, swapped4, reference4, true).margin();
    assertThat(more).isCloseTo(some / 2, within(some * 0.01));
  }

  @Test
  void aRegressionsMarginIsOnTheMeanSquaredErrorCarriedToTheRmse() {
    Random r = new Random(3);
    int n = 300;
    double[] reference = new double[n];
    double[] candidate = new double[n];
    double mse = 0;
    for (int i = 0; i < n; i++) {
      reference[i] = Math.pow(r.nextGaussian(), 2);
      candidate[i] = reference[i] + 0.2 * Math.abs(r.nextGaussian());
      mse += candidate[i];
    }
    double rmse = Math.sqrt(mse / n);
    PathSearch.Judged j = PathSearch.guarded(rmse, candidate, reference, false);
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += (candidate[i] - reference[i]) / n;
    }
    double squares = 0;
    for (int i = 0; i < n; i++) {
      squares += Math.pow(candidate[i] - reference[i] - mean, 2);
    }
    double se = Math.sqrt(squares / (n - 1) / n);
    assertThat(j.guarded(false))
        .isCloseTo(Math.sqrt(rmse * rmse + PathSearch.MARGIN_STANDARD_ERRORS * se), within(1e-12));
    assertThat(j.guarded(false)).isGreaterThan(rmse);
  }

  @Test
  void rowLossesAverageToTheScores() {
    Examples blobs = TestNetworks.blobs(257, 5, 3, 21);
    DenseNetwork classifier =
        Initialisation.kaimingUniform(new int[] {5, 16, 3}, Activation.RELU, OutputKind.LOGITS, 4);
    double[] losses = Evaluator.rowLosses(classifier, blobs);
    Scores s = Evaluator.score(classifier, blobs, 1, new double[] {1, 1, 1});
    assertThat(losses).hasSize(257);
    assertThat(Arrays.stream(losses).allMatch(l -> l == 0 || l == 1)).isTrue();
    assertThat(1 - Arrays.stream(losses).average().orElseThrow())
        .isCloseTo(s.accuracy(), within(1e-12));

    Random r = new Random(8);
    int rows = 131;
    float[] x = new float[rows * 4];
    float[] y = new float[rows * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    Examples table = Examples.regression(x, rows, 4, y);
    DenseNetwork regressor =
        Initialisation.kaimingUniform(
            new int[] {4, 8, 2}, Activation.TANH, OutputKind.REGRESSION, 5);
    double[] squared = Evaluator.rowLosses(regressor, table);
    Scores t = Evaluator.score(regressor, table, 1, new double[] {1, 1});
    assertThat(squared).hasSize(rows);
    assertThat(Math.sqrt(Arrays.stream(squared).average().orElseThrow()))
        .isCloseTo(t.rmse(), within(1e-9));
  }
}
