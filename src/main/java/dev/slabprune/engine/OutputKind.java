package dev.slabprune.engine;

/**
 * What the last layer's output means, and the transform a serialised model applies after it.
 * Training always works on the last layer's raw output: logits for classification, the
 * (standardised) prediction for regression.
 */
public enum OutputKind {
  /** Classification; the network outputs raw logits. */
  LOGITS,
  /** Classification; the network ends in a softmax. */
  PROBABILITIES,
  /** Classification; the network ends in a log-softmax. */
  LOG_PROBABILITIES,
  /** Regression; the network outputs the prediction itself. */
  REGRESSION;

  public boolean isClassification() {
    return this != REGRESSION;
  }
}
