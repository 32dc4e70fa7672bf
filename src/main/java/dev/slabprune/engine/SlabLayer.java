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

  final int inputs;
  final int outputs;
  final int weightCount;
  final int size;

  final float[] mu;
  final float[] rho;
  final float[] v;
  final float[] mMu;
  final float[] vMu;
  final float[] mRho;
  final float[] vRho;
  final float[] mV;
  final float[] vV;

  /** Current sample: the gate (0/1), the slab draw w = mu + sigma eps, eps, and ds/dv. */
  final float[] gate;

  final float[] slab;
  final float[] eps;
  final float[] slope;

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
    mMu = new float[size];
    vMu = new float[size];
    mRho = new float[size];
    vRho = new float[size];
    mV = new float[size];
    vV = new float[size];
    gate = new float[size];
    slab = new float[size];
    eps = new float[size];
    slope = new float[size];
    theta = new float[size];
    grad = new float[size];
  }

  /** Constants of one step, shared by all layers. */
  static final class Step {
    double tau;
    double sigma0;
    double logitLambda;
    double invN;
    double learningRate;
    long t;

    double stepSize() {
      return learningRate / (1 - Math.pow(BETA1, t));
    }

    double invSqrtBias2() {
      return 1 / Math.sqrt(1 - Math.pow(BETA2, t));
    }
  }

  /** Draws the sample of every parameter from {@code rng} (the first step of an epoch). */
  void sample(Rng rng, double tau) {
    for (int i = 0; i < size; i++) {
      draw(i, rng.nextOpenUniform(), rng.nextGaussian(), tau);
    }
  }

  /** Uses the given noise instead of drawing it: for checks against the reference path. */
  void sampleWith(double[] u, double[] e, double tau) {
    for (int i = 0; i < size; i++) {
      draw(i, u[i], e[i], tau);
    }
  }

  private void draw(int i, double u, double e, double tau) {
    double sigma = SlabMath.softplus(rho[i]);
    double w = mu[i] + sigma * e;
    double odds = SlabMath.relaxedOdds(v[i], u, tau);
    float g = odds < 1 ? 1f : 0f;
    gate[i] = g;
    slab[i] = (float) w;
    eps[i] = (float) e;
    slope[i] = (float) SlabMath.relaxedSlope(odds, tau);
    theta[i] = g * (float) w;
  }

  /**
   * The fused pass: gradient of {@code mean NLL + KL / n} for mu, rho and v, Adam, and then (when
   * {@code rng != null}) the next sample. When {@code gradientsOut} is given, the three gradients
   * are written there ({@code [mu | rho | v]}) and no update happens.
   */
  void update(Step s, Rng rng, float[] gradientsOut) {
    double stepSize = s.stepSize();
    double invSqrtBias2 = s.invSqrtBias2();
    double invN = s.invN;
    double sigma0 = s.sigma0;
    double invVar0 = 1 / (sigma0 * sigma0);
    double logitLambda = s.logitLambda;
    double tau = s.tau;
    for (int i = 0; i < size; i++) {
      double g = grad[i];
      double m = mu[i];
      double r = rho[i];
      double vi = v[i];
      double er = Math.exp(Math.min(r, 30));
      double sigma = r > 30 ? r : er < 1e-5 ? er * (1 - 0.5 * er) : Math.log(1 + er);
      double sigmoidRho = er / (1 + er);
      double ev = Math.exp(-Math.abs(vi));
      double phi = vi >= 0 ? 1 / (1 + ev) : ev / (1 + ev);
      double phic = vi >= 0 ? ev / (1 + ev) : 1 / (1 + ev);
      double gaussKl = Math.log(sigma0 / sigma) + 0.5 * (sigma * sigma + m * m) * invVar0 - 0.5;
      double gg = g * gate[i];
      double dMu = gg + invN * phi * m * invVar0;
      double dRho =
          gg * eps[i] * sigmoidRho + invN * phi * (sigma * invVar0 - 1 / sigma) * sigmoidRho;
      double dV = g * slab[i] * slope[i] + invN * phi * phic * (vi - logitLambda + gaussKl);
      if (gradientsOut != null) {
        gradientsOut[i] = (float) dMu;
        gradientsOut[size + i] = (float) dRho;
        gradientsOut[2 * size + i] = (float) dV;
        continue;
      }
      m -= adam(mMu, vMu, i, dMu, stepSize, invSqrtBias2);
      r -= adam(mRho, vRho, i, dRho, stepSize, invSqrtBias2);
      vi -= adam(mV, vV, i, dV, stepSize, invSqrtBias2);
      mu[i] = (float) m;
      rho[i] = (float) r;
      v[i] = (float) vi;
      if (rng != null) {
        draw(i, rng.nextOpenUniform(), rng.nextGaussian(), tau);
      }
    }
  }

  private static double adam(
      float[] m1, float[] m2, int i, double g, double stepSize, double invSqrtBias2) {
    double a = BETA1 * m1[i] + (1 - BETA1) * g;
    double b = BETA2 * m2[i] + (1 - BETA2) * g * g;
    m1[i] = (float) a;
    m2[i] = (float) b;
    return stepSize * a / (Math.sqrt(b) * invSqrtBias2 + ADAM_EPS);
  }

  /** The exact KL of this layer's parameters, in double. */
  double kl(double logLambda, double log1mLambda, double sigma0) {
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += SlabMath.kl(mu[i], SlabMath.softplus(rho[i]), v[i], logLambda, log1mLambda, sigma0);
    }
    return sum;
  }

  /** Weights (not biases) with phi &gt; 0.5. */
  long keptWeights() {
    long k = 0;
    for (int i = 0; i < weightCount; i++) {
      if (v[i] > 0) {
        k++;
      }
    }
    return k;
  }
}
