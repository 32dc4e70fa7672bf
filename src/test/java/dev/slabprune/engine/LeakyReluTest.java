package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The leaky ReLU: its lanes give the scalar loop's bits, and back-propagation its derivative. */
class LeakyReluTest {

  private static final float SLOPE = Activation.LEAKY_SLOPE;

  @Test
  void theVectorLoopsGiveTheScalarBitsAtEveryLength() {
    for (int n = 0; n < 80; n++) {
      float[] a = values(n, n + 1);
      float[] d = values(n, 500 + n);
      float[] expectedA = a.clone();
      for (int i = 0; i < n; i++) {
        if (expectedA[i] < 0) {
          expectedA[i] = expectedA[i] * SLOPE;
        }
      }
      float[] expectedD = d.clone();
      for (int i = 0; i < n; i++) {
        if (expectedA[i] <= 0) {
          expectedD[i] = expectedD[i] * SLOPE;
        }
      }
      Mlp.leakyRelu(a);
      Mlp.leakyReluDelta(d, a);
      assertThat(bits(a)).as("length %d", n).containsExactly(bits(expectedA));
      assertThat(bits(d)).as("length %d", n).containsExactly(bits(expectedD));
    }
  }

  @Test
  void backPropagationThroughItMatchesFiniteDifferences() {
    SplittableRandom random = new SplittableRandom(3);
    int[] widths = {3, 6, 2};
    int rows = 5;
    float[] w1 = gaussian(random, 3 * 6);
    float[] b1 = gaussian(random, 6);
    float[] w2 = gaussian(random, 6 * 2);
    float[] b2 = gaussian(random, 2);
    float[] x = gaussian(random, rows * 3);
    double[] c = {0.7, -1.3}; // the loss: sum over rows of c . output
    DenseNetwork net = network(w1, b1, w2, b2);

    Mlp mlp = Mlp.of(net);
    NativeMatrix[] weights = mlp.newWeightBuffers();
    Mlp.putLayer(weights[0], w1, b1);
    Mlp.putLayer(weights[1], w2, b2);
    NativeMatrix[] grads = mlp.newWeightBuffers();
    Mlp.Workspace ws = mlp.workspace(rows);
    ws.loadRange(x, 0);
    ws.forward(weights);
    float[] delta = ws.outputDelta();
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < 2; k++) {
        delta[r * 2 + k] = (float) c[k];
      }
    }
    ws.backward(weights, grads);
    float[] g1 = new float[(3 + 1) * 6];
    grads[0].get(0, g1, 0, g1.length);

    double h = 1e-3;
    int negative = 0;
    for (int i = 0; i < w1.length; i++) {
      float[] plus = w1.clone();
      float[] minus = w1.clone();
      plus[i] += (float) h;
      minus[i] -= (float) h;
      double fd =
          (loss(network(plus, b1, w2, b2), x, rows, c)
                  - loss(network(minus, b1, w2, b2), x, rows, c))
              / (plus[i] - minus[i]);
      assertThat((double) g1[i])
          .as("weight %d", i)
          .isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-4));
    }
    for (double z : preActivations(w1, b1, x, rows)) {
      if (z < 0) {
        negative++;
      }
    }
    assertThat(negative).as("some hidden units are below zero, on the leaky side").isPositive();
  }

  private static DenseNetwork network(float[] w1, float[] b1, float[] w2, float[] b2) {
    return new DenseNetwork(
        List.of(
            new DenseLayer(3, 6, w1, b1, Activation.LEAKY_RELU),
            new DenseLayer(6, 2, w2, b2, Activation.IDENTITY)),
        OutputKind.LOGITS);
  }

  private static double loss(DenseNetwork net, float[] x, int rows, double[] c) {
    double[] out = net.forward(x, rows);
    double s = 0;
    for (int r = 0; r < rows; r++) {
      s += c[0] * out[r * 2] + c[1] * out[r * 2 + 1];
    }
    return s;
  }

  private static double[] preActivations(float[] w1, float[] b1, float[] x, int rows) {
    double[] z = new double[rows * 6];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < 6; j++) {
        double s = b1[j];
        for (int i = 0; i < 3; i++) {
          s += x[r * 3 + i] * w1[i * 6 + j];
        }
        z[r * 6 + j] = s;
      }
    }
    return z;
  }

  private static float[] gaussian(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }

  private static float[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(5) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) r.nextGaussian();
    }
    return a;
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
