package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ReLU and its derivative over Vector API lanes give the scalar loops' bits. */
class MlpReluTest {

  private static final float[] EDGES = {
    0f,
    -0f,
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    -Float.MIN_NORMAL,
    1e-30f,
    -1e-30f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    Float.intBitsToFloat(0x7fc00001),
    Float.intBitsToFloat(0xffc00000)
  };

  private static float[] values(int n, long seed) {
    Rng r = new Rng(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextInt(4) == 0 ? EDGES[r.nextInt(EDGES.length)] : (float) r.nextGaussian();
    }
    return a;
  }

  @Test
  void reluGivesTheScalarLoopsBitsAtEveryLengthAndEdgeValue() {
    for (int n = 0; n < 80; n++) {
      float[] a = values(n, n + 1);
      float[] expected = a.clone();
      for (int i = 0; i < expected.length; i++) {
        if (expected[i] < 0) {
          expected[i] = 0;
        }
      }
      Mlp.relu(a);
      assertThat(bits(a)).as("length %d", n).containsExactly(bits(expected));
    }
  }

  @Test
  void reluDeltaGivesTheScalarLoopsBitsAtEveryLengthAndEdgeValue() {
    for (int n = 0; n < 80; n++) {
      float[] a = values(n, 100 + n);
      float[] d = values(n, 200 + n);
      float[] expected = d.clone();
      for (int i = 0; i < expected.length; i++) {
        if (a[i] <= 0) {
          expected[i] = 0;
        }
      }
      Mlp.reluDelta(d, a);
      assertThat(bits(d)).as("length %d", n).containsExactly(bits(expected));
    }
  }

  private static int[] bits(float[] a) {
    int[] b = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Float.floatToRawIntBits(a[i]);
    }
    return b;
  }
}
