package dev.slabprune.engine;

/**
 * How the uploaded network predicts some rows, against the best constant prediction: the commonest
 * class for a classification, the rows' mean target for a regression. A network that does no better
 * than that constant was not trained on these rows as they are given (another scaling or column
 * order of the features, another order of the class labels), and compressing it would fit a new
 * network to them instead of keeping the uploaded one's function.
 *
 * @param classification accuracy (higher is better) rather than RMSE
 * @param rows how many rows were scored
 * @param score the network's accuracy, or its RMSE in the target's units
 * @param constant the constant's: the commonest class's share, or the targets' population sd
 * @param commonestClass the commonest class's index (classification), else -1
 */
public record UploadFit(
    boolean classification, int rows, double score, double constant, int commonestClass) {

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
      int right = 0;
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
          right++;
        }
      }
      int commonest = 0;
      for (int c = 1; c < counts.length; c++) {
        if (counts[c] > counts[commonest]) {
          commonest = c;
        }
      }
      return new UploadFit(true, n, (double) right / n, (double) counts[commonest] / n, commonest);
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
    return new UploadFit(false, n, Math.sqrt(squares / y.length), Math.sqrt(spread / y.length), -1);
  }

  /**
   * Whether the network does no better than the constant: an accuracy at most the commonest class's
   * share, or an RMSE at least the targets' sd (a coefficient of determination of at most 0). Rows
   * whose targets are all equal, or of one class, tell nothing: false.
   */
  public boolean noBetterThanConstant() {
    if (classification) {
      return constant < 1 && score <= constant;
    }
    return constant > 0 && score >= constant;
  }
}
