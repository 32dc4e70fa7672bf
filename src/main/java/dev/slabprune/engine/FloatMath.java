package dev.slabprune.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, the sigmoid, and the sine and cosine of a turn in float, by range reduction and
 * short polynomials (relative error about 2e-7), each twice: over Vector API lanes and over one
 * float. The two use the same operations in the same order (IEEE add, multiply, divide, square root
 * and fused multiply-add, which the Vector API defines lane by lane as the scalar operations), so
 * they give the same bits, whatever the vector width.
 */
final class FloatMath {

  private FloatMath() {}

  /** The lanes of the fused passes: the machine's preferred width, at most 16 floats. */
  static final VectorSpecies<Float> F =
      FloatVector.SPECIES_PREFERRED.length() > 16
          ? FloatVector.SPECIES_512
          : FloatVector.SPECIES_PREFERRED;

  static final VectorSpecies<Integer> I = F.vectorShape().withLanes(int.class);

  static final int LANES = F.length();

  private static final float LOG2E = 1.44269504f;
  private static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
  private static final int ROUNDER_BITS = 0x4B400000;
  private static final float LN2_HI = 0.693145752f;
  private static final float LN2_LO = 1.42860677e-6f;
  private static final float EXP_MIN = -87.3f;
  private static final float EXP_MAX = 88.3f;
  private static final float SQRT2 = 1.41421356f;
  private static final float QUARTER_TURN = (float) (Math.PI / 2);

  // exp(r) on |r| <= ln2 / 2: Taylor to degree 7 (truncation below 6e-9)
  private static final float E7 = 1f / 5040;
  private static final float E6 = 1f / 720;
  private static final float E5 = 1f / 120;
  private static final float E4 = 1f / 24;
  private static final float E3 = 1f / 6;
  private static final float E2 = 0.5f;

  // log(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172
  private static final float L9 = 1f / 9;
  private static final float L7 = 1f / 7;
  private static final float L5 = 1f / 5;
  private static final float L3 = 1f / 3;

  // sin and cos on |q| <= pi / 4
  private static final float S7 = -1f / 5040;
  private static final float S5 = 1f / 120;
  private static final float S3 = -1f / 6;
  private static final float C8 = 1f / 40320;
  private static final float C6 = -1f / 720;
  private static final float C4 = 1f / 24;
  private static final float C2 = -0.5f;

  static float exp(float x) {
    x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
    float t = Math.fma(x, LOG2E, ROUNDER);
    float k = t - ROUNDER;
    float r = Math.fma(k, -LN2_HI, x);
    r = Math.fma(k, -LN2_LO, r);
    float p = Math.fma(E7, r, E6);
    p = Math.fma(p, r, E5);
    p = Math.fma(p, r, E4);
    p = Math.fma(p, r, E3);
    p = Math.fma(p, r, E2);
    p = Math.fma(p, r, 1f);
    p = Math.fma(p, r, 1f);
    int scale = ((Float.floatToRawIntBits(t) - ROUNDER_BITS) + 127) << 23;
    return p * Float.intBitsToFloat(scale);
  }

  /**
   * {@code a[from .. from + n)} = exp of itself, n a multiple of {@link #LANES}. The vector code of
   * each function is written out in its own loop, never behind a call taking or returning a vector:
   * a vector that crosses a call the JIT does not inline is boxed on the heap.
   */
  static void exp(float[] a, int from, int n) {
    for (int i = from; i < from + n; i += LANES) {
      FloatVector x = FloatVector.fromArray(F, a, i).max(EXP_MIN).min(EXP_MAX);
      FloatVector t = x.fma(LOG2E, ROUNDER);
      FloatVector k = t.sub(ROUNDER);
      FloatVector r = k.fma(FloatVector.broadcast(F, -LN2_HI), x);
      r = k.fma(FloatVector.broadcast(F, -LN2_LO), r);
      FloatVector p = r.fma(E7, E6);
      p = p.fma(r, FloatVector.broadcast(F, E5));
      p = p.fma(r, FloatVector.broadcast(F, E4));
      p = p.fma(r, FloatVector.broadcast(F, E3));
      p = p.fma(r, FloatVector.broadcast(F, E2));
      p = p.fma(r, FloatVector.broadcast(F, 1f));
      p = p.fma(r, FloatVector.broadcast(F, 1f));
      IntVector scale =
          t.reinterpretAsInts().sub(ROUNDER_BITS).add(127).lanewise(VectorOperators.LSHL, 23);
      p.mul(scale.reinterpretAsFloats()).intoArray(a, i);
    }
  }

