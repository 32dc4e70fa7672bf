package dev.slabprune.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The variational parameters of one layer, weights then biases in one vector, with their Adam
 * moments and the noise of the current step. All per-parameter work of a step (gradient of the
 * expected NLL through the straight-through estimator, exact KL gradient, Adam, and the draw of the
 * next step's sample) happens in one fused pass over these arrays, in float, chunk by chunk ({@link
 * NoiseBlocks#CHUNK} parameters, each chunk with its own noise stream, so that chunks can run on
 * any thread in any order and give the same bits), over Vector API lanes.
 */
final class SlabLayer {

  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double ADAM_EPS = 1e-8;
  private static final float B1 = (float) BETA1;
  private static final float B2 = (float) BETA2;
  private static final float EPS = (float) ADAM_EPS;
  private static final float ONE_MINUS_B1 = 1 - B1;
  private static final float ONE_MINUS_B2 = 1 - B2;

  /** Where the softplus of rho switches from its series to log(1 + exp(rho)). */
  private static final float SERIES_BELOW = 0.01f;

  /** The clamp of vartheta: beyond it phi is 1 or 0 in float, and exp(-v)^2 stays finite. */
  private static final float V_CLAMP = 40f;

  /**
   * The fused pass over Vector API lanes (true), or over one float at a time with the same
   * operations and the same bits (false: the check of the vector code, and the figure it is
   * measured against).
   */
  static boolean vector = true;

  final int inputs;
  final int outputs;
  final int weightCount;
  final int size;

  final float[] mu;
  final float[] rho;
  final float[] v;

  /**
   * Per parameter, {@link #WORK} floats: the Adam moments of mu, rho and v, and what the update
   * needs of the current sample: the gate (0/1), gate * eps * sigmoid(rho) (= dtheta~/drho), slab
   * draw times ds/dv (= dtheta~/dv through the relaxed gate), and the KL gradients divided by n.
   * The KL gradients depend only on mu, rho and v, which do not change between the draw and the
   * update, so the draw computes them while it has sigma and phi. Stored in blocks of {@link
   * #BLOCK} parameters, field after field within a block: the pass reads one stream of whole
   * vectors (a dozen separate arrays, each aligned alike, thrash the cache).
   */
  final float[] work;

  static final int BLOCK = 16;
  static final int WORK = 12;
  static final int M_MU = 0;
  static final int V_MU = 1;
  static final int M_RHO = 2;
  static final int V_RHO = 3;
  static final int M_V = 4;
  static final int V_V = 5;
  static final int GATE = 6;
  static final int GATE_EPS_SIG = 7;
  static final int SLAB_SLOPE = 8;
  static final int KL_MU = 9;
  static final int KL_RHO = 10;
  static final int KL_V = 11;

  /** theta~ = gate * slab, the weights the forward pass uses. */
  final float[] theta;

  /** dNLL/dtheta~ of the current batch. */
  final float[] grad;

  /** Chunks of {@link NoiseBlocks#CHUNK} parameters. */
  final int chunks;

  private final Constants constants = new Constants();
  private Scratch scratch;

