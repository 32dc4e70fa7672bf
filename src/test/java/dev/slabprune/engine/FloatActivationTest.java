package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * tanh and the sigmoid in float ({@link FloatMath}): close to the double functions everywhere, the
 * same bits over Vector API lanes as one float at a time, and a network's column of ones kept.
 */
class FloatActivationTest {

  @Test
  void tanhIsWithinAFewUlpsOfTheDoubleFunction() {
    double worst = 0;
    for (int i = -200_000; i <= 200_000; i++) {
      float x = i * 1e-4f;
      double exact = Math.tanh(x);
      float got = FloatMath.tanh(x);
      double error = Math.abs(got - exact) / Math.max(Math.abs(exact), Float.MIN_NORMAL);
      worst = Math.max(worst, error);
    }
    assertThat(worst).isLessThan(4e-7);
    assertThat(FloatMath.tanh(0f)).isEqualTo(0f);
    assertThat(FloatMath.tanh(1e-30f)).isEqualTo(1e-30f);
    assertThat(FloatMath.tanh(Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);
    assertThat(FloatMath.tanh(40f)).isEqualTo(1f);
    assertThat(FloatMath.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
    assertThat(FloatMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
    assertThat(FloatMath.tanh(-0.7f)).isEqualTo(-FloatMath.tanh(0.7f));
  }

  @Test
  void sigmoidIsWithinAFewUlpsOfTheDoubleFunction() {
    double worst = 0;
    for (int i = -800_000; i <= 300_000; i++) {
      float x = i * 1e-4f;
      double exact = 1 / (1 + Math.exp(-x));
      worst = Math.max(worst, Math.abs(FloatMath.sigmoid(x) - exact) / exact);
    }
    assertThat(worst).isLessThan(4e-7);
    assertThat(FloatMath.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(FloatMath.sigmoid(Float.POSITIVE_INFINITY)).isEqualTo(1f);
    assertThat((double) FloatMath.sigmoid(Float.NEGATIVE_INFINITY)).isCloseTo(0, within(1e-37));
  }

  @Test
  void theLanesGiveTheScalarFunctionsBitsAtEveryLength() {
    Rng r = new Rng(7);
    for (int n = 0; n < 80; n++) {
      float[] a = new float[n];
      for (int i = 0; i < n; i++) {
        // both sides of the series' bound, and the saturated tails
        a[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 0.3 : 4));
      }
      float[] t = a.clone();
      float[] s = a.clone();
      FloatMath.tanh(t, new float[n], n);
      FloatMath.sigmoid(s, new float[n], n);
      for (int i = 0; i < n; i++) {
        assertThat(Float.floatToRawIntBits(t[i]))
            .as("tanh lane %d of %d", i, n)
            .isEqualTo(Float.floatToRawIntBits(FloatMath.tanh(a[i])));
        assertThat(Float.floatToRawIntBits(s[i]))
            .as("sigmoid lane %d of %d", i, n)
            .isEqualTo(Float.floatToRawIntBits(FloatMath.sigmoid(a[i])));
      }
    }
  }

  @Test
  void aTanhNetworksOutputsAreTheDoubleForwardPassesWithinFloatError() {
    for (Activation act : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
      int[] widths = {7, 13, 5, 2};
      DenseNetwork net = Initialisation.kaimingUniform(widths, act, OutputKind.REGRESSION, 3);
      int rows = 37;
      Examples ex = TestNetworks.noise(rows, widths[0], 2, 3);
      float[] x = ex.features();
      float[] out = Evaluator.outputs(net, ex);
      double[] exact = net.forward(x, rows);
      for (int i = 0; i < exact.length; i++) {
        // a lost column of ones (the bias) would move every output by a whole weight
        assertThat((double) out[i]).as("%s output %d", act, i).isCloseTo(exact[i], within(1e-4));
      }
    }
  }
}
