package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The magnitude-rank start of the inclusion logits orders weights as a boxed comparator does. */
class MagnitudeRankTest {

  /** The rank as first written: indices sorted by |mu|, ties by position. */
  private static float[] reference(float[] mu, int count, float top) {
    Integer[] idx = new Integer[count];
    for (int i = 0; i < count; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        (a, b) -> {
          int c = Float.compare(Math.abs(mu[a]), Math.abs(mu[b]));
          return c != 0 ? c : Integer.compare(a, b);
        });
    float[] v = new float[mu.length];
    for (int r = 0; r < count; r++) {
      v[idx[r]] = top * (r + 1) / count;
    }
    return v;
  }

  @Test
  void ranksTiesZerosInfinitiesAndNaNsAsTheBoxedComparatorDoes() {
    float[] edges = {
      0f,
      -0f,
      1f,
      -1f,
      Float.NaN,
      Float.intBitsToFloat(0xffc00001),
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      0.5f,
      -0.5f
    };
    Rng r = new Rng(3);
    for (int n : new int[] {0, 1, 2, 17, 1000}) {
      float[] mu = new float[n + 5];
      for (int i = 0; i < mu.length; i++) {
        mu[i] = r.nextInt(3) == 0 ? edges[r.nextInt(edges.length)] : (float) r.nextGaussian();
      }
      float top = 4.59512f;
      float[] v = new float[mu.length];
      VariationalTrainer.byMagnitude(mu, v, n, top);
      float[] expected = reference(mu, n, top);
      for (int i = 0; i < mu.length; i++) {
        assertThat(Float.floatToRawIntBits(v[i]))
            .as("n %d, entry %d (mu %s)", n, i, mu[i])
            .isEqualTo(Float.floatToRawIntBits(expected[i]));
      }
    }
  }
}
