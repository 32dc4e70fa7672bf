package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The budget's reference from the train/validation gaps. */
class BudgetReferenceTest {

  @Test
  void anUploadThatGeneralisesKeepsItsOwnScore() {
    // the upload loses 3 points from training to validation rows, as much as the candidate
    PathSearch.Gaps gaps = new PathSearch.Gaps(0.99, 0.97, true);
    assertThat(gaps.reference(0.96, 0.94)).isEqualTo(0.96);
  }

  @Test
  void anUploadThatSawTheValidationRowsLosesItsOptimism() {
    // the upload scores 1.0 on training and validation rows alike; the candidate, trained on the
    // training rows alone, loses 4 points on the validation rows
    PathSearch.Gaps gaps = new PathSearch.Gaps(1.0, 0.99, true);
    assertThat(gaps.reference(1.0, 0.95)).isCloseTo(0.96, within(1e-12));
  }

  @Test
  void theCorrectionStopsAtTheLargestCandidate() {
    PathSearch.Gaps gaps = new PathSearch.Gaps(1.0, 1.0, true);
    assertThat(gaps.reference(1.0, 0.97)).isEqualTo(0.97);
  }

  @Test
  void aTrainingThatCostsAccuracyEverywhereDoesNotLowerTheReference() {
    // the candidate scores 10 points below the upload on training and validation rows alike
    PathSearch.Gaps gaps = new PathSearch.Gaps(0.98, 0.88, true);
    assertThat(gaps.reference(0.97, 0.87)).isEqualTo(0.97);
  }

  @Test
  void rowsTheUploadNeverSawNeedNoCorrection() {
    // where the gaps of the same scores would lower the reference (the optimism test above)
    PathSearch.Gaps accuracy = PathSearch.Gaps.heldOut(true);
    assertThat(accuracy.reference(1.0, 0.95)).isEqualTo(1.0);
    assertThat(accuracy.reference(0.9, 0.95)).isEqualTo(0.9);
    PathSearch.Gaps rmse = PathSearch.Gaps.heldOut(false);
    assertThat(rmse.reference(1.02, 1.25)).isEqualTo(1.02);
    assertThat(new PathSearch.Gaps(1.0, 0.99, true).heldOut()).isFalse();
  }

  @Test
  void forRmseTheGapsAreRatios() {
    // upload: 1.0 on training, 1.02 on validation rows (saw them); candidate 1.0 -> 1.25
    PathSearch.Gaps gaps = new PathSearch.Gaps(1.0, 1.0, false);
    assertThat(gaps.reference(1.02, 1.25)).isCloseTo(1.25, within(1e-12));
    PathSearch.Gaps generalises = new PathSearch.Gaps(1.0, 1.0, false);
    assertThat(generalises.reference(1.25, 1.3)).isCloseTo(1.3, within(1e-12));
    PathSearch.Gaps honest = new PathSearch.Gaps(0.8, 1.0, false);
    // upload 0.8 -> 1.0 (ratio 1.25), candidate 1.0 -> 1.1 (ratio 1.1): no optimism
    assertThat(honest.reference(1.0, 1.1)).isEqualTo(1.0);
  }

  @Test
  void theUploadsOwnWeightsAreHeldToItsUncorrectedScore() {
    // classification: corrected reference 0.945, the upload's own 0.976, a one-point budget
    PathSearch.Limit accuracy = new PathSearch.Limit(0.935, 0.966, true);
    assertThat(accuracy.of(PathPoint.POSTERIOR)).isEqualTo(0.935);
    assertThat(accuracy.of(PathPoint.POSTERIOR_NODES)).isEqualTo(0.935);
    assertThat(accuracy.of(PathPoint.MAGNITUDE)).isEqualTo(0.966);
    assertThat(accuracy.of(PathPoint.MAGNITUDE_NODES)).isEqualTo(0.966);
    assertThat(accuracy.of(PathPoint.UPLOAD)).isEqualTo(0.935);
    PathPoint magnitude =
        new PathPoint(0, 10, new int[] {2}, 2, 0.5, 0.95, true, false, false, PathPoint.MAGNITUDE);
    PathPoint posterior =
        new PathPoint(3, 10, new int[] {2}, 2, 0.5, 0.95, true, false, false, PathPoint.POSTERIOR);
    assertThat(accuracy.within(magnitude)).isFalse();
    assertThat(accuracy.within(posterior)).isTrue();
    // regression: RMSE limits, lower is stricter
    PathSearch.Limit rmse = new PathSearch.Limit(1.2, 1.05, false);
    assertThat(rmse.of(PathPoint.MAGNITUDE)).isEqualTo(1.05);
    assertThat(rmse.of(PathPoint.POSTERIOR)).isEqualTo(1.2);
    // an uncorrected reference: the same limit for both
    PathSearch.Limit same = new PathSearch.Limit(0.9, 0.9, true);
    assertThat(same.of(PathPoint.MAGNITUDE)).isEqualTo(same.of(PathPoint.POSTERIOR));
    // a reference above the upload's own score never loosens the upload's weights' limit
    PathSearch.Limit above = new PathSearch.Limit(0.95, 0.9, true);
    assertThat(above.of(PathPoint.MAGNITUDE)).isEqualTo(0.95);
  }
}
