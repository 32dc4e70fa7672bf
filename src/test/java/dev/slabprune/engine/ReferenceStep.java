package dev.slabprune.engine;

/**
 * The loss and gradients of one variational step in double precision, with the noise supplied: the
 * yardstick the float training step is checked against, and what finite differences check. The
 * per-parameter formulas are {@link SlabMath}'s, as in {@link SlabLayer}.
 */
final class ReferenceStep {

  /** Loss and gradients, parameters laid out per layer as weights then biases. */
  record Result(
      double loss, double nll, double kl, double[][] dMu, double[][] dRho, double[][] dV) {}

  final int[] widths;
  final Activation[] activations;
  final boolean classification;
  final double tau;
  final double sigma0;
  final double lambda;
  final int n;
  final double noiseSd;

  /** The KL term's weight in the loss (1 once an annealing schedule is over). */
  final double klWeight;

  ReferenceStep(
      int[] widths,
      Activation[] activations,
      boolean classification,
      double tau,
      double sigma0,
      double lambda,
      int n,
      double noiseSd) {
    this(widths, activations, classification, tau, sigma0, lambda, n, noiseSd, 1);
  }

  ReferenceStep(
      int[] widths,
      Activation[] activations,
      boolean classification,
      double tau,
      double sigma0,
      double lambda,
      int n,
      double noiseSd,
      double klWeight) {
    this.klWeight = klWeight;
    this.widths = widths;
    this.activations = activations;
    this.classification = classification;
    this.tau = tau;
    this.sigma0 = sigma0;
    this.lambda = lambda;
    this.n = n;
    this.noiseSd = noiseSd;
  }

  /**
   * @param gates the gate value of every parameter in the forward pass, or null for the hard gate
   *     1[s &gt; 0.5] (a finite-difference check passes {@code g0 + s(v) - s(v0)}, the surrogate
   *     whose derivative is the straight-through gradient)
   * @param labels classes of the rows (classification) or null
   * @param targets standardised targets (regression) or null
   */
  Result evaluate(
      double[][] mu,
      double[][] rho,
      double[][] v,
      double[][] u,
      double[][] eps,
      double[][] gates,
      double[] x,
      int rows,
      int[] labels,
      double[] targets) {
    int layers = widths.length - 1;
    double[][] theta = new double[layers][];
    double[][] gate = new double[layers][];
    double[][] slab = new double[layers][];
    double kl = 0;
    double logLambda = Math.log(lambda);
    double log1mLambda = Math.log1p(-lambda);
    for (int l = 0; l < layers; l++) {
      int size = mu[l].length;
      theta[l] = new double[size];
      gate[l] = new double[size];
      slab[l] = new double[size];
      for (int i = 0; i < size; i++) {
        double odds = SlabMath.relaxedOdds(v[l][i], u[l][i], tau);
        gate[l][i] = gates != null ? gates[l][i] : odds < 1 ? 1 : 0;
        slab[l][i] = mu[l][i] + SlabMath.softplus(rho[l][i]) * eps[l][i];
        theta[l][i] = gate[l][i] * slab[l][i];
        kl += SlabMath.kl(mu[l][i], rho[l][i], v[l][i], logLambda, log1mLambda, sigma0);
      }
    }
    // forward
    double[][] acts = new double[layers + 1][];
    acts[0] = x;
    for (int l = 0; l < layers; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      double[] a = new double[rows * out];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < out; j++) {
          double z = theta[l][in * out + j];
          for (int i = 0; i < in; i++) {
            z += acts[l][r * in + i] * theta[l][i * out + j];
          }
          a[r * out + j] = activations[l].apply(z);
        }
      }
      acts[l + 1] = a;
    }
    // loss and its gradient at the raw output
    int k = widths[layers];
    double[] out = acts[layers];
    double[] delta = new double[rows * k];
    double nll = 0;
    for (int r = 0; r < rows; r++) {
      if (classification) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          max = Math.max(max, out[r * k + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += Math.exp(out[r * k + j] - max);
        }
        double logSum = max + Math.log(sum);
        nll += logSum - out[r * k + labels[r]];
        for (int j = 0; j < k; j++) {
          delta[r * k + j] = (Math.exp(out[r * k + j] - logSum) - (j == labels[r] ? 1 : 0)) / rows;
        }
      } else {
        for (int j = 0; j < k; j++) {
          double d = out[r * k + j] - targets[r * k + j];
          nll += Likelihood.gaussianNll(d, noiseSd);
          delta[r * k + j] = d / (noiseSd * noiseSd) / rows;
        }
      }
    }
    nll /= rows;
    // backward to dLoss/dtheta~
    double[][] gTheta = new double[layers][];
    for (int l = layers - 1; l >= 0; l--) {
      int in = widths[l];
      int outW = widths[l + 1];
      double[] a = acts[l + 1];
      for (int i = 0; i < delta.length; i++) {
        delta[i] *= activations[l].derivativeFromOutput(a[i]);
      }
      gTheta[l] = new double[mu[l].length];
      double[] prev = new double[rows * in];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < outW; j++) {
          double d = delta[r * outW + j];
          gTheta[l][in * outW + j] += d;
          for (int i = 0; i < in; i++) {
            gTheta[l][i * outW + j] += acts[l][r * in + i] * d;
            prev[r * in + i] += d * theta[l][i * outW + j];
          }
        }
      }
      delta = prev;
    }
    // per-parameter chain rule and klWeight * KL / n
    double scale = klWeight / n;
    double[][] dMu = new double[layers][];
    double[][] dRho = new double[layers][];
    double[][] dV = new double[layers][];
    double logitLambda = logLambda - log1mLambda;
    for (int l = 0; l < layers; l++) {
      int size = mu[l].length;
      dMu[l] = new double[size];
      dRho[l] = new double[size];
      dV[l] = new double[size];
      for (int i = 0; i < size; i++) {
        double r = rho[l][i];
        double e = Math.exp(Math.min(r, 30));
        double sigma = SlabMath.softplusOfExp(r, e);
        double logSigma = SlabMath.logSoftplusOfExp(r, e, sigma);
        double sigmoidRho = SlabMath.sigmoid(r);
        double phi = SlabMath.sigmoid(v[l][i]);
        double phic = SlabMath.sigmoid(-v[l][i]);
        double odds = SlabMath.relaxedOdds(v[l][i], u[l][i], tau);
        double g = gTheta[l][i];
        dMu[l][i] = g * gate[l][i] + SlabMath.klGradMu(mu[l][i], phi, sigma0) * scale;
        dRho[l][i] =
            g * gate[l][i] * eps[l][i] * sigmoidRho
                + SlabMath.klGradRho(sigma, sigmoidRho, phi, sigma0) * scale;
        dV[l][i] =
            g * slab[l][i] * SlabMath.relaxedSlope(odds, tau)
                + SlabMath.klGradV(
                        v[l][i],
                        phi,
                        phic,
                        logitLambda,
                        SlabMath.gaussianKl(mu[l][i], sigma, logSigma, sigma0))
                    * scale;
      }
    }
    return new Result(nll + kl * scale, nll, kl, dMu, dRho, dV);
  }
}
