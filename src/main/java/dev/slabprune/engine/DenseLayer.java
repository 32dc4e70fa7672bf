package dev.slabprune.engine;

import java.util.Objects;

/**
 * One fully connected layer, {@code y = activation(x W + b)}.
 *
 * @param inputs fan-in
 * @param outputs fan-out
 * @param weights row-major {@code [inputs][outputs]}: the weight from input {@code i} to output
 *     {@code j} is {@code weights[i * outputs + j]}
 * @param bias {@code [outputs]}
 * @param activation applied element-wise after the affine map
 */
public record DenseLayer(
    int inputs, int outputs, float[] weights, float[] bias, Activation activation) {

  public DenseLayer {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(bias, "bias");
    Objects.requireNonNull(activation, "activation");
    if (inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException(
          "a layer needs at least one input and one output, got " + inputs + "x" + outputs);
    }
    if ((long) inputs * outputs != weights.length) {
      throw new IllegalArgumentException(
          "weights hold " + weights.length + " values, expected " + inputs + "x" + outputs);
    }
    if (bias.length != outputs) {
      throw new IllegalArgumentException(
          "bias holds " + bias.length + " values, expected " + outputs);
    }
  }

  public float weight(int input, int output) {
    return weights[input * outputs + output];
  }

  public long parameterCount() {
    return (long) weights.length + bias.length;
  }
}
