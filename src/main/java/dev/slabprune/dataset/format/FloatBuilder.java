package dev.slabprune.dataset.format;

import java.util.ArrayList;
import java.util.List;

/**
 * A growing float array. By default it is made of fixed-size chunks, so that growing never copies
 * what is already there, and {@link #toArray()} copies the chunks into one array, freeing each as
 * it goes. {@link #exact(long)} fills one array of a size known in advance and hands it over
 * without a copy; {@link #discarding()} only counts, for a pass that validates values without
 * keeping them.
 */
final class FloatBuilder {

  private static final int CHUNK = 1 << 20;

  private final List<float[]> full = new ArrayList<>();
  private final boolean keep;
  private float[] current;
  private int used;
  private long size;

  FloatBuilder() {
    this(new float[1024], true);
  }

  private FloatBuilder(float[] first, boolean keep) {
    this.current = first;
    this.keep = keep;
  }

  /**
   * One array of {@code expected} values, for data whose size is known to be true (read again after
   * it was validated); more values than expected continue in chunks, fewer are copied out.
   */
  static FloatBuilder exact(long expected) {
    if (expected < 0 || expected > DatasetLimits.MAX_VALUES) {
      return new FloatBuilder();
    }
    return new FloatBuilder(new float[(int) expected], true);
  }

  /** Counts the values added and keeps none of them. */
  static FloatBuilder discarding() {
    return new FloatBuilder(new float[0], false);
  }

  /** Whether the values are kept (false for {@link #discarding()}). */
  boolean keeps() {
    return keep;
  }

  void add(float value) {
    if (!keep) {
      size++;
      return;
    }
    if (used == current.length) {
      grow();
    }
    current[used++] = value;
    size++;
  }

  /** Appends {@code values[0..n)}. */
  void addAll(float[] values, int n) {
    if (!keep) {
      size += n;
      return;
    }
    int from = 0;
    while (from < n) {
      if (used == current.length) {
        grow();
      }
      int k = Math.min(n - from, current.length - used);
      System.arraycopy(values, from, current, used, k);
      used += k;
      from += k;
    }
    size += n;
  }

  long size() {
    return size;
  }

  private void grow() {
    if (current.length < CHUNK && full.isEmpty()) {
      current =
          java.util.Arrays.copyOf(current, Math.max(1024, Math.min(CHUNK, current.length * 4)));
      return;
    }
    full.add(current);
    current = new float[CHUNK];
    used = 0;
  }

  float[] toArray() {
    if (!keep) {
      throw new IllegalStateException("a discarding builder keeps no values");
    }
    float[] out;
    if (full.isEmpty() && used == current.length) {
      out = current; // filled exactly: handed over as it is
    } else {
      out = new float[Math.toIntExact(size)];
      int at = 0;
      for (int i = 0; i < full.size(); i++) {
        float[] chunk = full.get(i);
        System.arraycopy(chunk, 0, out, at, chunk.length);
        at += chunk.length;
        full.set(i, null);
      }
      System.arraycopy(current, 0, out, at, used);
    }
    full.clear();
    current = new float[0];
    used = 0;
    size = 0;
    return out;
  }
}
