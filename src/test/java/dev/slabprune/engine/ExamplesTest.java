package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExamplesTest {

  /** 4 rows of 3 features: row r holds 10r, 10r + 1, 10r + 2. */
  private static final float[] X = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};

  @Test
  void aViewReadsItsRowsInItsOrderWithoutCopyingTheStore() {
    Examples.Rows rows = Examples.Rows.ofFloats(X, 4, 3);
    Examples view = Examples.classification(rows, new int[] {2, 0, 3}, new int[] {1, 0, 1}, 2);
    assertThat(view.rows()).isEqualTo(3);
    assertThat(view.cols()).isEqualTo(3);
    assertThat(view.features()).containsExactly(20, 21, 22, 0, 1, 2, 30, 31, 32);
    X[0] = 5; // the view reads the store itself
    try {
      float[] row = new float[3];
      view.copyRow(1, row, 0);
      assertThat(row).containsExactly(5, 1, 2);
    } finally {
      X[0] = 0;
    }
  }

  @Test
  void selectedColumnsOfAViewAreTheColumnsOfACopy() {
    Examples.Rows rows = Examples.Rows.ofFloats(X, 4, 3);
    Examples view = Examples.regression(rows, new int[] {3, 1}, new float[] {7, 8});
    Examples copy = Examples.regression(view.features(), 2, 3, new float[] {7, 8});
    int[] columns = {2, 0};
    assertThat(view.selectColumns(columns).features())
        .containsExactly(copy.selectColumns(columns).features())
        .containsExactly(32, 30, 12, 10);
    // columns of columns: {2, 0} then {1} is column 0 of the store
    assertThat(view.selectColumns(columns).selectColumns(new int[] {1}).features())
        .containsExactly(30, 10);
  }

  @Test
  void pixelsReadAsTheirValueOver255() {
    byte[] pixels = {0, 1, (byte) 128, (byte) 255, 3, 4};
    Examples ex =
        Examples.classification(
            Examples.Rows.ofPixels(pixels, 2, 3), new int[] {1, 0}, new int[] {0, 1}, 2);
    assertThat(ex.features()).containsExactly(1f, 3 / 255f, 4 / 255f, 0f, 1 / 255f, 128 / 255f);
    assertThat(ex.selectColumns(new int[] {2}).features()).containsExactly(4 / 255f, 128 / 255f);
    assertThat(Examples.Rows.ofPixels(pixels, 2, 3).bytes()).isEqualTo(6);
    assertThat(Examples.Rows.ofFloats(X, 4, 3).bytes()).isEqualTo(48);
  }

  @Test
  void refusesRowsOutsideTheStoreAndNonFiniteFeatures() {
    Examples.Rows rows = Examples.Rows.ofFloats(X, 4, 3);
    assertThatThrownBy(() -> Examples.classification(rows, new int[] {4}, new int[] {0}, 2))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Examples.Rows.ofFloats(new float[] {1, Float.NaN}, 1, 2))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Examples.Rows.ofFloats(new float[] {1, 2, 3}, 2, 2))
        .isInstanceOf(InvalidInputException.class);
  }
}
