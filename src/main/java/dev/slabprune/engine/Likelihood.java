package dev.slabprune.engine;

/**
 * The per-example negative log-likelihoods and their gradients with respect to the network's raw
 * output: softmax cross-entropy, and a Gaussian with fixed noise sd on the standardised target.
 */
final class Likelihood {

  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

  private Likelihood() {}

  /**
   * Mean softmax cross-entropy of {@code rows} rows of logits; writes dLoss/dlogit into {@code
   * delta} (already divided by {@code rows}, the batch mean).
   */
  static double softmaxCrossEntropy(
      float[] logits, int rows, int classes, int[] labels, int[] order, int from, float[] delta) {
    double total = 0;
    double invRows = 1.0 / rows;
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, logits[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += Math.exp(logits[base + j] - max);
      }
      double logSum = max + Math.log(sum);
      int y = labels[order == null ? from + r : order[from + r]];
      total += logSum - logits[base + y];
      if (delta != null) {
        for (int j = 0; j < classes; j++) {
          double p = Math.exp(logits[base + j] - logSum);
          delta[base + j] = (float) ((p - (j == y ? 1 : 0)) * invRows);
        }
      }
    }
    return total * invRows;
  }

  /**
   * Mean Gaussian NLL of standardised targets; {@code targets} are already standardised, {@code k}
   * outputs per row.
   */
  static double gaussian(
      float[] predictions,
      int rows,
      int k,
      float[] targets,
      int[] order,
      int from,
      double noiseSd,
      float[] delta) {
    double total = 0;
    double invRows = 1.0 / rows;
    double invVar = 1 / (noiseSd * noiseSd);
    double logSd = Math.log(noiseSd);
    for (int r = 0; r < rows; r++) {
      int row = order == null ? from + r : order[from + r];
      for (int j = 0; j < k; j++) {
        double diff = predictions[r * k + j] - targets[row * k + j];
        total += 0.5 * diff * diff * invVar + logSd + HALF_LOG_2PI;
        if (delta != null) {
          delta[r * k + j] = (float) (diff * invVar * invRows);
        }
      }
    }
    return total * invRows;
  }

  /** Gaussian NLL of one value, for evaluation. */
  static double gaussianNll(double diff, double sd) {
    return 0.5 * diff * diff / (sd * sd) + Math.log(sd) + HALF_LOG_2PI;
  }
}
