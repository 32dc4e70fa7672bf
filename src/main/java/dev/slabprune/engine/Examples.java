package dev.slabprune.engine;

import java.util.Objects;

/**
 * A set of examples in memory: features row-major, and either class labels or regression targets.
 *
 * @param features row-major {@code [rows][cols]}
 * @param rows number of examples
 * @param cols number of input features
 * @param labels class of each example in {@code [0, classes)}, or null for regression
 * @param targets {@code [rows][outputs]} row-major regression targets, or null for classification
 * @param classes number of classes (classification), or 0 for regression
 */
public record Examples(
    float[] features, int rows, int cols, int[] labels, float[] targets, int classes) {

  public Examples {
    Objects.requireNonNull(features, "features");
    if (rows < 1 || cols < 1) {
      throw new InvalidInputException("examples need at least one row and one column");
    }
    if ((long) rows * cols != features.length) {
      throw new InvalidInputException(
          "features hold " + features.length + " values, expected " + rows + "x" + cols);
    }
    if ((labels == null) == (targets == null)) {
      throw new InvalidInputException("give either labels (classification) or targets");
    }
    if (labels != null) {
      if (labels.length != rows) {
        throw new InvalidInputException(labels.length + " labels for " + rows + " rows");
      }
      if (classes < 2) {
        throw new InvalidInputException("classification needs at least two classes");
      }
      for (int i = 0; i < rows; i++) {
        if (labels[i] < 0 || labels[i] >= classes) {
          throw new InvalidInputException(
              "label " + labels[i] + " of row " + i + " is outside [0, " + classes + ")");
        }
      }
    } else if (targets.length % rows != 0 || targets.length == 0) {
      throw new InvalidInputException(
          targets.length + " targets do not divide evenly over " + rows + " rows");
    }
    for (float f : features) {
      if (!Float.isFinite(f)) {
        throw new InvalidInputException("features must be finite");
      }
    }
  }

  public static Examples classification(
      float[] features, int rows, int cols, int[] labels, int classes) {
    return new Examples(features, rows, cols, labels, null, classes);
  }

  public static Examples regression(float[] features, int rows, int cols, float[] targets) {
    return new Examples(features, rows, cols, null, targets, 0);
  }

  public boolean isClassification() {
    return labels != null;
  }

  /** Outputs per example: classes, or target columns. */
  public int outputs() {
    return labels != null ? classes : targets.length / rows;
  }

  /** The same examples restricted to the given feature columns, in that order. */
  public Examples selectColumns(int[] columns) {
    float[] f = new float[rows * columns.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns.length; c++) {
        f[r * columns.length + c] = features[r * cols + columns[c]];
      }
    }
    return new Examples(f, rows, columns.length, labels, targets, classes);
  }
}
