package dev.slabprune.engine;

/**
 * How the uploaded network predicts some rows, against a constant prediction: for a classification
 * its balanced accuracy (its recall averaged over the classes the rows hold) against that of any
 * constant answer, 1 / classes, which an accuracy below the commonest class's share can still beat
 * (a detector of a rare class); for a regression its RMSE against that of the rows' mean target,
 * their sd. A network that does no better was not trained on these rows as they are given (another
 * scaling or order of the features, another order of the class labels), and compressing it would
 * fit a new network to them instead of keeping the uploaded one's function.
 *
 * @param classification balanced accuracy (higher is better) rather than RMSE
 * @param rows how many rows were scored
 * @param score the network's balanced accuracy, or its RMSE in the target's units
 * @param constant a constant's: 1 / the classes the rows hold, or the targets' population sd
 */
public record UploadFit(boolean classification, int rows, double score, double constant) {

  /**
   * Scores {@code start} on {@code rows} (at least one; the engine's fast forward pass, the
   * transform of a softmax output left out: it changes no decision).
   */
  public static UploadFit of(DenseNetwork start, Examples rows) {
    if (rows.rows() == 0) {
      throw new IllegalArgumentException("no rows to score the upload on");
    }
    float[] out = Evaluator.outputs(start, rows);
    int k = start.outputs();
    int n = rows.rows();
    if (rows.isClassification()) {
      long[] counts = new long[rows.classes()];
      long[] right = new long[rows.classes()];
      for (int r = 0; r < n; r++) {
        int label = rows.labels()[r];
        counts[label]++;
        int best = 0;
        for (int j = 1; j < k; j++) {
          if (out[r * k + j] > out[r * k + best]) {
            best = j;
          }
        }
        if (best == label) {
          right[label]++;
        }
      }
      int present = 0;
      double recall = 0;
      for (int c = 0; c < counts.length; c++) {
        if (counts[c] > 0) {
          present++;
          recall += (double) right[c] / counts[c];
        }
      }
      return new UploadFit(true, n, recall / present, 1.0 / present);
    }
    float[] y = rows.targets();
    double mean = 0;
    for (float t : y) {
      mean += t;
    }
    mean /= y.length;
    double squares = 0;
    double spread = 0;
    for (int i = 0; i < y.length; i++) {
      double e = out[i] - y[i];
      squares += e * e;
      double d = y[i] - mean;
      spread += d * d;
    }
    return new UploadFit(false, n, Math.sqrt(squares / y.length), Math.sqrt(spread / y.length));
  }

  /**
   * Whether the network does no better than a constant: a balanced accuracy at most 1 / classes, or
   * an RMSE at least the targets' sd (a coefficient of determination of at most 0). Rows of one
   * class, or whose targets are all equal, tell nothing: false.
   */
  public boolean noBetterThanConstant() {
    if (classification) {
      return constant < 1 && score <= constant;
    }
    return constant > 0 && score >= constant;
  }
}
