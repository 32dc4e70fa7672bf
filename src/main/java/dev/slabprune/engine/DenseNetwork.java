package dev.slabprune.engine;

import java.util.List;
import java.util.Objects;

/**
 * A chain of fully connected layers: the form in which networks enter and leave the engine.
 *
 * @param layers in order from input to output; each layer's fan-in equals the previous fan-out
 * @param output what the last layer's output means
 */
public record DenseNetwork(List<DenseLayer> layers, OutputKind output) {

  public DenseNetwork {
    layers = List.copyOf(layers);
    Objects.requireNonNull(output, "output");
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    for (int l = 1; l < layers.size(); l++) {
      if (layers.get(l).inputs() != layers.get(l - 1).outputs()) {
        throw new IllegalArgumentException(
            "layer "
                + l
                + " takes "
                + layers.get(l).inputs()
                + " inputs but layer "
                + (l - 1)
                + " gives "
                + layers.get(l - 1).outputs());
      }
    }
  }

  public int inputs() {
    return layers.get(0).inputs();
  }

  public int outputs() {
    return layers.get(layers.size() - 1).outputs();
  }

  public long parameterCount() {
    return layers.stream().mapToLong(DenseLayer::parameterCount).sum();
  }

  /** Widths from input to output, e.g. {@code [784, 300, 100, 10]}. */
  public int[] architecture() {
    int[] widths = new int[layers.size() + 1];
    widths[0] = inputs();
    for (int l = 0; l < layers.size(); l++) {
      widths[l + 1] = layers.get(l).outputs();
    }
    return widths;
  }

  /**
   * Reference forward pass in double precision, including the output transform of {@link
   * #output()}; the yardstick that faster paths and serialised models are checked against.
   *
   * @param x row-major {@code [rows][inputs()]}
   * @return row-major {@code [rows][outputs()]}
   */
  public double[] forward(float[] x, int rows) {
    if ((long) rows * inputs() != x.length) {
      throw new IllegalArgumentException(
          "input holds " + x.length + " values, expected " + rows + "x" + inputs());
    }
    double[] current = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      current[i] = x[i];
    }
    int width = inputs();
    for (DenseLayer layer : layers) {
      double[] next = new double[rows * layer.outputs()];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < layer.outputs(); j++) {
          double z = layer.bias()[j];
          for (int i = 0; i < width; i++) {
            z += current[r * width + i] * layer.weights()[i * layer.outputs() + j];
          }
          next[r * layer.outputs() + j] = layer.activation().apply(z);
        }
      }
      current = next;
      width = layer.outputs();
    }
    if (output == OutputKind.PROBABILITIES || output == OutputKind.LOG_PROBABILITIES) {
      for (int r = 0; r < rows; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
          max = Math.max(max, current[r * width + j]);
        }
        double sum = 0;
        for (int j = 0; j < width; j++) {
          sum += Math.exp(current[r * width + j] - max);
        }
        double logSum = max + Math.log(sum);
        for (int j = 0; j < width; j++) {
          double logP = current[r * width + j] - logSum;
          current[r * width + j] = output == OutputKind.PROBABILITIES ? Math.exp(logP) : logP;
        }
      }
    }
    return current;
  }
}
