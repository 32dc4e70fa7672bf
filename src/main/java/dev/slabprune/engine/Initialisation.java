package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Starting weights when no trained network is uploaded: Kaiming-uniform, the initialisation that
 * ALGORITHM.md §5 prescribes for training from scratch.
 */
final class Initialisation {

  private Initialisation() {}

  /**
   * Weights uniform in {@code ±sqrt(6 / fan_in)}, biases uniform in {@code ±1 / sqrt(fan_in)}.
   *
   * @param widths from input to output
   * @param hidden activation of the hidden layers; the last layer is the identity
   */
  public static DenseNetwork kaimingUniform(
      int[] widths, Activation hidden, OutputKind output, long seed) {
    Rng rng = new Rng(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < widths.length; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      double wb = Math.sqrt(6.0 / in);
      double bb = 1 / Math.sqrt(in);
      float[] w = new float[in * out];
      float[] b = new float[out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((2 * rng.nextOpenUniform() - 1) * wb);
      }
      for (int j = 0; j < out; j++) {
        b[j] = (float) ((2 * rng.nextOpenUniform() - 1) * bb);
      }
      layers.add(
          new DenseLayer(in, out, w, b, l + 2 < widths.length ? hidden : Activation.IDENTITY));
    }
    return new DenseNetwork(layers, output);
  }
}
