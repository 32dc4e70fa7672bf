package dev.slabprune.engine;

/** Element-wise activation of a dense layer. */
public enum Activation {
  RELU,
  TANH,
  SIGMOID,
  IDENTITY;

  /** The activation of one pre-activation value. */
  public double apply(double z) {
    return switch (this) {
      case RELU -> z > 0 ? z : 0;
      case TANH -> Math.tanh(z);
      case SIGMOID -> 1 / (1 + Math.exp(-z));
      case IDENTITY -> z;
    };
  }

  /** The derivative at the pre-activation, expressed through the output {@code a = apply(z)}. */
  public double derivativeFromOutput(double a) {
    return switch (this) {
      case RELU -> a > 0 ? 1 : 0;
      case TANH -> 1 - a * a;
      case SIGMOID -> a * (1 - a);
      case IDENTITY -> 1;
    };
  }
}
