package dev.slabprune.engine;

import java.util.List;
import java.util.Random;

/** Small seeded data sets for the engine's tests. */
final class TestNetworks {

  private TestNetworks() {}

  /**
   * Standard normal features and uniform labels, nothing to learn: the benchmarks' data, whose
   * figures depend on the sizes only. The features are drawn first, then the labels.
   */
  static Examples noise(int rows, int cols, int classes, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[rows * cols];
    int[] y = new int[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(classes);
    }
    return Examples.classification(x, rows, cols, y, classes);
  }

  /** The speed benchmarks' architecture, LeNet-300-100. */
  static final int[] LENET = {784, 300, 100, 10};

  /** The speed benchmarks' upload: {@link #LENET}, ReLU, logits, Kaiming-uniform of seed 3. */
  static DenseNetwork lenet() {
    return Initialisation.kaimingUniform(LENET.clone(), Activation.RELU, OutputKind.LOGITS, 3);
  }

  /** The speed benchmarks' rows for {@link #lenet}: noise of seed 7, ten classes. */
  static Examples lenetRows(int rows) {
    return noise(rows, LENET[0], 10, 7);
  }

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

  /**
   * A classifier's posterior from its arrays (lambda 1e-3, slab and noise sd 1, no target scaling,
   * no history); {@code gates} null for none.
   */
  static Posterior classifier(
      int[] widths,
      Activation[] activations,
      float[][] mu,
      float[][] rho,
      float[][] v,
      float[][] gates) {
    return new Posterior(
        widths,
        activations,
        OutputKind.LOGITS,
        1e-3,
        1.0,
        1.0,
        mu,
        rho,
        v,
        new double[0],
        new double[0],
        List.of(),
        gates);
  }

  /**
   * A classifier's posterior of {@code widths} with random slab means (standard normal), inclusion
   * logits (sd 3) and slab sd about 0.0025; with {@code gated}, node gates with logits about 2 on
   * every layer's inputs.
   */
  static Posterior randomPosterior(int[] widths, long seed, boolean gated) {
    Random r = new Random(seed);
    int layers = widths.length - 1;
    float[][] mu = new float[layers][];
    float[][] rho = new float[layers][];
    float[][] v = new float[layers][];
    float[][] gates = gated ? new float[layers][] : null;
    Activation[] acts = new Activation[layers];
    for (int l = 0; l < layers; l++) {
      int size = widths[l] * widths[l + 1] + widths[l + 1];
      mu[l] = new float[size];
      rho[l] = new float[size];
      v[l] = new float[size];
      acts[l] = l + 1 < layers ? Activation.RELU : Activation.IDENTITY;
      for (int i = 0; i < size; i++) {
        mu[l][i] = (float) r.nextGaussian();
        rho[l][i] = -6f;
        v[l][i] = (float) (3 * r.nextGaussian());
      }
      if (gated) {
        gates[l] = new float[widths[l]];
        for (int j = 0; j < widths[l]; j++) {
          gates[l][j] = (float) (2 + r.nextGaussian());
        }
      }
    }
    return classifier(widths.clone(), acts, mu, rho, v, gates);
  }
}
