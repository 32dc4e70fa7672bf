package dev.slabprune.dataset.format;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A dataset as the engine takes it: features row-major in one array, float32 or one byte per value
 * (IDX images; CSV files whose features are all whole numbers in [0, 255]), and either class
 * indices with their labels or standardised regression targets with the statistics to undo it.
 *
 * @param rows examples
 * @param features values per example
 * @param x row-major {@code [rows][features]} float32, or null when the features are {@code bytes}
 * @param bytes row-major {@code [rows][features]} unsigned bytes, feature value {@code byteValues[b
 *     & 0xFF]}, or null when the features are {@code x}
 * @param byteValues with {@code bytes}: the feature value of each byte (256 of them), else null
 * @param featureNames one per feature when the file names them, else empty
 * @param task what the targets are
 * @param labels classification: the class index of each row; regression: null
 * @param classes classification: the label of each class index, in a deterministic order (numeric
 *     labels by value, other labels as strings); regression: empty
 * @param targets regression: {@code (y - targetMean) / targetSd} for each row; classification: null
 * @param targetMean regression: mean of the raw targets; classification: 0
 * @param targetSd regression: population standard deviation of the raw targets, 1 if they are all
 *     equal; classification: 1
 */
public record ParsedDataset(
    int rows,
    int features,
    float[] x,
    byte[] bytes,
    float[] byteValues,
    List<String> featureNames,
    Task task,
    int[] labels,
    List<String> classes,
    float[] targets,
    double targetMean,
    double targetSd) {

  /** Byte {@code v} of an image as a feature: {@code v / 255}. */
  public static final float[] PIXEL_VALUES = new float[256];

  /** Byte {@code v} as the whole number it is. */
  public static final float[] INTEGER_VALUES = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      PIXEL_VALUES[v] = v / 255f;
      INTEGER_VALUES[v] = v;
    }
  }

  public ParsedDataset {
    if ((x == null) == (bytes == null) || (bytes == null) != (byteValues == null)) {
      throw new IllegalArgumentException("features are either floats or bytes with their values");
    }
    if (byteValues != null && byteValues.length != 256) {
      throw new IllegalArgumentException("one value per byte");
    }
    Objects.requireNonNull(task, "task");
    featureNames = List.copyOf(featureNames);
    classes = List.copyOf(classes);
    long length = x != null ? x.length : bytes.length;
    if ((long) rows * features != length) {
      throw new IllegalArgumentException(
          "features hold " + length + " values, not " + rows + "x" + features);
    }
    if (!featureNames.isEmpty() && featureNames.size() != features) {
      throw new IllegalArgumentException("one name per feature");
    }
    if (task == Task.CLASSIFICATION) {
      if (labels == null || labels.length != rows || targets != null) {
        throw new IllegalArgumentException("classification needs one label per row");
      }
    } else if (targets == null || targets.length != rows || labels != null) {
      throw new IllegalArgumentException("regression needs one target per row");
    }
  }

  static ParsedDataset classification(
      int rows, int features, float[] x, List<String> names, int[] labels, List<String> classes) {
    return new ParsedDataset(
        rows, features, x, null, null, names, Task.CLASSIFICATION, labels, classes, null, 0, 1);
  }

  /**
   * Classification over features kept one byte each ({@code [rows][features]}, a quarter of their
   * size as floats), byte {@code b} standing for {@code byteValues[b & 0xFF]}.
   */
  static ParsedDataset classification(
      int rows,
      int features,
      byte[] bytes,
      float[] byteValues,
      List<String> names,
      int[] labels,
      List<String> classes) {
    return new ParsedDataset(
        rows,
        features,
        null,
        bytes,
        byteValues.clone(),
        names,
        Task.CLASSIFICATION,
        labels,
        classes,
        null,
        0,
        1);
  }

  /**
   * The features as float32, row-major: the array itself, or for bytes a new array of their values
   * (four times their size: a job reads them a batch at a time instead).
   */
  @Override
  public float[] x() {
    if (x != null) {
      return x;
    }
    float[] f = new float[bytes.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = byteValues[bytes[i] & 0xFF];
    }
    return f;
  }

  /** Standardises {@code raw} in place and keeps its mean and standard deviation. */
  static ParsedDataset regression(
      int rows, int features, float[] x, List<String> names, float[] raw) {
    return regression(rows, features, x, null, null, names, raw);
  }

  /** As {@link #regression(int, int, float[], List, float[])} over features kept one byte each. */
  static ParsedDataset regression(
      int rows, int features, byte[] bytes, float[] byteValues, List<String> names, float[] raw) {
    return regression(rows, features, null, bytes, byteValues.clone(), names, raw);
  }

  private static ParsedDataset regression(
      int rows,
      int features,
      float[] x,
      byte[] bytes,
      float[] byteValues,
      List<String> names,
      float[] raw) {
    TargetMoments moments = new TargetMoments();
    for (float t : raw) {
      moments.add(t);
    }
    double mean = moments.mean();
    double sd = moments.sd();
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (float) ((raw[i] - mean) / sd);
    }
    return new ParsedDataset(
        rows,
        features,
        x,
        bytes,
        byteValues,
        names,
        Task.REGRESSION,
        null,
        List.of(),
        raw,
        mean,
        sd);
  }

  /** Class label to class index. */
  public Map<String, Integer> labelIndex() {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      index.put(classes.get(i), i);
    }
    return index;
  }

  /** A raw regression target from its standardised value. */
  public double unstandardise(float target) {
    return target * targetSd + targetMean;
  }

  public DatasetSummary summary() {
    if (task == Task.CLASSIFICATION) {
      long[] counts = new long[classes.size()];
      for (int label : labels) {
        counts[label]++;
      }
      return DatasetSummary.classification(rows, features, classes, counts, featureNames);
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float t : targets) {
      min = Math.min(min, unstandardise(t));
      max = Math.max(max, unstandardise(t));
    }
    return new DatasetSummary(
        rows,
        features,
        task,
        List.of(),
        List.of(),
        new DatasetSummary.TargetStatistics(targetMean, targetSd, min, max),
        featureNames);
  }
}
