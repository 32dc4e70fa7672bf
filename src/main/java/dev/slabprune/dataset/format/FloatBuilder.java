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

  /**
   * While every value added is a whole number in [0, 255] (CSV pixel values, counts, ratings),
   * {@link #smallIntegers} keeps them as bytes in chunks, a quarter of their size as floats; the
   * first other value turns them into floats and the builder goes on as a float builder. Null when
   * not (or no longer) keeping bytes.
   */
  private List<byte[]> small;

  private int smallUsed;
  private long expected = -1;

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

  /**
   * As {@link #exact(long)}, but kept as bytes while every value is a whole number in [0, 255]
   * ({@link #toBytes()}); values that are not turn the builder into {@link #exact(long)}'s.
   */
  static FloatBuilder smallIntegers(long expected) {
    if (expected < 0 || expected > DatasetLimits.MAX_VALUES) {
      return new FloatBuilder();
    }
    FloatBuilder b = new FloatBuilder(new float[0], true);
    b.expected = expected;
    b.small = new ArrayList<>();
    return b;
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
    if (small != null) {
      int b = (int) value;
      if (b >= 0 && b <= 255 && Float.floatToRawIntBits(value) == Float.floatToRawIntBits(b)) {
        if (small.isEmpty() || smallUsed == CHUNK) {
          small.add(new byte[(int) Math.min(CHUNK, Math.max(1, expected - size))]);
          smallUsed = 0;
        }
        byte[] chunk = small.get(small.size() - 1);
        if (smallUsed < chunk.length) {
          chunk[smallUsed++] = (byte) b;
          size++;
          return;
        }
      }
      toFloats();
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
    if (small != null) {
      for (int i = 0; i < n; i++) {
        add(values[i]);
      }
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

  /**
   * The values as bytes, when every one was a whole number in [0, 255] and there were as many as
   * expected: one array, the chunks copied into it and freed as it goes; else null (then {@link
   * #toArray()} gives them).
   */
  byte[] toBytes() {
    if (small == null || size != expected) {
      return null;
    }
    byte[] out = new byte[Math.toIntExact(size)];
    int at = 0;
    for (int i = 0; i < small.size(); i++) {
      byte[] chunk = small.get(i);
      int n = Math.min(chunk.length, out.length - at);
      System.arraycopy(chunk, 0, out, at, n);
      at += n;
      small.set(i, null);
    }
    small = null;
    size = 0;
    return out;
  }

  /**
   * Turns the bytes kept so far into floats, into one array of the expected size if it holds them.
   */
  private void toFloats() {
    List<byte[]> chunks = small;
    long n = size;
    small = null;
    size = 0;
    used = 0;
    current = n <= expected ? new float[(int) expected] : new float[1024];
    long done = 0;
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      for (int j = 0; j < chunk.length && done < n; j++, done++) {
        add(chunk[j] & 0xFF);
      }
      chunks.set(i, null);
    }
  }

  float[] toArray() {
    if (!keep) {
      throw new IllegalStateException("a discarding builder keeps no values");
    }
    if (small != null) {
      toFloats();
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