  SlabLayer(int inputs, int outputs) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.weightCount = inputs * outputs;
    this.size = weightCount + outputs;
    mu = new float[size];
    rho = new float[size];
    v = new float[size];
    work = new float[(size + BLOCK - 1) / BLOCK * BLOCK * WORK];
    theta = new float[size];
    grad = new float[size];
    chunks = (size + NoiseBlocks.CHUNK - 1) / NoiseBlocks.CHUNK;
  }

  private static int at(int f, int i) {
    return ((i / BLOCK) * WORK + f) * BLOCK + (i % BLOCK);
  }

  /** Field {@code f} of parameter {@code i} in {@link #work}. */
  float field(int f, int i) {
    return work[at(f, i)];
  }

  /** A copy of field {@code f} of every parameter. */
  float[] field(int f) {
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = work[at(f, i)];
    }
    return out;
  }

  void setField(int f, float[] values) {
    for (int i = 0; i < size; i++) {
      work[at(f, i)] = values[i];
    }
  }

  /** Constants of one step, shared by all layers. */
  static final class Step {
    double tau;
    double sigma0;
    double logSigma0;
    double invVar0;
    double logitLambda;

    /** The KL term's factor in the loss: the KL weight of the step over n. */
    double klScale;

    double learningRate;
    double inclusionLearningRate;
    long t;

    double stepSize() {
      return learningRate / (1 - Math.pow(BETA1, t));
    }

    double inclusionStepSize() {
      return inclusionLearningRate / (1 - Math.pow(BETA1, t));
    }

    double invSqrtBias2() {
      return 1 / Math.sqrt(1 - Math.pow(BETA2, t));
    }
  }

  /** The float constants of the fused pass, from a {@link Step}. */
  static final class Constants {
    boolean halfTau;
    float invTau;
    float klScale;
    float invVar0;
    float halfInvVar0;
    float logSigma0MinusHalf;
    float logitLambda;
    float stepSize;
    float inclusionStepSize;
    float invSqrtBias2;

    Constants set(Step s, boolean adam) {
      halfTau = s.tau == 0.5;
      invTau = (float) (1 / s.tau);
      klScale = (float) s.klScale;
      invVar0 = (float) s.invVar0;
      halfInvVar0 = (float) (0.5 * s.invVar0);
      logSigma0MinusHalf = (float) (s.logSigma0 - 0.5);
      logitLambda = (float) s.logitLambda;
      if (adam) {
        stepSize = (float) s.stepSize();
        inclusionStepSize = (float) s.inclusionStepSize();
        invSqrtBias2 = (float) s.invSqrtBias2();
      }
      return this;
    }
  }

  /** Per-thread buffers of the pass: one chunk's noise and the stages' values of one tile. */
  static final class Scratch {
    final float[] u = new float[NoiseBlocks.CHUNK];
    final float[] e = new float[NoiseBlocks.CHUNK];
    final float[] spare = new float[NoiseBlocks.CHUNK];
    final float[] er = new float[TILE];
    final float[] ev = new float[TILE];
    final float[] sigma = new float[TILE];
    final float[] ratio = new float[TILE];
    final float[] logSigma = new float[TILE];
    final float[] slope = new float[TILE];
    final float[] big = new float[TILE];

    /** One chunk's gradient, when the pass reads it from the product's native matrix. */
    final float[] grad = new float[NoiseBlocks.CHUNK];

    final PassLoop.Frame frame = new PassLoop.Frame();
  }

  /** Draws the sample of every parameter, under the draw key {@code key} (the first step). */
  void sample(Step s, long key) {
    Constants c = constants.set(s, false);
    Scratch scratch = scratch();
    for (int k = 0; k < chunks; k++) {
      chunk(c, k, false, true, key, null, null, null, null, scratch);
    }
  }

  /** Uses the given noise instead of drawing it: for checks against the reference path. */
  void sampleWith(Step s, double[] u, double[] e) {
    Constants c = constants.set(s, false);
    Scratch scratch = scratch();
    for (int k = 0; k < chunks; k++) {
      chunk(c, k, false, true, 0, u, e, null, null, scratch);
    }
  }

  /**
   * The fused pass: gradient of {@code mean NLL + KL / n} for mu, rho and v, Adam, and then (when
   * {@code draw}) the next sample under the draw key {@code key}. When {@code gradientsOut} is
   * given, the three gradients are written there ({@code [mu | rho | v]}) and nothing is updated.
   */
  void update(Step s, boolean draw, long key, float[] gradientsOut) {
    if (gradientsOut != null) {
      gradients(gradientsOut);
      return;
    }
    Constants c = prepare(s);
    Scratch scratch = scratch();
    for (int k = 0; k < chunks; k++) {
      chunk(c, k, true, draw, key, null, null, null, null, scratch);
    }
  }

  private Scratch scratch() {
    if (scratch == null) {
      scratch = new Scratch();
    }
    return scratch;
  }

  /** The constants of an update pass, for {@link #chunk} on several threads. */
  Constants prepare(Step s) {
    return constants.set(s, true);
  }

  private void gradients(float[] out) {
    for (int i = 0; i < size; i++) {
      float g = grad[i];
      out[i] = Math.fma(g, field(GATE, i), field(KL_MU, i));
      out[size + i] = Math.fma(g, field(GATE_EPS_SIG, i), field(KL_RHO, i));
      out[2 * size + i] = Math.fma(g, field(SLAB_SLOPE, i), field(KL_V, i));
    }
  }

  /**
   * Chunk {@code k}: Adam on its parameters (when {@code adam}), then its next sample (when {@code
   * draw}) with the noise of the chunk's stream under {@code key}, or with {@code u} and {@code e}
   * when given. With {@code gradients}, Adam reads the chunk's gradient from that matrix (the
   * layout of {@link #grad}) instead of {@link #grad}, which is then left as it was; with {@code
   * weights}, the chunk's theta~ is also written there. Both go through the thread's scratch or the
   * chunk's part of {@link #theta} while they are in the cache, instead of whole-layer copies
   * before and after the pass.
   */
  void chunk(
      Constants c,
      int k,
      boolean adam,
      boolean draw,
      long key,
      double[] u,
      double[] e,
      NativeMatrix gradients,
      NativeMatrix weights,
      Scratch scratch) {
    int from = k * NoiseBlocks.CHUNK;
    int to = Math.min(size, from + NoiseBlocks.CHUNK);
    int n = to - from;
    PassLoop.Frame f = scratch.frame;
    f.layer = this;
    f.c = c;
    f.s = scratch;
    float[] g = grad;
    int g0 = 0;
    if (adam && gradients != null) {
      gradients.get(from, scratch.grad, 0, n);
      g = scratch.grad;
      g0 = from;
    }
    f.grad = g;
    f.g0 = g0;
    if (draw) {
      if (u != null) {
        for (int i = 0; i < n; i++) {
          scratch.u[i] = (float) u[from + i];
          scratch.e[i] = (float) e[from + i];
        }
      } else {
        NoiseBlocks.fill(
            NoiseBlocks.chunkKey(key, k), scratch.u, scratch.e, scratch.spare, n, vector, f);
      }
    }
    int end = vector ? from + n / BLOCK * BLOCK : from;
    for (int t0 = from; t0 < end; t0 += TILE) {
      f.t0 = t0;
      f.n = Math.min(end, t0 + TILE) - t0;
      f.q = t0 - from;
      if (adam) {
        f.draw = draw;
        PassLoop.run(PassLoop.ADAM, f);
      }
      if (draw) {
        drawLanes(c, f, !adam);
      }
    }
    for (int i = end; i < to; i++) {
      one(
          mu, rho, v, theta, g, i - g0, i, work, w(i), scratch.u, scratch.e, i - from, c, adam,
          draw);
    }
    if (draw && weights != null) {
      weights.put(from, theta, from, n);
    }
  }

  /** Parameters per pass of each stage of the vector code: its buffers stay in the L1 cache. */
  static final int TILE = 512;

  /** Where field 0 of parameter {@code i} is; field f is {@code f * BLOCK} further. */
  private static int w(int i) {
    return (i / BLOCK) * WORK * BLOCK + (i % BLOCK);
  }

  private static final VectorSpecies<Float> F = FloatMath.F;
  private static final int L = FloatMath.LANES;

  // The vector code runs in stages over a tile, each a loop in its own method with its vector code
  // written out (a vector that crosses a call the JIT does not inline is boxed on the heap), each
  // called through PassLoop so that the JIT compiles each loop on its own: past about 18,000 nodes
  // in one compilation it defers the rest of a loop's Vector API calls, which then may stay boxed.

  /**
   * Adam on mu, rho and v of parameters [t0, t1), each with the gradient {@code grad * slope + kl}
   * from its work fields; with {@code s}, also the clamped arguments of the draw's two exps. The
   * three updates are one update written once, run for each parameter kind in an inner loop: the
   * three written out are more vector code than the JIT compiles whole (see {@link PassLoop}). The
   * gradient is loaded again for each kind, so no vector lives across iterations of either loop.
   * The gradient of parameter i is {@code g[i - g0]}.
   */
  void adamLanes(Constants c, int t0, int t1, Scratch s, float[] g, int g0) {
    float[] k = work;
    for (int i = t0; i < t1; i += L) {
      int w = w(i);
      for (int kind = 0; kind < 3; kind++) {
        float[] p = kind == 0 ? mu : kind == 1 ? rho : v;
        int moment = w + (M_MU + 2 * kind) * BLOCK;
        FloatVector d =
            FloatVector.fromArray(F, g, i - g0)
                .fma(
                    FloatVector.fromArray(F, k, w + (GATE + kind) * BLOCK),
                    FloatVector.fromArray(F, k, w + (KL_MU + kind) * BLOCK));
        FloatVector a = FloatVector.fromArray(F, k, moment).mul(B1).add(d.mul(ONE_MINUS_B1));
        FloatVector b =
            FloatVector.fromArray(F, k, moment + BLOCK).mul(B2).add(d.mul(ONE_MINUS_B2).mul(d));
        a.intoArray(k, moment);
        b.intoArray(k, moment + BLOCK);
        float stepSize = kind == 2 ? c.inclusionStepSize : c.stepSize;
        FloatVector x =
            FloatVector.fromArray(F, p, i)
                .sub(a.mul(stepSize).div(b.sqrt().mul(c.invSqrtBias2).add(EPS)));
        x.intoArray(p, i);
        if (s != null && kind == 1) {
          x.min(30f).intoArray(s.er, i - t0);
        } else if (s != null && kind == 2) {
          x.max(-V_CLAMP).min(V_CLAMP).neg().intoArray(s.ev, i - t0);
        }
      }
    }
  }

  /**
   * The draw of the tile in {@code f} (its parameters, its noise from {@code u[q]} and {@code
   * e[q]}): each stage a loop of its own, called through {@link PassLoop}; the clamped arguments of
   * its exps first unless Adam wrote them ({@code arguments} false).
   */
  private static void drawLanes(Constants c, PassLoop.Frame f, boolean arguments) {
    if (arguments) {
      PassLoop.run(PassLoop.CLAMPED_ARGUMENTS, f);
    }
    PassLoop.run(PassLoop.EXP_RHO, f);
    PassLoop.run(PassLoop.EXP_MINUS_V, f);
    PassLoop.run(PassLoop.SOFTPLUS_SERIES, f);
    if (f.big) {
      PassLoop.run(PassLoop.ONE_PLUS, f);
      PassLoop.run(PassLoop.LOG_BIG, f);
      PassLoop.run(PassLoop.SOFTPLUS_LOG, f);
      PassLoop.run(PassLoop.LOG_BIG, f);
      PassLoop.run(PassLoop.LOG_OF_SIGMA, f);
    }
    if (!c.halfTau) {
      PassLoop.run(PassLoop.ODDS_ARGUMENTS, f);
      PassLoop.run(PassLoop.LOG_BIG, f);
      PassLoop.run(PassLoop.LOG_SLOPE, f);
      PassLoop.run(PassLoop.LOGIT_OVER_TAU, f);
      PassLoop.run(PassLoop.EXP_SLOPE, f);
      PassLoop.run(PassLoop.RELAXED_SLOPE, f);
    }
    PassLoop.run(PassLoop.SAMPLE, f);
    PassLoop.run(PassLoop.KL, f);
  }

  static void clampedArguments(float[] rho, float[] v, int t0, int n, Scratch s) {
    for (int j = 0; j < n; j += L) {
      FloatVector.fromArray(F, rho, t0 + j).min(30f).intoArray(s.er, j);
      FloatVector.fromArray(F, v, t0 + j).max(-V_CLAMP).min(V_CLAMP).neg().intoArray(s.ev, j);
    }
  }

  /** sigma, sigmoid(rho) / sigma and log sigma by their series; true when some need logs. */
  static boolean softplusSeries(float[] rho, int t0, int n, Scratch s) {
    boolean big = false;
    for (int j = 0; j < n; j += L) {
      FloatVector er = FloatVector.fromArray(F, s.er, j);
      FloatVector ne = er.neg();
      FloatVector t = ne.fma(0.2f, 0.25f);
      t = ne.fma(t, FloatVector.broadcast(F, 1f / 3));
      t = ne.fma(t, FloatVector.broadcast(F, 0.5f));
      FloatVector series = ne.fma(t, FloatVector.broadcast(F, 1f));
      er.mul(series).intoArray(s.sigma, j);
      FloatVector.broadcast(F, 1f).div(er.add(1f).mul(series)).intoArray(s.ratio, j);
      FloatVector l = er.fma(251f / 2880, -0.125f);
      l = er.fma(l, FloatVector.broadcast(F, 5f / 24));
      l = er.fma(l, FloatVector.broadcast(F, -0.5f));
      er.fma(l, FloatVector.fromArray(F, rho, t0 + j)).intoArray(s.logSigma, j);
      big |= er.compare(VectorOperators.GT, SERIES_BELOW).anyTrue();
    }
    return big;
  }

  static void onePlus(int n, Scratch s) {
    for (int j = 0; j < n; j += L) {
      FloatVector.fromArray(F, s.er, j).add(1f).intoArray(s.big, j);
    }
  }

  /** With {@code big} = log(1 + exp(rho)): sigma and the ratio where the series does not hold. */
  static void softplusLog(float[] rho, int t0, int n, Scratch s) {
    for (int j = 0; j < n; j += L) {
      FloatVector er = FloatVector.fromArray(F, s.er, j);
      VectorMask<Float> small = er.compare(VectorOperators.LE, SERIES_BELOW);
      FloatVector sigmaBig =
          FloatVector.fromArray(F, s.big, j).max(FloatVector.fromArray(F, rho, t0 + j));
      sigmaBig.blend(FloatVector.fromArray(F, s.sigma, j), small).intoArray(s.sigma, j);
      er.div(er.add(1f))
          .div(sigmaBig)
          .blend(FloatVector.fromArray(F, s.ratio, j), small)
          .intoArray(s.ratio, j);
      sigmaBig.intoArray(s.big, j);
    }
  }

  /** With {@code big} = log(sigma): log sigma where the series does not hold. */
  static void logOfSigma(int n, Scratch s) {
    for (int j = 0; j < n; j += L) {
      VectorMask<Float> small =
          FloatVector.fromArray(F, s.er, j).compare(VectorOperators.LE, SERIES_BELOW);
      FloatVector.fromArray(F, s.big, j)
          .blend(FloatVector.fromArray(F, s.logSigma, j), small)
          .intoArray(s.logSigma, j);
    }
  }

  /** {@code big} = b = exp(-v) (1 - u) and {@code slope} = u, for their logs. */
  static void oddsArguments(int n, int q, Scratch s) {
    for (int j = 0; j < n; j += L) {
      FloatVector uu = FloatVector.fromArray(F, s.u, q + j);
      FloatVector.fromArray(F, s.ev, j).mul(uu.neg().add(1f)).intoArray(s.big, j);
      uu.intoArray(s.slope, j);
    }
  }

  static void logitOverTau(int n, Scratch s, float invTau) {
    for (int j = 0; j < n; j += L) {
      FloatVector.fromArray(F, s.big, j)
          .sub(FloatVector.fromArray(F, s.slope, j))
          .mul(invTau)
          .intoArray(s.slope, j);
    }
  }

  static void relaxedSlope(int n, Scratch s, float invTau) {
    for (int j = 0; j < n; j += L) {
      FloatVector odds = FloatVector.fromArray(F, s.slope, j);
      FloatVector d = odds.add(1f);
      odds.div(d.mul(d)).mul(invTau).intoArray(s.slope, j);
    }
  }

  /** The gate, the slab draw, theta~ and what the update needs of them. */
  void sampleLanes(boolean halfTau, int t0, int n, int q, Scratch s) {
    float[] k = work;
    for (int j = 0; j < n; j += L) {
      int i = t0 + j;
      int w = w(i);
      FloatVector uu = FloatVector.fromArray(F, s.u, q + j);
      FloatVector ee = FloatVector.fromArray(F, s.e, q + j);
      FloatVector ev = FloatVector.fromArray(F, s.ev, j);
      FloatVector sigma = FloatVector.fromArray(F, s.sigma, j);
      // sigmoid(rho) = sigma * (sigmoid(rho) / sigma), without a third division
      FloatVector sig = sigma.mul(FloatVector.fromArray(F, s.ratio, j));
      FloatVector b = ev.mul(uu.neg().add(1f));
      FloatVector slope;
      if (halfTau) {
        FloatVector a2 = uu.mul(uu);
        FloatVector b2 = b.mul(b);
        FloatVector d = a2.add(b2);
        slope = a2.mul(b2).mul(2f).div(d.mul(d));
      } else {
        slope = FloatVector.fromArray(F, s.slope, j);
      }
      VectorMask<Float> open = uu.compare(VectorOperators.GT, b);
      FloatVector slab = sigma.fma(ee, FloatVector.fromArray(F, mu, i));
      FloatVector.zero(F).blend(1f, open).intoArray(k, w + GATE * BLOCK);
      FloatVector.zero(F).blend(ee.mul(sig), open).intoArray(k, w + GATE_EPS_SIG * BLOCK);
      slab.mul(slope).intoArray(k, w + SLAB_SLOPE * BLOCK);
      FloatVector.zero(F).blend(slab, open).intoArray(theta, i);
    }
  }

  /** The KL gradients (divided by n) of parameters [t0, t0 + n). */
  void klLanes(Constants c, int t0, int n, Scratch s) {
    float[] k = work;
    for (int j = 0; j < n; j += L) {
      int i = t0 + j;
      int w = w(i);
      FloatVector m = FloatVector.fromArray(F, mu, i);
      FloatVector ev = FloatVector.fromArray(F, s.ev, j);
      FloatVector sigma = FloatVector.fromArray(F, s.sigma, j);
      FloatVector ratio = FloatVector.fromArray(F, s.ratio, j);
      FloatVector sig = sigma.mul(ratio);
      FloatVector phi = FloatVector.broadcast(F, 1f).div(ev.add(1f));
      FloatVector gaussKl =
          sigma
              .mul(sigma)
              .add(m.mul(m))
              .fma(c.halfInvVar0, c.logSigma0MinusHalf)
              .sub(FloatVector.fromArray(F, s.logSigma, j));
      FloatVector phiN = phi.mul(c.klScale);
      phiN.mul(m).mul(c.invVar0).intoArray(k, w + KL_MU * BLOCK);
      phiN.mul(sigma.mul(sig).mul(c.invVar0).sub(ratio)).intoArray(k, w + KL_RHO * BLOCK);
      phiN.mul(ev.mul(phi))
          .mul(FloatVector.fromArray(F, v, i).sub(c.logitLambda).add(gaussKl))
          .intoArray(k, w + KL_V * BLOCK);
    }
  }

  /** {@link #adamLanes} and {@link #drawLanes} for one parameter, operation for operation. */
  private static void one(
      float[] mu,
      float[] rho,
      float[] v,
      float[] theta,
      float[] grad,
      int gi,
      int i,
      float[] k,
      int w,
      float[] u,
      float[] e,
      int q,
      Constants c,
      boolean adam,
      boolean draw) {
    float m = mu[i];
    float r = rho[i];
    float vi = v[i];
    if (adam) {
      float g = grad[gi];
      float dMu = Math.fma(g, k[w + GATE * BLOCK], k[w + KL_MU * BLOCK]);
      float dRho = Math.fma(g, k[w + GATE_EPS_SIG * BLOCK], k[w + KL_RHO * BLOCK]);
      float dV = Math.fma(g, k[w + SLAB_SLOPE * BLOCK], k[w + KL_V * BLOCK]);
      m = m - adam(k, w + M_MU * BLOCK, BLOCK, dMu, c.stepSize, c.invSqrtBias2);
      r = r - adam(k, w + M_RHO * BLOCK, BLOCK, dRho, c.stepSize, c.invSqrtBias2);
      vi = vi - adam(k, w + M_V * BLOCK, BLOCK, dV, c.inclusionStepSize, c.invSqrtBias2);
      mu[i] = m;
      rho[i] = r;
      v[i] = vi;
    }
    if (!draw) {
      return;
    }
    float uu = u[q];
    float ee = e[q];
    float er = FloatMath.exp(Math.min(r, 30f));
    float onePlus = er + 1f;
    float sigma;
    float ratio;
    float logSigma;
    if (er <= SERIES_BELOW) {
      float ne = -er;
      float t = Math.fma(ne, 0.2f, 0.25f);
      t = Math.fma(ne, t, 1f / 3);
      t = Math.fma(ne, t, 0.5f);
      float series = Math.fma(ne, t, 1f);
      sigma = er * series;
      ratio = 1f / (onePlus * series);
      float l = Math.fma(er, 251f / 2880, -0.125f);
      l = Math.fma(er, l, 5f / 24);
      l = Math.fma(er, l, -0.5f);
      logSigma = Math.fma(er, l, r);
    } else {
      sigma = Math.max(FloatMath.log(onePlus), r);
      logSigma = FloatMath.log(sigma);
      ratio = er / onePlus / sigma;
    }
    float sig = sigma * ratio;
    float ev = FloatMath.exp(-Math.min(Math.max(vi, -V_CLAMP), V_CLAMP));
    float phi = 1f / (ev + 1f);
    float phic = ev * phi;
    float b = ev * (-uu + 1f);
    float slope;
    if (c.halfTau) {
      float a2 = uu * uu;
      float b2 = b * b;
      float d = a2 + b2;
      slope = a2 * b2 * 2f / (d * d);
    } else {
      float odds = FloatMath.exp((FloatMath.log(b) - FloatMath.log(uu)) * c.invTau);
      float d = odds + 1f;
      slope = odds / (d * d) * c.invTau;
    }
    boolean open = uu > b;
    float slab = Math.fma(sigma, ee, m);
    k[w + GATE * BLOCK] = open ? 1f : 0f;
    k[w + GATE_EPS_SIG * BLOCK] = open ? ee * sig : 0f;
    k[w + SLAB_SLOPE * BLOCK] = slab * slope;
    theta[i] = open ? slab : 0f;
    float gaussKl = Math.fma(sigma * sigma + m * m, c.halfInvVar0, c.logSigma0MinusHalf) - logSigma;
    float phiN = phi * c.klScale;
    k[w + KL_MU * BLOCK] = phiN * m * c.invVar0;
    k[w + KL_RHO * BLOCK] = phiN * (sigma * sig * c.invVar0 - ratio);
    k[w + KL_V * BLOCK] = phiN * phic * (vi - c.logitLambda + gaussKl);
  }

  /**
   * Adam in float: the moments are stored in float anyway, and float sqrt and divide are faster.
   * The first moment is at {@code k[at]}, the second at {@code k[at + stride]}.
   */
  static float adam(float[] k, int at, int stride, float g, float stepSize, float invSqrtBias2) {
    float a = B1 * k[at] + g * ONE_MINUS_B1;
    float b = B2 * k[at + stride] + g * ONE_MINUS_B2 * g;
    k[at] = a;
    k[at + stride] = b;
    return a * stepSize / ((float) Math.sqrt(b) * invSqrtBias2 + EPS);
  }

  /** The exact KL of this layer's parameters, in double. */
  double kl(double logLambda, double log1mLambda, double sigma0) {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += SlabMath.kl(mu[i], rho[i], v[i], logLambda, log1mLambda, sigma0);
    }
    return sum;
  }

  /**
   * Weights (not biases) with phi &gt; 0.5 whose row's gate (when {@code rows != null}) has PIP
   * &gt; 0.5.
   */
  long keptWeights(float[] rows) {
    long k = 0;
    for (int i = 0; i < weightCount; i++) {
      if (v[i] > 0 && (rows == null || rows[i / outputs] > 0)) {
        k++;
      }
    }
    return k;
  }

  /** Weights whose PIP (times its row gate's, when gated) lies in (0.1, 0.9). */
  long undecidedWeights(float[] rows) {
    long k = 0;
    for (int i = 0; i < weightCount; i++) {
      double p = SlabMath.sigmoid(v[i]);
      if (rows != null) {
        p *= SlabMath.sigmoid(rows[i / outputs]);
      }
      if (p > 0.1 && p < 0.9) {
        k++;
      }
    }
    return k;
  }
}
