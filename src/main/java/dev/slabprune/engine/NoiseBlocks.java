package dev.slabprune.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The noise of the variational parameter pass, drawn in blocks by a counter-based generator: the 32
 * random bits of counter {@code c} under a 64-bit key are two rounds of an integer hash (each round
 * is a bijection of 32 bits: xor-shift, multiply, xor-shift, multiply, xor-shift), the first keyed
 * by the key's low half, the second by its high half. Nothing but the key and the counter decides a
 * value, so a block can be drawn on any thread and in any order; the key of a block is derived from
 * (seed, draw, layer, chunk) by SplitMix64's finaliser.
 *
 * <p>A block of n parameters gets n uniforms on (0, 1) (the gate's u, 23 random bits) and n
 * standard normals (the slab's eps) by Box-Muller: pair j of the block's first half takes two
 * uniforms a, b and gives {@code sqrt(-2 log a) cos(2 pi b)} to parameter j and the sine to
 * parameter j + half. The tails end at 5.8 standard deviations (a &gt;= 2^-24).
 */
final class NoiseBlocks {

  private NoiseBlocks() {}

  /** Parameters per chunk, each chunk with its own stream. */
  static final int CHUNK = 4096;

  /** Block lengths are rounded up to a multiple of this (twice the widest vector). */
  static final int PAD = 32;

  private static final int GOLDEN = 0x9E3779B9;
  private static final int M1 = 0x21F0AAAD;
  private static final int M2 = 0x735A2D97;
  private static final float TWO_POW_MINUS_24 = 0x1.0p-24f;

  private static final int[] IOTA = new int[FloatMath.LANES];

  static {
    for (int i = 0; i < IOTA.length; i++) {
      IOTA[i] = i;
    }
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The key of the draw number {@code draw} (the step count) of layer {@code layer}. */
  static long key(long seed, long draw, int layer) {
    long k = mix(seed + 0x9E3779B97F4A7C15L);
    k = mix(k ^ (draw * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L));
    return mix(k ^ ((layer + 1L) * 0xDB4F0B9175AE2165L));
  }

  /** The key of chunk {@code chunk} under a layer's draw key. */
  static long chunkKey(long key, int chunk) {
    return mix(key ^ ((chunk + 1L) * 0x9E3779B97F4A7C15L));
  }

  static int roundUp(int n) {
    return (n + PAD - 1) / PAD * PAD;
  }

  /** The random bits of counter {@code c}. */
  static int bits(int c, int k0, int k1) {
    int x = c * GOLDEN + k0;
    x ^= x >>> 16;
    x *= M1;
    x ^= x >>> 15;
    x *= M2;
    x ^= x >>> 15;
    x ^= k1;
    x ^= x >>> 16;
    x *= M1;
    x ^= x >>> 15;
    x *= M2;
    x ^= x >>> 15;
    return x;
  }

  /** An odd multiple of 2^-24: uniform on (0, 1), never 0 or 1. */
  static float uniform(int bits) {
    return ((bits >>> 9) * 2 + 1) * TWO_POW_MINUS_24;
  }

  // Each loop of the vector code is written out in its own method, never behind a call taking or
  // returning a vector: a vector that crosses a call the JIT does not inline is boxed on the heap.

  /** {@code out[i]} = the uniform of counter {@code 4 i + stream}, for i in [0, count). */
  static void uniforms(float[] out, int count, int stream, int k0, int k1) {
    for (int i = 0; i < count; i += FloatMath.LANES) {
      // the lane indices loaded in the loop: no vector lives across iterations (see SlabLayer)
      IntVector x =
          IntVector.fromArray(FloatMath.I, IOTA, 0)
              .add(i)
              .lanewise(VectorOperators.LSHL, 2)
              .add(stream)
              .mul(GOLDEN)
              .add(k0);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(M1);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(M2);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15));
      x = x.lanewise(VectorOperators.XOR, k1);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(M1);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(M2);
      x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15));
      IntVector odd = x.lanewise(VectorOperators.LSHR, 9).mul(2).add(1);
      ((FloatVector) odd.convert(VectorOperators.I2F, 0)).mul(TWO_POW_MINUS_24).intoArray(out, i);
    }
  }

  /** {@code r[j] = sqrt(-2 r[j])}. */
  static void radii(float[] r, int half) {
    for (int j = 0; j < half; j += FloatMath.LANES) {
      FloatVector.fromArray(FloatMath.F, r, j).mul(-2f).sqrt().intoArray(r, j);
    }
  }

  /**
   * Fills {@code u[0 .. roundUp(n))} with uniforms and {@code e[0 .. roundUp(n))} with normals of
   * the block with key {@code key}; {@code scratch} holds at least {@code roundUp(n)} floats.
   */
  static void fill(long key, float[] u, float[] e, float[] scratch, int n, boolean vector) {
    fill(key, u, e, scratch, n, vector, new PassLoop.Frame());
  }

  /**
   * {@link #fill}, its vector loops run through {@link PassLoop} with the arguments in {@code f}.
   */
  static void fill(
      long key, float[] u, float[] e, float[] scratch, int n, boolean vector, PassLoop.Frame f) {
    int k0 = (int) key;
    int k1 = (int) (key >>> 32);
    int padded = roundUp(n);
    int half = padded / 2;
    if (vector) {
      f.u = u;
      f.e = e;
      f.spare = scratch;
      f.padded = padded;
      f.half = half;
      f.k0 = k0;
      f.k1 = k1;
      PassLoop.run(PassLoop.UNIFORM_GATES, f);
      PassLoop.run(PassLoop.UNIFORM_RADII, f);
      PassLoop.run(PassLoop.LOG_RADII, f);
      PassLoop.run(PassLoop.RADII, f);
      PassLoop.run(PassLoop.UNIFORM_TURNS, f);
      PassLoop.run(PassLoop.COS_SIN, f);
    } else {
      for (int i = 0; i < padded; i++) {
        u[i] = uniform(bits(i << 2, k0, k1));
      }
      for (int j = 0; j < half; j++) {
        float a = uniform(bits((j << 2) + 1, k0, k1));
        float b = uniform(bits((j << 2) + 2, k0, k1));
        float r = (float) Math.sqrt(FloatMath.log(a) * -2f);
        FloatMath.cosSinOfTurn(b, e, j, half, r);
      }
    }
  }
}
