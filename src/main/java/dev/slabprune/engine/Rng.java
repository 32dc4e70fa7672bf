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

  private static final int LAYERS = 128;
  private static final double R = 3.442619855899;
  private static final double AREA = 9.91256303526217e-3;
  private static final double[] X = new double[LAYERS + 1];
  private static final double[] RATIO = new double[LAYERS];

  static {
    // Marsaglia & Tsang's ziggurat of 128 equal-area layers, in Doornik's formulation.
    double f = Math.exp(-0.5 * R * R);
    X[0] = AREA / f;
    X[1] = R;
    X[LAYERS] = 0;
    for (int i = 2; i < LAYERS; i++) {
      X[i] = Math.sqrt(-2 * Math.log(AREA / X[i - 1] + f));
      f = Math.exp(-0.5 * X[i] * X[i]);
    }
    for (int i = 0; i < LAYERS; i++) {
      RATIO[i] = X[i + 1] / X[i];
    }
  }

  /** Standard normal by the ziggurat method: one random long and a compare in 98% of draws. */
  double nextGaussian() {
    while (true) {
      long bits = nextLong();
      int i = (int) (bits & (LAYERS - 1));
      double u = (bits >>> 11) * 0x1.0p-52 - 1;
      if (Math.abs(u) < RATIO[i]) {
        return u * X[i];
      }
      if (i == 0) {
        double x;
        double y;
        do {
          x = Math.log(nextOpenUniform()) / R;
          y = Math.log(nextOpenUniform());
        } while (-2 * y < x * x);
        return u < 0 ? x - R : R - x;
      }
      double x = u * X[i];
      double f0 = Math.exp(-0.5 * (X[i] * X[i] - x * x));
      double f1 = Math.exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
      if (f1 + nextOpenUniform() * (f0 - f1) < 1.0) {
        return x;
      }
    }
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
  }

  static Rng read(java.io.DataInputStream in) throws java.io.IOException {
    Rng r = new Rng();
    r.s0 = in.readLong();
    r.s1 = in.readLong();
    r.s2 = in.readLong();
    r.s3 = in.readLong();
    return r;
  }

  Rng copy() {
    Rng r = new Rng();
    r.s0 = s0;
    r.s1 = s1;
    r.s2 = s2;
    r.s3 = s3;
    return r;
  }
}
