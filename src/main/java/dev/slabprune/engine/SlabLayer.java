package dev.slabprune.engine;

/**
 * The variational parameters of one layer, weights then biases in one vector, with their Adam
 * moments and the noise of the current step. All per-parameter work of a step (gradient of the
 * expected NLL through the straight-through estimator, exact KL gradient, Adam, and the draw of the
 * next step's sample) happens in one pass over these arrays.
 */
final class SlabLayer {

  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double ADAM_EPS = 1e-8;
  private static final float B1 = (float) BETA1;
  private static final float B2 = (float) BETA2;
  private static final float EPS = (float) ADAM_EPS;

  final int inputs;
  final int outputs;
  final int weightCount;
  final int size;

  final float[] mu;
  final float[] rho;
  final float[] v;

  /**
   * Per parameter, {@link #WORK} interleaved floats: the Adam moments of mu, rho and v, and what
   * the update needs of the current sample: the gate (0/1), gate * eps * sigmoid(rho) (=
   * dtheta~/drho), slab draw times ds/dv (= dtheta~/dv through the relaxed gate), and the KL
   * gradients divided by n. The KL gradients depend only on mu, rho and v, which do not change
   * between the draw and the update, so the draw computes them while it has sigma and phi.
   * Interleaving keeps the fused pass at a few memory streams: a dozen separate arrays, each
   * aligned alike when the heap places large arrays at region starts, thrash the cache and halve
   * the speed.
   */
  final float[] work;

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

  SlabLayer(int inputs, int outputs) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.weightCount = inputs * outputs;
    this.size = weightCount + outputs;
    mu = new float[size];
    rho = new float[size];
    v = new float[size];
    work = new float[size * WORK];
    theta = new float[size];
    grad = new float[size];
  }

  /** Field {@code f} of parameter {@code i} in {@link #work}. */
  float field(int f, int i) {
    return work[i * WORK + f];
  }

  /** A copy of field {@code f} of every parameter. */
  float[] field(int f) {
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = work[i * WORK + f];
    }
    return out;
  }

  void setField(int f, float[] values) {
    for (int i = 0; i < size; i++) {
      work[i * WORK + f] = values[i];
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

  /** Draws the sample of every parameter from {@code rng} (the first step of an epoch). */
  void sample(Step s, Rng rng) {
    for (int i = 0; i < size; i++) {
      draw(s, i, rng.nextOpenUniform(), rng.nextGaussian());
    }
  }

  /** Uses the given noise instead of drawing it: for checks against the reference path. */
  void sampleWith(Step s, double[] u, double[] e) {
    for (int i = 0; i < size; i++) {
      draw(s, i, u[i], e[i]);
    }
  }

  private void draw(Step s, int i, double u, double e) {
    double m = mu[i];
    double r = rho[i];
    double vi = v[i];
    double er = Math.exp(r < 30 ? r : 30);
    double sigma = SlabMath.softplusOfExp(r, er);
    double logSigma = SlabMath.logSoftplusOfExp(r, er, sigma);
    double sigmoidRho = er / (1 + er);
    // phi, 1 - phi and the relaxed gate from one exp(-v), without branches (signs of v are
    // mixed, so branches would be mispredicted): with exp(-v) (1 - u) / u = B / A,
    // s = A^(1/tau) / (A^(1/tau) + B^(1/tau)) and the hard gate is A > B. Beyond |v| = 80 the
    // change of phi is below 1e-34, and the clamp keeps B^2 finite.
    double ev = Math.exp(vi > 80 ? -80 : vi < -80 ? 80 : -vi);
    double phi = 1 / (1 + ev);
    double phic = ev * phi;
    double a = u;
    double b = ev * (1 - u);
    double slope;
    if (s.tau == 0.5) {
      double a2 = a * a;
      double b2 = b * b;
      double d = a2 + b2;
      slope = 2 * (a2 * b2) / (d * d);
    } else {
      slope = SlabMath.relaxedSlope(Math.pow(b / a, 1 / s.tau), s.tau);
    }
    double w = m + sigma * e;
    float g = a > b ? 1f : 0f;
    int o = i * WORK;
    float[] k = work;
    k[o + GATE] = g;
    k[o + GATE_EPS_SIG] = (float) (g * e * sigmoidRho);
    k[o + SLAB_SLOPE] = (float) (w * slope);
    theta[i] = g * (float) w;
    double invVar0 = s.invVar0;
    double gaussKl = s.logSigma0 - logSigma + 0.5 * (sigma * sigma + m * m) * invVar0 - 0.5;
    double phiN = s.klScale * phi;
    k[o + KL_MU] = (float) (phiN * m * invVar0);
    k[o + KL_RHO] = (float) (phiN * (sigma * invVar0 - 1 / sigma) * sigmoidRho);
    k[o + KL_V] = (float) (phiN * phic * (vi - s.logitLambda + gaussKl));
  }

  /**
   * The fused pass: gradient of {@code mean NLL + KL / n} for mu, rho and v, Adam, and then (when
   * {@code rng != null}) the next sample. When {@code gradientsOut} is given, the three gradients
   * are written there ({@code [mu | rho | v]}) and nothing is updated.
   */
  void update(Step s, Rng rng, float[] gradientsOut) {
    float stepSize = (float) s.stepSize();
    float inclusionStepSize = (float) s.inclusionStepSize();
    float invSqrtBias2 = (float) s.invSqrtBias2();
    float[] k = work;
    for (int i = 0; i < size; i++) {
      int o = i * WORK;
      float g = grad[i];
      float dMu = g * k[o + GATE] + k[o + KL_MU];
      float dRho = g * k[o + GATE_EPS_SIG] + k[o + KL_RHO];
      float dV = g * k[o + SLAB_SLOPE] + k[o + KL_V];
      if (gradientsOut != null) {
        gradientsOut[i] = dMu;
        gradientsOut[size + i] = dRho;
        gradientsOut[2 * size + i] = dV;
        continue;
      }
      mu[i] -= adam(k, o + M_MU, dMu, stepSize, invSqrtBias2);
      rho[i] -= adam(k, o + M_RHO, dRho, stepSize, invSqrtBias2);
      v[i] -= adam(k, o + M_V, dV, inclusionStepSize, invSqrtBias2);
      if (rng != null) {
        draw(s, i, rng.nextOpenUniform(), rng.nextGaussian());
      }
    }
  }

  /**
   * Adam in float: the moments are stored in float anyway, and float sqrt and divide are faster.
   */
  static float adam(float[] k, int at, float g, float stepSize, float invSqrtBias2) {
    float a = B1 * k[at] + (1 - B1) * g;
    float b = B2 * k[at + 1] + (1 - B2) * g * g;
    k[at] = a;
    k[at + 1] = b;
    return stepSize * a / ((float) Math.sqrt(b) * invSqrtBias2 + EPS);
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
