package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NoiseBlocksTest {

  private static final int CHUNKS = 245; // about a million draws of each kind

  /** The uniforms and normals of chunks 0 .. CHUNKS-1 under one layer's draw key. */
  private static float[][] draws(long key) {
    int n = NoiseBlocks.CHUNK;
    float[] u = new float[CHUNKS * n];
    float[] e = new float[CHUNKS * n];
    float[] bu = new float[n];
    float[] be = new float[n];
    float[] spare = new float[n];
    for (int c = 0; c < CHUNKS; c++) {
      NoiseBlocks.fill(NoiseBlocks.chunkKey(key, c), bu, be, spare, n, true);
      System.arraycopy(bu, 0, u, c * n, n);
      System.arraycopy(be, 0, e, c * n, n);
    }
    return new float[][] {u, e};
  }

  @Test
  void uniformsLieInsideTheOpenIntervalWithTheMeanVarianceAndDecilesOfUniform01() {
    float[] u = draws(NoiseBlocks.key(1, 0, 0))[0];
    double sum = 0;
    double sq = 0;
    int[] deciles = new int[10];
    for (float x : u) {
      assertThat(x).isGreaterThan(0f).isLessThan(1f);
      sum += x;
      sq += (double) x * x;
      deciles[(int) (x * 10)]++;
    }
    int n = u.length;
    double mean = sum / n;
    double var = sq / n - mean * mean;
    // standard errors: 0.29 / sqrt(n) = 2.9e-4 for the mean, about 8e-5 for the variance
    assertThat(mean).isCloseTo(0.5, within(1.5e-3));
    assertThat(var).isCloseTo(1.0 / 12, within(5e-4));
    double chi2 = 0;
    for (int d : deciles) {
      double expected = n / 10.0;
      chi2 += (d - expected) * (d - expected) / expected;
    }
    // chi-square with 9 degrees of freedom: P(> 33) is below 2e-4
    assertThat(chi2).isLessThan(33);
  }

  @Test
  void normalsHaveMeanZeroVarianceOneAndTheTailsOfTheStandardNormal() {
    float[] e = draws(NoiseBlocks.key(2, 5, 1))[1];
    int n = e.length;
    double sum = 0;
    double sq = 0;
    double fourth = 0;
    int beyond1 = 0;
    int beyond2 = 0;
    int beyond3 = 0;
    int beyond4 = 0;
    for (float x : e) {
      assertThat(x).isFinite();
      sum += x;
      sq += (double) x * x;
      fourth += (double) x * x * x * x;
      double a = Math.abs(x);
      beyond1 += a > 1 ? 1 : 0;
      beyond2 += a > 2 ? 1 : 0;
      beyond3 += a > 3 ? 1 : 0;
      beyond4 += a > 4 ? 1 : 0;
    }
    assertThat(sum / n).isCloseTo(0, within(5e-3));
    assertThat(sq / n).isCloseTo(1, within(7e-3));
    assertThat(fourth / n).as("kurtosis").isCloseTo(3, within(0.06));
    // two-sided tail probabilities of N(0, 1), within about five standard errors
    assertThat((double) beyond1 / n).isCloseTo(0.317311, within(2.5e-3));
    assertThat((double) beyond2 / n).isCloseTo(0.0455003, within(1.1e-3));
    assertThat((double) beyond3 / n).isCloseTo(0.0026998, within(2.6e-4));
    assertThat((double) beyond4 / n).isCloseTo(6.334e-5, within(4e-5));
  }

  @Test
  void distinctChunksLayersAndStepsGiveUncorrelatedStreams() {
    int n = NoiseBlocks.CHUNK;
    long layer0 = NoiseBlocks.key(3, 7, 0);
    long[][] pairs = {
      {NoiseBlocks.chunkKey(layer0, 0), NoiseBlocks.chunkKey(layer0, 1)},
      {NoiseBlocks.chunkKey(layer0, 4), NoiseBlocks.chunkKey(NoiseBlocks.key(3, 7, 1), 4)},
      {NoiseBlocks.chunkKey(layer0, 2), NoiseBlocks.chunkKey(NoiseBlocks.key(3, 8, 0), 2)},
      {NoiseBlocks.chunkKey(layer0, 2), NoiseBlocks.chunkKey(NoiseBlocks.key(4, 7, 0), 2)},
    };
    for (long[] pair : pairs) {
      // the two streams side by side, over 200 sub-keys of each
      double[] su = new double[5];
      double[] se = new double[5];
      int count = 0;
      float[] u1 = new float[n];
      float[] e1 = new float[n];
      float[] u2 = new float[n];
      float[] e2 = new float[n];
      float[] spare = new float[n];
      for (int b = 0; b < 200; b++) {
        NoiseBlocks.fill(NoiseBlocks.chunkKey(pair[0], b), u1, e1, spare, n, true);
        NoiseBlocks.fill(NoiseBlocks.chunkKey(pair[1], b), u2, e2, spare, n, true);
        for (int i = 0; i < n; i++) {
          accumulate(su, u1[i] - 0.5, u2[i] - 0.5);
          accumulate(se, e1[i], e2[i]);
          count++;
        }
      }
      // |r| of independent streams is about 1 / sqrt(count) = 1.1e-3
      assertThat(correlation(su)).as("uniforms").isCloseTo(0, within(6e-3));
      assertThat(correlation(se)).as("normals").isCloseTo(0, within(6e-3));
      assertThat(count).isEqualTo(200 * n);
    }
    // and within a stream, a normal is uncorrelated with its own uniform and with its pair's
    float[] u = new float[n];
    float[] e = new float[n];
    NoiseBlocks.fill(layer0, u, e, new float[n], n, true);
    double[] own = new double[5];
    double[] pair = new double[5];
    for (int i = 0; i < n / 2; i++) {
      accumulate(own, u[i] - 0.5, e[i]);
      accumulate(pair, e[i], e[i + n / 2]);
    }
    assertThat(correlation(own)).isCloseTo(0, within(0.08));
    assertThat(correlation(pair)).isCloseTo(0, within(0.08));
  }

  private static void accumulate(double[] s, double x, double y) {
    s[0] += x;
    s[1] += y;
    s[2] += x * x;
    s[3] += y * y;
    s[4] += x * y;
  }

  private static double correlation(double[] s) {
    // means are known to be zero up to noise far below the tolerance; centre anyway
    return s[4] / Math.sqrt(s[2] * s[3]);
  }

  @Test
  void theVectorAndTheScalarCodeDrawTheSameBits() {
    for (int n : new int[] {NoiseBlocks.CHUNK, 1000, 37, 1}) {
      float[] u1 = new float[NoiseBlocks.CHUNK];
      float[] e1 = new float[NoiseBlocks.CHUNK];
      float[] u2 = new float[NoiseBlocks.CHUNK];
      float[] e2 = new float[NoiseBlocks.CHUNK];
      float[] spare = new float[NoiseBlocks.CHUNK];
      long key = NoiseBlocks.chunkKey(NoiseBlocks.key(9, 3, 2), 1);
      NoiseBlocks.fill(key, u1, e1, spare, n, true);
      NoiseBlocks.fill(key, u2, e2, spare, n, false);
      assertThat(u1).as("uniforms of a block of %d", n).isEqualTo(u2);
      assertThat(e1).as("normals of a block of %d", n).isEqualTo(e2);
    }
  }

  @Test
  void theSameKeyGivesTheSameDrawsAndAnotherKeyOthers() {
    int n = 256;
    float[] a = new float[n];
    float[] b = new float[n];
    float[] c = new float[n];
    float[] e = new float[n];
    float[] spare = new float[n];
    NoiseBlocks.fill(NoiseBlocks.key(5, 1, 0), a, e, spare, n, true);
    NoiseBlocks.fill(NoiseBlocks.key(5, 1, 0), b, e, spare, n, true);
    NoiseBlocks.fill(NoiseBlocks.key(5, 2, 0), c, e, spare, n, true);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }
}
