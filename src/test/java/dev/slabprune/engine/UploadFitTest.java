package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UploadFitTest {

  /** 2 inputs, 2 classes: the logits are the inputs themselves. */
  private static final DenseNetwork PICK =
      new DenseNetwork(
          List.of(
              new DenseLayer(2, 2, new float[] {1, 0, 0, 1}, new float[2], Activation.IDENTITY)),
          OutputKind.LOGITS);

  @Test
  void aClassifierIsHeldToTheCommonestClassShare() {
    // rows: the larger input names the class; labels agree on 3 rows of 4
    float[] x = {1, 0, 0, 1, 1, 0, 1, 0};
    UploadFit right =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {0, 1, 0, 1}, 2));
    assertThat(right.score()).isEqualTo(0.75);
    assertThat(right.constant()).isEqualTo(0.5);
    assertThat(right.noBetterThanConstant()).isFalse();

    UploadFit swapped =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {1, 1, 1, 0}, 2));
    assertThat(swapped.score()).isEqualTo(0.5);
    assertThat(swapped.constant()).isEqualTo(0.75);
    assertThat(swapped.commonestClass()).isEqualTo(1);
    assertThat(swapped.noBetterThanConstant()).isTrue();

    UploadFit oneClass =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {1, 1, 1, 1}, 2));
    assertThat(oneClass.noBetterThanConstant()).as("one class tells nothing").isFalse();
  }

  @Test
  void aRegressionIsHeldToTheSpreadOfItsTargets() {
    DenseNetwork identity =
        new DenseNetwork(
            List.of(new DenseLayer(1, 1, new float[] {1}, new float[1], Activation.IDENTITY)),
            OutputKind.REGRESSION);
    float[] x = {0, 1, 2, 3};
    UploadFit close =
        UploadFit.of(identity, Examples.regression(x, 4, 1, new float[] {0, 1, 2, 4}));
    assertThat(close.score()).isEqualTo(0.5);
    assertThat(close.constant())
        .isCloseTo(Math.sqrt(2.1875), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(close.noBetterThanConstant()).isFalse();

    UploadFit reversed =
        UploadFit.of(identity, Examples.regression(x, 4, 1, new float[] {3, 2, 1, 0}));
    assertThat(reversed.noBetterThanConstant()).isTrue();

    UploadFit flat = UploadFit.of(identity, Examples.regression(x, 4, 1, new float[] {5, 5, 5, 5}));
    assertThat(flat.noBetterThanConstant()).as("equal targets tell nothing").isFalse();
  }
}
