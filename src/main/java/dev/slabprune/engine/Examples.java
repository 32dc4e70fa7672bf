package dev.slabprune.engine;

import java.util.Objects;

/**
 * A set of examples: a view of some rows and columns of a feature store held once ({@link Rows}),
 * and either class labels or regression targets. Views share the store: taking the training rows of
 * a dataset, or its kept input columns, copies no feature values. The engine reads features a batch
 * at a time into buffers of its own ({@link #copyRow}).
 */
public final class Examples {

  /** Pixel value {@code v} of a uint8 store, as a feature: {@code v / 255}. */
  private static final float[] PIXEL = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      PIXEL[v] = v / 255f;
    }
  }

  /**
   * The feature values of a dataset's rows, row-major, held once: float32, or one byte per value
   * that becomes its float (such as {@code v / 255f} for pixels) only when a row is read.
   */
  public static final class Rows {
    private final float[] floats;
    private final byte[] pixels;
    private final float[] values;
    private final int count;
    private final int cols;

    private Rows(float[] floats, byte[] pixels, float[] values, int count, int cols) {
      this.floats = floats;
      this.pixels = pixels;
      this.values = values;
      this.count = count;
      this.cols = cols;
      if (count < 1 || cols < 1) {
        throw new InvalidInputException("examples need at least one row and one column");
      }
      long length = floats != null ? floats.length : pixels.length;
      if ((long) count * cols != length) {
        throw new InvalidInputException(
            "features hold " + length + " values, expected " + count + "x" + cols);
      }
    }

    /** Float32 values, {@code [count][cols]} row-major; they must be finite. Not copied. */
    public static Rows ofFloats(float[] values, int count, int cols) {
      Objects.requireNonNull(values, "values");
      for (float f : values) {
        if (!Float.isFinite(f)) {
          throw new InvalidInputException("features must be finite");
        }
      }
      return new Rows(values, null, null, count, cols);
    }

    /**
     * Unsigned 8-bit pixels, {@code [count][cols]} row-major, read as {@code v / 255f} (the values
     * the IDX reader gives). Not copied.
     */
    public static Rows ofPixels(byte[] values, int count, int cols) {
      return ofBytes(values, PIXEL, count, cols);
    }

    /**
     * One byte per value, {@code [count][cols]} row-major, byte {@code b} read as {@code
     * byteValues[b & 0xFF]} (256 finite values, copied). The bytes are not copied.
     */
    public static Rows ofBytes(byte[] bytes, float[] byteValues, int count, int cols) {
      Objects.requireNonNull(bytes, "bytes");
      if (byteValues.length != 256) {
        throw new InvalidInputException("a byte store needs a value for each of the 256 bytes");
      }
      for (float f : byteValues) {
        if (!Float.isFinite(f)) {
          throw new InvalidInputException("features must be finite");
        }
      }
      return new Rows(null, bytes, byteValues.clone(), count, cols);
    }

    public int count() {
      return count;
    }

    public int cols() {
      return cols;
    }

    /** Bytes of feature values held. */
    public long bytes() {
      return floats != null ? 4L * floats.length : pixels.length;
    }

    void copy(int row, int[] columns, float[] dst, int at) {
      int base = row * cols;
      if (columns == null) {
        if (floats != null) {
          System.arraycopy(floats, base, dst, at, cols);
        } else {
          for (int c = 0; c < cols; c++) {
            dst[at + c] = values[pixels[base + c] & 0xFF];
          }
        }
      } else if (floats != null) {
        for (int c = 0; c < columns.length; c++) {
          dst[at + c] = floats[base + columns[c]];
        }
      } else {
        for (int c = 0; c < columns.length; c++) {
          dst[at + c] = values[pixels[base + columns[c]] & 0xFF];
        }
      }
    }
  }

  private final Rows data;
  private final int[] index;
  private final int[] columns;
  private final int rows;
  private final int cols;
  private final int[] labels;
  private final float[] targets;
  private final int classes;

  /**
   * Examples over a feature array of their own.
   *
   * @param features row-major {@code [rows][cols]}, not copied
   * @param rows number of examples
   * @param cols number of input features
   * @param labels class of each example in {@code [0, classes)}, or null for regression
   * @param targets {@code [rows][outputs]} row-major regression targets, or null for classification
   * @param classes number of classes (classification), or 0 for regression
   */
  public Examples(
      float[] features, int rows, int cols, int[] labels, float[] targets, int classes) {
    this(
        Rows.ofFloats(Objects.requireNonNull(features, "features"), rows, cols),
        null,
        null,
        labels,
        targets,
        classes);
  }

  private Examples(
      Rows data, int[] index, int[] columns, int[] labels, float[] targets, int classes) {
    this.data = data;
    this.index = index;
    this.columns = columns;
    this.rows = index == null ? data.count : index.length;
    this.cols = columns == null ? data.cols : columns.length;
    this.labels = labels;
    this.targets = targets;
    this.classes = classes;
    if (rows < 1 || cols < 1) {
      throw new InvalidInputException("examples need at least one row and one column");
    }
    if (index != null) {
      for (int r : index) {
        if (r < 0 || r >= data.count) {
          throw new InvalidInputException("row " + r + " is outside [0, " + data.count + ")");
        }
      }
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
  }

  public static Examples classification(
      float[] features, int rows, int cols, int[] labels, int classes) {
    return new Examples(features, rows, cols, labels, null, classes);
  }

  public static Examples regression(float[] features, int rows, int cols, float[] targets) {
    return new Examples(features, rows, cols, null, targets, 0);
  }

  /**
   * Rows {@code index[0..]} of {@code data}, in that order, with their labels: a view, the features
   * are not copied.
   */
  public static Examples classification(Rows data, int[] index, int[] labels, int classes) {
    return new Examples(data, index, null, labels, null, classes);
  }

  /** Rows {@code index[0..]} of {@code data}, in that order, with their targets: a view. */
  public static Examples regression(Rows data, int[] index, float[] targets) {
    return new Examples(data, index, null, null, targets, 0);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Class of each example, or null for regression. */
  public int[] labels() {
    return labels;
  }

  /** {@code [rows][outputs]} row-major regression targets, or null for classification. */
  public float[] targets() {
    return targets;
  }

  /** Number of classes (classification), or 0 for regression. */
  public int classes() {
    return classes;
  }

  public boolean isClassification() {
    return labels != null;
  }

  /** Outputs per example: classes, or target columns. */
  public int outputs() {
    return labels != null ? classes : targets.length / rows;
  }

  /** The same examples restricted to the given feature columns, in that order: a view. */
  public Examples selectColumns(int[] columns) {
    int[] selected = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      if (columns[c] < 0 || columns[c] >= cols) {
        throw new InvalidInputException("column " + columns[c] + " is outside [0, " + cols + ")");
      }
      selected[c] = this.columns == null ? columns[c] : this.columns[columns[c]];
    }
    return new Examples(data, index, selected, labels, targets, classes);
  }

  /** Copies the features of example {@code row} into {@code dst[at .. at + cols)}. */
  public void copyRow(int row, float[] dst, int at) {
    data.copy(index == null ? row : index[row], columns, dst, at);
  }

  /**
   * The features of every example, row-major {@code [rows][cols]}: a new array, the size of the
   * whole set as float32. For small sets (tests, reports); the engine reads rows a batch at a time.
   */
  public float[] features() {
    float[] f = new float[Math.multiplyExact(rows, cols)];
    for (int r = 0; r < rows; r++) {
      copyRow(r, f, r * cols);
    }
    return f;
  }
}
