package dev.slabprune.dataset.format;

import java.util.ArrayList;
import java.util.List;

/**
 * A growing float array made of fixed-size chunks, so that growing never copies what is already
 * there; {@link #toArray()} copies the chunks into one array, freeing each as it goes.
 */
final class FloatBuilder {

  private static final int CHUNK = 1 << 20;

  private final List<float[]> full = new ArrayList<>();
  private float[] current = new float[1024];
  private int used;
  private long size;

  void add(float value) {
    if (used == current.length) {
      grow();
    }
    current[used++] = value;
    size++;
  }

  /** Appends {@code values[0..n)}. */
  void addAll(float[] values, int n) {
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
    if (current.length < CHUNK) {
      current = java.util.Arrays.copyOf(current, Math.min(CHUNK, current.length * 4));
      return;
    }
    full.add(current);
    current = new float[CHUNK];
    used = 0;
  }

  float[] toArray() {
    float[] out = new float[Math.toIntExact(size)];
    int at = 0;
    for (int i = 0; i < full.size(); i++) {
      float[] chunk = full.get(i);
      System.arraycopy(chunk, 0, out, at, chunk.length);
      at += chunk.length;
      full.set(i, null);
    }
    System.arraycopy(current, 0, out, at, used);
    full.clear();
    current = new float[0];
    used = 0;
    size = 0;
    return out;
  }
}
