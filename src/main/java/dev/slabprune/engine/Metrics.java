package dev.slabprune.engine;

/** Held-out scores of predictions: accuracy, NLL, expected calibration error, RMSE. */
final class Metrics {

  static final int ECE_BINS = 15;

  private Metrics() {}

  static double accuracy(float[] logits, int classes, int[] labels) {
    int rows = labels.length;
    int correct = 0;
    for (int r = 0; r < rows; r++) {
      if (argmax(logits, r * classes, classes) == labels[r]) {
        correct++;
      }
    }
    return (double) correct / rows;
  }

  static int argmax(float[] a, int offset, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (a[offset + j] > a[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  static int argmax(double[] a, int offset, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (a[offset + j] > a[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  /** Softmax probabilities of every row, in double. */
  static double[] softmax(float[] logits, int classes) {
    double[] p = new double[logits.length];
    int rows = logits.length / classes;
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, logits[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        p[base + j] = Math.exp(logits[base + j] - max);
        sum += p[base + j];
      }
      for (int j = 0; j < classes; j++) {
        p[base + j] /= sum;
      }
    }
    return p;
  }

  static double accuracy(double[] probs, int classes, int[] labels) {
    int correct = 0;
    for (int r = 0; r < labels.length; r++) {
      if (argmax(probs, r * classes, classes) == labels[r]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  /** Mean -log p(label); probabilities floored at 1e-12 so one confident error stays finite. */
  static double nll(double[] probs, int classes, int[] labels) {
    double s = 0;
    for (int r = 0; r < labels.length; r++) {
      s -= Math.log(Math.max(probs[r * classes + labels[r]], 1e-12));
    }
    return s / labels.length;
  }

  /** Expected calibration error with equal-width confidence bins. */
  static double ece(double[] probs, int classes, int[] labels) {
    double[] conf = new double[ECE_BINS];
    double[] acc = new double[ECE_BINS];
    int[] count = new int[ECE_BINS];
    for (int r = 0; r < labels.length; r++) {
      int y = argmax(probs, r * classes, classes);
      double c = probs[r * classes + y];
      int b = Math.min(ECE_BINS - 1, (int) (c * ECE_BINS));
      conf[b] += c;
      acc[b] += y == labels[r] ? 1 : 0;
      count[b]++;
    }
    double e = 0;
    for (int b = 0; b < ECE_BINS; b++) {
      if (count[b] > 0) {
        e += Math.abs(acc[b] - conf[b]) / labels.length;
      }
    }
    return e;
  }

  /** RMSE in original units of predictions and targets given on the standardised scale. */
  static double rmse(float[] predictions, int k, float[] standardisedTargets, double[] sd) {
    double s = 0;
    for (int i = 0; i < predictions.length; i++) {
      double d = (predictions[i] - standardisedTargets[i]) * sd[i % k];
      s += d * d;
    }
    return Math.sqrt(s / predictions.length);
  }
}
