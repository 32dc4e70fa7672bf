package dev.slabprune.engine;

import java.util.Random;

/** Small seeded data sets for the engine's tests. */
final class TestNetworks {

  private TestNetworks() {}

  /** Two Gaussian blobs per class in {@code cols} dimensions, only the first two informative. */
  static Examples blobs(int rows, int cols, int classes, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * cols];
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(classes);
      double angle = 2 * Math.PI * y[i] / classes;
      for (int c = 0; c < cols; c++) {
        double centre = c == 0 ? 2 * Math.cos(angle) : c == 1 ? 2 * Math.sin(angle) : 0;
        x[i * cols + c] = (float) (centre + 0.7 * r.nextGaussian());
      }
    }
    return Examples.classification(x, rows, cols, y, classes);
  }
}
