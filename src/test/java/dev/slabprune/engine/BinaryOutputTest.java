package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinaryOutputTest {

  private static final int IN = 5;
  private static final int ROWS = 64;

  @Test
  void theTwoLogitsGiveTheSigmoidOfTheOneAndNarrowBackBitForBit() {
    for (Activation last : List.of(Activation.IDENTITY, Activation.SIGMOID)) {
      DenseNetwork one = network(last, 3);
      DenseNetwork two = BinaryOutput.widen(one);
      assertThat(two.outputs()).isEqualTo(2);
      assertThat(two.output()).isEqualTo(OutputKind.LOGITS);

      float[] x = rows(4);
      double[] logit = logitOf(one).forward(x, ROWS);
      double[] pair = two.forward(x, ROWS);
      for (int r = 0; r < ROWS; r++) {
        double z = pair[r * 2 + 1] - pair[r * 2];
        double second =
            Math.exp(pair[r * 2 + 1]) / (Math.exp(pair[r * 2]) + Math.exp(pair[r * 2 + 1]));
        assertThat(z).isCloseTo(logit[r], org.assertj.core.data.Offset.offset(1e-5));
        assertThat(second)
            .as("softmax(-z/2, z/2)[1] = sigmoid(z)")
            .isCloseTo(1 / (1 + Math.exp(-logit[r])), org.assertj.core.data.Offset.offset(1e-6));
      }

      DenseNetwork back = BinaryOutput.narrow(two, last);
      assertThat(back.output()).isEqualTo(OutputKind.REGRESSION);
      for (int l = 0; l < one.layers().size(); l++) {
        DenseLayer a = one.layers().get(l);
        DenseLayer b = back.layers().get(l);
        assertThat(b.weights()).containsExactly(a.weights());
        assertThat(b.bias()).containsExactly(a.bias());
        assertThat(b.activation()).isEqualTo(a.activation());
      }
    }
  }

  @Test
  void aPrunedPairNarrowsToTheDifferenceOfItsLogits() {
    DenseNetwork two = BinaryOutput.widen(network(Activation.IDENTITY, 7));
    DenseLayer out = two.layers().get(1);
    float[] w = out.weights().clone();
    w[0] = 0; // the first hidden unit's weight to the first logit pruned, to the second kept
    w[2] = 0;
    w[3] = 0; // the second hidden unit's weights both pruned
    DenseNetwork pruned =
        new DenseNetwork(
            List.of(
                two.layers().get(0),
                new DenseLayer(out.inputs(), 2, w, out.bias(), Activation.IDENTITY)),
            OutputKind.LOGITS);
    DenseLayer one = BinaryOutput.narrow(pruned, Activation.IDENTITY).layers().get(1);
    assertThat(one.weights()[0]).isEqualTo(w[1]);
    assertThat(one.weights()[1]).isZero();
    assertThat(one.weights()[2]).isEqualTo(w[5] - w[4]);
  }

  @Test
  void onlyOneLogitOrItsSigmoidIsABinaryOutput() {
    assertThat(BinaryOutput.fits(network(Activation.IDENTITY, 1))).isTrue();
    assertThat(BinaryOutput.fits(network(Activation.SIGMOID, 1))).isTrue();
    assertThat(BinaryOutput.fits(network(Activation.TANH, 1))).isFalse();
    assertThat(BinaryOutput.fits(network(Activation.RELU, 1))).isFalse();
    DenseNetwork three = TestNetworks.lenet();
    assertThat(BinaryOutput.fits(three)).isFalse();
    assertThatThrownBy(() -> BinaryOutput.widen(three))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 outputs");
    assertThatThrownBy(() -> BinaryOutput.narrow(three, Activation.IDENTITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 outputs");
    assertThatThrownBy(
            () ->
                BinaryOutput.narrow(
                    BinaryOutput.widen(network(Activation.IDENTITY, 1)), Activation.TANH))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** IN-8-1, tanh, ending in {@code last}. */
  private static DenseNetwork network(Activation last, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w1 = new float[IN * 8];
    float[] b1 = new float[8];
    float[] w2 = new float[8];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < b1.length; i++) {
      b1[i] = (float) random.nextGaussian() / 4;
      w2[i] = (float) random.nextGaussian();
    }
    return new DenseNetwork(
        List.of(
            new DenseLayer(IN, 8, w1, b1, Activation.TANH),
            new DenseLayer(8, 1, w2, new float[] {0.3f}, last)),
        OutputKind.REGRESSION);
  }

  private static DenseNetwork logitOf(DenseNetwork net) {
    DenseLayer out = net.layers().get(1);
    return new DenseNetwork(
        List.of(
            net.layers().get(0),
            new DenseLayer(out.inputs(), 1, out.weights(), out.bias(), Activation.IDENTITY)),
        OutputKind.REGRESSION);
  }

  private static float[] rows(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[ROWS * IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
