package dev.slabprune.engine;

/**
 * A seeded xoshiro256** generator whose whole state is four longs and a cached normal, so a
 * training checkpoint can store it and resume the exact same stream.
 */
final class Rng {

  private long s0;
  private long s1;
  private long s2;
  private long s3;
  private boolean hasSpare;
  private double spare;

  Rng(long seed) {
    long x = seed;
    x += 0x9E3779B97F4A7C15L;
    s0 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s1 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s2 = mix(x);
    x += 0x9E3779B97F4A7C15L;
    s3 = mix(x);
  }

  private Rng() {}

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** Uniform on the open interval (0, 1), so that log(u) and log(1 - u) are finite. */
  double nextOpenUniform() {
    return ((nextLong() >>> 11) + 0.5) * 0x1.0p-53;
  }

  int nextInt(int bound) {
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /** Standard normal by the polar method; the second value of each pair is kept for next time. */
  double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double v1;
    double v2;
    double s;
    do {
      v1 = 2 * nextOpenUniform() - 1;
      v2 = 2 * nextOpenUniform() - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s == 0);
    double m = Math.sqrt(-2 * Math.log(s) / s);
    spare = v2 * m;
    hasSpare = true;
    return v1 * m;
  }

  /** Fisher-Yates shuffle of {@code order} in place. */
  void shuffle(int[] order) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  void write(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(s0);
    out.writeLong(s1);
    out.writeLong(s2);
    out.writeLong(s3);
    out.writeBoolean(hasSpare);
    out.writeDouble(spare);
  }

  static Rng read(java.io.DataInputStream in) throws java.io.IOException {
    Rng r = new Rng();
    r.s0 = in.readLong();
    r.s1 = in.readLong();
    r.s2 = in.readLong();
    r.s3 = in.readLong();
    r.hasSpare = in.readBoolean();
    r.spare = in.readDouble();
    return r;
  }

  Rng copy() {
    Rng r = new Rng();
    r.s0 = s0;
    r.s1 = s1;
    r.s2 = s2;
    r.s3 = s3;
    r.hasSpare = hasSpare;
    r.spare = spare;
    return r;
  }
}
