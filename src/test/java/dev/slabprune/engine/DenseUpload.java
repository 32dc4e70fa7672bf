package dev.slabprune.engine;

/**
 * A dense network trained here as a benchmark's upload: Kaiming-uniform start, the engine's own
 * dense trainer (Adam), seeded, so the same data and seed give the same network.
 */
public final class DenseUpload {

  private DenseUpload() {}

  /**
   * @param widths from input to output; ReLU hidden layers, logits out
   * @param epochs passes over {@code train}
   */
  public static DenseNetwork classifier(
      Examples train, int[] widths, int epochs, int batch, double learningRate, long seed) {
    DenseNetwork start =
        Initialisation.kaimingUniform(widths, Activation.RELU, OutputKind.LOGITS, seed);
    DenseTrainer trainer = new DenseTrainer(start, train, learningRate, false, 1.0, seed);
    trainer.epochs(epochs, batch);
    return trainer.network();
  }

  /** Accuracy of {@code net} on {@code ex}. */
  public static double accuracy(DenseNetwork net, Examples ex) {
    return Evaluator.score(net, ex, 1.0, new double[net.outputs()]).accuracy();
  }
}
