package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A binary classifier with one output: the logit z of the second class (trained with a sigmoid
 * cross-entropy), or its probability sigmoid(z) when the network ends in a Sigmoid. The engine
 * trains classifiers with a softmax over one output per class, so such a network enters it as the
 * equivalent two-logit classifier (-z/2, z/2): softmax(-z/2, z/2) = (1 - sigmoid(z), sigmoid(z)),
 * the same probabilities and the same decisions. It leaves the engine as one output again, the
 * difference of the two logits, which is all a softmax over two classes depends on.
 */
public final class BinaryOutput {

  private BinaryOutput() {}

  /**
   * Whether {@code net} can be read as a one-output binary classifier: one output, no output
   * transform, and a last layer that gives the logit (no activation) or its sigmoid.
   */
  public static boolean fits(DenseNetwork net) {
    return net.outputs() == 1
        && net.output() == OutputKind.REGRESSION
        && fits(last(net).activation());
  }

  /** Whether a last layer that ends in {@code activation} gives a logit or its sigmoid. */
  public static boolean fits(Activation activation) {
    return activation == Activation.IDENTITY || activation == Activation.SIGMOID;
  }

  /**
   * The two-logit classifier of {@code net} ({@link #fits}): its last layer's weights and bias
   * become (-w/2, w/2) and (-b/2, b/2), without activation. Halving is exact in float, so {@link
   * #narrow} gives {@code net} back bit for bit.
   */
  public static DenseNetwork widen(DenseNetwork net) {
    if (!fits(net)) {
      throw new IllegalArgumentException(
          "not a one-output binary classifier: "
              + net.outputs()
              + " outputs, "
              + net.output()
              + ", last activation "
              + last(net).activation());
    }
    DenseLayer out = last(net);
    float[] w = new float[out.inputs() * 2];
    for (int i = 0; i < out.inputs(); i++) {
      float half = out.weights()[i] / 2;
      w[i * 2] = -half;
      w[i * 2 + 1] = half;
    }
    float b = out.bias()[0] / 2;
    return replaceLast(
        net,
        new DenseLayer(out.inputs(), 2, w, new float[] {-b, b}, Activation.IDENTITY),
        OutputKind.LOGITS);
  }

  /**
   * One output again: the difference of the two logits of {@code net} (the second's less the
   * first's), followed by {@code activation} (a Sigmoid when the uploaded network ended in one).
   */
  public static DenseNetwork narrow(DenseNetwork net, Activation activation) {
    DenseLayer out = last(net);
    if (out.outputs() != 2 || !net.output().isClassification() || !fits(activation)) {
      throw new IllegalArgumentException(
          "not a two-class classifier to narrow: "
              + out.outputs()
              + " outputs, "
              + net.output()
              + ", to "
              + activation);
    }
    float[] w = new float[out.inputs()];
    for (int i = 0; i < out.inputs(); i++) {
      w[i] = out.weights()[i * 2 + 1] - out.weights()[i * 2];
    }
    float b = out.bias()[1] - out.bias()[0];
    return replaceLast(
        net,
        new DenseLayer(out.inputs(), 1, w, new float[] {b}, activation),
        OutputKind.REGRESSION);
  }

  private static DenseLayer last(DenseNetwork net) {
    return net.layers().get(net.layers().size() - 1);
  }

  private static DenseNetwork replaceLast(DenseNetwork net, DenseLayer out, OutputKind kind) {
    List<DenseLayer> layers = new ArrayList<>(net.layers());
    layers.set(layers.size() - 1, out);
    return new DenseNetwork(layers, kind);
  }
}
