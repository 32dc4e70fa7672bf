package dev.slabprune.dataset.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The labels of a NumPy dataset as they are read, one value at a time. For classification: a
 * dictionary of the distinct values (as many as the limit allows; one more marks the labels as
 * having too many), with each row's class id (kept) or each class's count; for regression: the
 * targets as float (kept) and their moments. Nothing is boxed and no value is held as a double.
 */
final class NumericLabels {

  private static final long EMPTY = 0x7ff8dead_beef0001L; // a NaN payload: never a finite label

  private final Task task;
  private final boolean keep;
  private final int maxClasses;
  private long rows;

  // classification
  private long[] keys;
  private int[] ids;
  private int distinct;
  private double[] values;
  private long[] counts;
  private int[] rowIds;
  private boolean tooMany;

  // regression
  private FloatBuilder targets;
  private TargetMoments moments;

  /**
   * @param expected the number of labels when it is known to be true, else -1: kept arrays grow
   *     with the labels actually present
   * @param claimed the number of labels the header claims, for the first allocation
   */
  NumericLabels(Task task, boolean keep, int maxClasses, long expected, long claimed) {
    this.task = task;
    this.keep = keep;
    this.maxClasses = maxClasses;
    if (task == Task.CLASSIFICATION) {
      keys = new long[64];
      Arrays.fill(keys, EMPTY);
      ids = new int[64];
      values = new double[16];
      counts = new long[16];
      if (keep) {
        rowIds =
            new int[(int) (expected >= 0 ? Math.max(1, expected) : Math.min(claimed, 1 << 16))];
      }
    } else {
      moments = new TargetMoments();
      if (keep) {
        targets = expected >= 0 ? FloatBuilder.exact(expected) : new FloatBuilder();
      }
    }
  }

  Task task() {
    return task;
  }

  /** Adds the next label, a finite value. */
  void add(double v) {
    if (task == Task.REGRESSION) {
      float t = (float) v;
      moments.add(t);
      if (targets != null) {
        targets.add(t);
      }
      rows++;
      return;
    }
    int id = tooMany ? -1 : idOf(v);
    if (keep && !tooMany) {
      if (rows == rowIds.length) {
        rowIds = Arrays.copyOf(rowIds, (int) Math.min(Integer.MAX_VALUE - 8, 2L * rowIds.length));
      }
      rowIds[(int) rows] = id;
    }
    if (id >= 0) {
      counts[id]++;
    }
    rows++;
  }

  /** Whether more distinct values came than the limit allows. */
  boolean tooManyClasses() {
    return tooMany;
  }

  /** The class names in order (numeric order of the values) and, per dictionary id, its class. */
  private record Order(List<String> classes, int[] classOfId) {}

  private Order order() {
    Integer[] byValue = new Integer[distinct];
    for (int i = 0; i < distinct; i++) {
      byValue[i] = i;
    }
    Arrays.sort(byValue, (a, b) -> Double.compare(values[a], values[b]));
    List<String> classes = new ArrayList<>(distinct);
    int[] classOfId = new int[distinct];
    for (int c = 0; c < distinct; c++) {
      double v = values[byValue[c]];
      classOfId[byValue[c]] = c;
      classes.add(
          v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
    }
    return new Order(classes, classOfId);
  }

  ParsedDataset dataset(int rows, int features, float[] x) {
    if (task == Task.REGRESSION) {
      return ParsedDataset.regression(rows, features, x, List.of(), targets.toArray());
    }
    Order order = order();
    int[] labels = new int[rows];
    for (int r = 0; r < rows; r++) {
      labels[r] = order.classOfId[rowIds[r]];
    }
    rowIds = null;
    return ParsedDataset.classification(rows, features, x, List.of(), labels, order.classes);
  }

  DatasetSummary summary(int rows, int features) {
    if (task == Task.REGRESSION) {
      return DatasetSummary.regression(rows, features, moments, List.of());
    }
    Order order = order();
    long[] perClass = new long[distinct];
    for (int id = 0; id < distinct; id++) {
      perClass[order.classOfId[id]] = counts[id];
    }
    return DatasetSummary.classification(rows, features, order.classes, perClass, List.of());
  }

  /** The id of {@code v}, added when new; -1 (and too many) past the limit of distinct values. */
  private int idOf(double v) {
    // the bits tell -0.0 from 0.0, as Double.compare does
    long key = Double.doubleToLongBits(v);
    int mask = keys.length - 1;
    int slot = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
    while (keys[slot] != EMPTY) {
      if (keys[slot] == key) {
        return ids[slot];
      }
      slot = (slot + 1) & mask;
    }
    if (distinct == maxClasses) {
      tooMany = true;
      rowIds = null;
      return -1;
    }
    int id = distinct++;
    keys[slot] = key;
    ids[slot] = id;
    if (id == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
      counts = Arrays.copyOf(counts, counts.length * 2);
    }
    values[id] = v;
    if (2 * distinct > keys.length) {
      rehash();
    }
    return id;
  }

  private void rehash() {
    long[] oldKeys = keys;
    int[] oldIds = ids;
    keys = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    ids = new int[keys.length];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int slot = Long.hashCode(oldKeys[i] * 0x9E3779B97F4A7C15L) & mask;
        while (keys[slot] != EMPTY) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        ids[slot] = oldIds[i];
      }
    }
  }
}