  // tanh(x) = x + x^3 (T3 + x^2 (T5 + x^2 (T7 + x^2 (T9 + x^2 T11)))) on |x| < TANH_SERIES, where
  // (1 - exp(-2|x|)) / (1 + exp(-2|x|)) would lose relative precision (truncation below 1e-9)
  private static final float TANH_SERIES = 0.3f;
  private static final float T11 = -1382f / 155925;
  private static final float T9 = 62f / 2835;
  private static final float T7 = -17f / 315;
  private static final float T5 = 2f / 15;
  private static final float T3 = -1f / 3;

  /**
   * tanh in float (relative error about 2e-7): the odd series near 0, else {@code (1 - e) / (1 +
   * e)} with {@code e = exp(-2|x|)}, signed as x. {@link Math#tanh} runs in double, in a native
   * library call per value: on a tanh network it was 75-85% of a fine-tuning step.
   */
  static float tanh(float x) {
    float ax = Math.abs(x);
    if (ax < TANH_SERIES) {
      float x2 = x * x;
      float p = Math.fma(T11, x2, T9);
      p = Math.fma(p, x2, T7);
      p = Math.fma(p, x2, T5);
      p = Math.fma(p, x2, T3);
      return Math.fma(p * x2, x, x);
    }
    float e = exp(ax * -2f);
    float r = (1f - e) / (1f + e);
    return x < 0 ? -r : r;
  }

  /**
   * {@code a[0 .. n)} = tanh of itself, with {@code scratch} (at least n floats) for the
   * exponentials: the lanes of {@link #tanh(float)}, operation for operation, then the tail.
   */
  static void tanh(float[] a, float[] scratch, int n) {
    int end = F.loopBound(n);
    for (int i = 0; i < end; i += LANES) {
      FloatVector.fromArray(F, a, i).abs().mul(-2f).intoArray(scratch, i);
    }
    exp(scratch, 0, end);
    for (int i = 0; i < end; i += LANES) {
      FloatVector x = FloatVector.fromArray(F, a, i);
      FloatVector x2 = x.mul(x);
      FloatVector p = x2.fma(T11, T9);
      p = p.fma(x2, FloatVector.broadcast(F, T7));
      p = p.fma(x2, FloatVector.broadcast(F, T5));
      p = p.fma(x2, FloatVector.broadcast(F, T3));
      FloatVector series = p.mul(x2).fma(x, x);
      FloatVector e = FloatVector.fromArray(F, scratch, i);
      FloatVector r = FloatVector.broadcast(F, 1f).sub(e).div(e.add(1f));
      r = r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
      series.blend(r, x.abs().compare(VectorOperators.GE, TANH_SERIES)).intoArray(a, i);
    }
    for (int i = end; i < n; i++) {
      a[i] = tanh(a[i]);
    }
  }

  /** The logistic sigmoid in float: {@code 1 / (1 + exp(-x))}. */
  static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  /** {@code a[0 .. n)} = sigmoid of itself, as {@link #tanh(float[], float[], int)}. */
  static void sigmoid(float[] a, float[] scratch, int n) {
    int end = F.loopBound(n);
    for (int i = 0; i < end; i += LANES) {
      FloatVector.fromArray(F, a, i).neg().intoArray(scratch, i);
    }
    exp(scratch, 0, end);
    for (int i = 0; i < end; i += LANES) {
      FloatVector.broadcast(F, 1f)
          .div(FloatVector.fromArray(F, scratch, i).add(1f))
          .intoArray(a, i);
    }
    for (int i = end; i < n; i++) {
      a[i] = sigmoid(a[i]);
    }
  }

