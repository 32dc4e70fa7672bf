package dev.slabprune.engine;

/**
 * Group spike-and-slab gates of one level of nodes (the input features, or one hidden layer): gate
 * {@code z_j ~ Bernoulli(lambda_node)} multiplies every outgoing weight of node j, with {@code
 * q(z_j) = Bernoulli(sigmoid(vartheta_j))}, trained with the straight-through relaxed Bernoulli
 * estimator of the weights' own gates (ALGORITHM.md §4). Ours: the reference method gates weights
 * only, and derives node inclusion as a product of weight PIPs.
 */
final class NodeGates {

  static final int WORK = 5;
  static final int M_V = 0;
  static final int V_V = 1;
  static final int GATE = 2;
  static final int SLOPE = 3;
  static final int KL_V = 4;

  /** Nodes of the level (rows of the next weight matrix). */
  final int count;

  /** Outgoing weights per node: what a closed gate switches off. */
  final int fanOut;

  final float[] v;
  final float[] work;

  /** dNLL/dz_j of the current batch. */
  final double[] gradZ;

  NodeGates(int count, int fanOut) {
    this.count = count;
    this.fanOut = fanOut;
    v = new float[count];
    work = new float[count * WORK];
    gradZ = new double[count];
  }

  float gate(int j) {
    return work[j * WORK + GATE];
  }

  void sample(SlabLayer.Step s, double logitPrior, Rng rng) {
    for (int j = 0; j < count; j++) {
      draw(s, logitPrior, j, rng.nextOpenUniform());
    }
  }

  void sampleWith(SlabLayer.Step s, double logitPrior, double[] u) {
    for (int j = 0; j < count; j++) {
      draw(s, logitPrior, j, u[j]);
    }
  }

  private void draw(SlabLayer.Step s, double logitPrior, int j, double u) {
    double vj = v[j];
    double ev = Math.exp(vj > 80 ? -80 : vj < -80 ? 80 : -vj);
    double phi = 1 / (1 + ev);
    double phic = ev * phi;
    double b = ev * (1 - u);
    double slope = SlabMath.relaxedSlope(Math.pow(b / u, 1 / s.tau), s.tau);
    int o = j * WORK;
    work[o + GATE] = u > b ? 1f : 0f;
    work[o + SLOPE] = (float) slope;
    work[o + KL_V] = (float) (s.klScale * phi * phic * (vj - logitPrior));
  }

  /**
   * The gradient of {@code mean NLL + weight * KL / n} for every vartheta ({@code out != null}:
   * written there, nothing updated), else Adam with the inclusion step size and the next draw.
   */
  void update(SlabLayer.Step s, double logitPrior, Rng rng, float[] out) {
    float stepSize = (float) s.inclusionStepSize();
    float invSqrtBias2 = (float) s.invSqrtBias2();
    for (int j = 0; j < count; j++) {
      int o = j * WORK;
      float d = (float) (gradZ[j] * work[o + SLOPE]) + work[o + KL_V];
      if (out != null) {
        out[j] = d;
        continue;
      }
      v[j] -= SlabLayer.adam(work, o + M_V, 1, d, stepSize, invSqrtBias2);
      if (rng != null) {
        draw(s, logitPrior, j, rng.nextOpenUniform());
      }
    }
  }

  /** The exact KL of the gates, {@code sum_j KL(Bernoulli(phi_j) || Bernoulli(prior))}. */
  double kl(double logPrior, double log1mPrior) {
    double sum = 0;
    for (int j = 0; j < count; j++) {
      sum += bernoulliKl(v[j], logPrior, log1mPrior);
    }
    return sum;
  }

  static double bernoulliKl(double v, double logPrior, double log1mPrior) {
    return SlabMath.sigmoid(v) * (SlabMath.logPhi(v) - logPrior)
        + SlabMath.sigmoid(-v) * (SlabMath.logOneMinusPhi(v) - log1mPrior);
  }

  /**
   * log of the prior inclusion {@code lambda^c} (c = 1, or the gate's fan-out), and log(1 - it).
   */
  static double[] logPrior(double lambda, CompressionConfig.NodePrior prior, int fanOut) {
    double power =
        switch (prior) {
          case LAMBDA -> 1;
          case LAMBDA_TO_COST -> fanOut;
          case LAMBDA_TO_SQRT_COST -> Math.sqrt(fanOut);
        };
    double log = Math.log(lambda) * power;
    return new double[] {log, Math.log1p(-Math.exp(log))};
  }
}
