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
  void aClassifierIsHeldToTheBalancedAccuracyOfAConstantAnswer() {
    // rows: the larger input names the class
    float[] x = {1, 0, 0, 1, 1, 0, 1, 0};
    UploadFit right =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {0, 1, 0, 1}, 2));
    assertThat(right.score()).as("recall 1 on class 0, 1/2 on class 1").isEqualTo(0.75);
    assertThat(right.constant()).isEqualTo(0.5);
    assertThat(right.noBetterThanConstant()).isFalse();

    // a detector of the rarer class: accuracy 3/4 is the commonest class's share, yet it finds
    // what a constant answer cannot
    float[] y = {0, 1, 1, 0, 0, 1, 1, 0};
    UploadFit rare =
        UploadFit.of(PICK, Examples.classification(y, 4, 2, new int[] {1, 0, 0, 0}, 2));
    assertThat(rare.score()).as("recall 1 on class 1, 2/3 on class 0").isCloseTo(5.0 / 6, within());
    assertThat(rare.noBetterThanConstant()).isFalse();

    UploadFit swapped =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {1, 0, 1, 0}, 2));
    assertThat(swapped.score()).as("recall 0 on class 1, 1/2 on class 0").isEqualTo(0.25);
    assertThat(swapped.noBetterThanConstant()).isTrue();

    UploadFit oneClass =
        UploadFit.of(PICK, Examples.classification(x, 4, 2, new int[] {1, 1, 1, 1}, 2));
    assertThat(oneClass.noBetterThanConstant()).as("one class tells nothing").isFalse();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
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