  /** Natural log of a positive normal float. */
  static float log(float x) {
    int bits = Float.floatToRawIntBits(x);
    float e = (float) ((bits >> 23) - 127);
    float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000);
    if (m > SQRT2) {
      m = m * 0.5f;
      e = e + 1f;
    }
    float s = (m - 1f) / (m + 1f);
    float s2 = s * s;
    float q = Math.fma(L9, s2, L7);
    q = Math.fma(q, s2, L5);
    q = Math.fma(q, s2, L3);
    q = Math.fma(q, s2, 1f);
    float logM = (s + s) * q;
    return Math.fma(e, LN2_HI, Math.fma(e, LN2_LO, logM));
  }

  /** {@code a[from .. from + n)} = log of itself (positive normal floats). */
  static void log(float[] a, int from, int n) {
    for (int i = from; i < from + n; i += LANES) {
      IntVector bits = FloatVector.fromArray(F, a, i).reinterpretAsInts();
      FloatVector e =
          (FloatVector)
              bits.lanewise(VectorOperators.ASHR, 23).sub(127).convert(VectorOperators.I2F, 0);
      FloatVector m = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
      VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
      m = m.blend(m.mul(0.5f), big);
      e = e.blend(e.add(1f), big);
      FloatVector s = m.sub(1f).div(m.add(1f));
      FloatVector s2 = s.mul(s);
      FloatVector q = s2.fma(L9, L7);
      q = q.fma(s2, FloatVector.broadcast(F, L5));
      q = q.fma(s2, FloatVector.broadcast(F, L3));
      q = q.fma(s2, FloatVector.broadcast(F, 1f));
      FloatVector logM = s.add(s).mul(q);
      e.fma(FloatVector.broadcast(F, LN2_HI), e.fma(FloatVector.broadcast(F, LN2_LO), logM))
          .intoArray(a, i);
    }
  }

  /**
   * {@code r cos} and {@code r sin} of {@code 2 pi (b - 1/2)} for b in [0, 1], into {@code out[at]}
   * and {@code out[at + half]}: the polynomials on a quarter of the angle, then the double-angle
   * formulas twice.
   */
  static void cosSinOfTurn(float b, float[] out, int at, int half, float r) {
    float q = (b - 0.5f) * QUARTER_TURN;
    float q2 = q * q;
    float s = Math.fma(S7, q2, S5);
    s = Math.fma(s, q2, S3);
    s = Math.fma(s, q2, 1f) * q;
    float c = Math.fma(C8, q2, C6);
    c = Math.fma(c, q2, C4);
    c = Math.fma(c, q2, C2);
    c = Math.fma(c, q2, 1f);
    float s2 = 2f * s * c;
    float c2 = (c - s) * (c + s);
    out[at] = (c2 - s2) * (c2 + s2) * r;
    out[at + half] = 2f * s2 * c2 * r;
  }

  /**
   * For j in [0, half): {@code out[j] = r[j] cos} and {@code out[j + half] = r[j] sin} of the turn
   * {@code b[j]}; {@code b} may be {@code out}.
   */
  static void cosSinOfTurn(float[] b, float[] r, float[] out, int half) {
    for (int j = 0; j < half; j += LANES) {
      FloatVector q = FloatVector.fromArray(F, b, j).sub(0.5f).mul(QUARTER_TURN);
      FloatVector q2 = q.mul(q);
      FloatVector s = q2.fma(S7, S5);
      s = s.fma(q2, FloatVector.broadcast(F, S3));
      s = s.fma(q2, FloatVector.broadcast(F, 1f)).mul(q);
      FloatVector c = q2.fma(C8, C6);
      c = c.fma(q2, FloatVector.broadcast(F, C4));
      c = c.fma(q2, FloatVector.broadcast(F, C2));
      c = c.fma(q2, FloatVector.broadcast(F, 1f));
      FloatVector s2 = s.mul(2f).mul(c);
      FloatVector c2 = c.sub(s).mul(c.add(s));
      FloatVector radius = FloatVector.fromArray(F, r, j);
      c2.sub(s2).mul(c2.add(s2)).mul(radius).intoArray(out, j);
      s2.mul(2f).mul(c2).mul(radius).intoArray(out, j + half);
    }
  }
}
