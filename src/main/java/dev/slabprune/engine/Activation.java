package dev.slabprune.engine;

/**
 * Element-wise activation of a dense layer. New constants go last: a stored posterior records each
 * layer's activation by its ordinal.
 */
public enum Activation {
  RELU,
  TANH,
  SIGMOID,
  IDENTITY,
  /** max(z, {@link #LEAKY_SLOPE} z): PyTorch's {@code LeakyReLU} at its default slope. */
  LEAKY_RELU;

  /** The slope of {@link #LEAKY_RELU} below zero, PyTorch's default (ONNX LeakyRelu's alpha). */
  public static final float LEAKY_SLOPE = 0.01f;

  /** The activation of one pre-activation value. */
  public double apply(double z) {
    return switch (this) {
      case RELU -> z > 0 ? z : 0;
      case TANH -> Math.tanh(z);
      case SIGMOID -> 1 / (1 + Math.exp(-z));
      case IDENTITY -> z;
      case LEAKY_RELU -> z > 0 ? z : LEAKY_SLOPE * z;
    };
  }

  /** The derivative at the pre-activation, expressed through the output {@code a = apply(z)}. */
  public double derivativeFromOutput(double a) {
    return switch (this) {
      case RELU -> a > 0 ? 1 : 0;
      case TANH -> 1 - a * a;
      case SIGMOID -> a * (1 - a);
      case IDENTITY -> 1;
      case LEAKY_RELU -> a > 0 ? 1 : LEAKY_SLOPE;
    };
  }
}
