package dev.slabprune.engine;

/**
 * The per-parameter mathematics of spike-and-slab variational inference (Bai, Song &amp; Cheng,
 * NeurIPS 2020), in double precision and as small static functions, so that the fast float loop and
 * the double-precision reference path run the same formulas.
 */
final class SlabMath {

  private SlabMath() {}

  /** softplus(x) = log(1 + exp(x)), accurate and cheap for the very negative rho of the slab. */
  static double softplus(double x) {
    return softplusOfExp(x, Math.exp(Math.min(x, 30)));
  }

  /**
   * softplus(x) given {@code e = exp(x)}: a five-term series for e &lt;= 0.01 (relative error below
   * 2e-11, and no log), else log(1 + e).
   */
  static double softplusOfExp(double x, double e) {
    if (x > 30) {
      return x;
    }
    if (e <= 0.01) {
      return e * (1 - e * (0.5 - e * (1.0 / 3 - e * (0.25 - e * 0.2))));
    }
    return Math.log(1 + e);
  }

  /**
   * log(softplus(x)) given {@code e = exp(x)} and {@code sp = softplus(x)}: for e &lt;= 0.01 the
   * series {@code x + log(log1p(e) / e)} to fourth order, else log(sp).
   */
  static double logSoftplusOfExp(double x, double e, double sp) {
    if (x <= 30 && e <= 0.01) {
      return x + e * (-0.5 + e * (5.0 / 24 + e * (-0.125 + e * (251.0 / 2880))));
    }
    return Math.log(sp);
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : 1 - 1 / (1 + Math.exp(x));
  }

  /** log(phi) with phi = sigmoid(v), finite for every finite v. */
  static double logPhi(double v) {
    return -softplus(-v);
  }

  /** log(1 - phi) with phi = sigmoid(v). */
  static double logOneMinusPhi(double v) {
    return -softplus(v);
  }

  /**
   * The odds {@code t = exp(-(v + logit u) / tau)} of the relaxed Bernoulli: {@code s = 1 / (1 +
   * t)}, the hard gate is {@code s > 0.5}, i.e. {@code t < 1}, which happens with probability
   * exactly sigmoid(v). Written as a power of {@code exp(-v) (1 - u) / u} so that tau = 0.5 costs
   * one exp and no log.
   */
  static double relaxedOdds(double v, double u, double tau) {
    double base = Math.exp(-v) * ((1 - u) / u);
    if (tau == 0.5) {
      return base * base;
    }
    if (tau == 1) {
      return base;
    }
    return Math.pow(base, 1 / tau);
  }

  /** The relaxed gate {@code s} from its odds. */
  static double relaxedGate(double odds) {
    return 1 / (1 + odds);
  }

  /** ds/dv = s (1 - s) / tau, from the odds, without cancellation. */
  static double relaxedSlope(double odds, double tau) {
    if (Double.isInfinite(odds)) {
      return 0;
    }
    double d = 1 + odds;
    return odds / (d * d) / tau;
  }

  /** The KL of one parameter, {@code KL(q(gamma, theta) || prior)}, ALGORITHM.md §3. */
  static double kl(
      double mu, double rho, double v, double logLambda, double log1mLambda, double sigma0) {
    double bern =
        sigmoid(v) * (logPhi(v) - logLambda) + sigmoid(-v) * (logOneMinusPhi(v) - log1mLambda);
    double e = Math.exp(Math.min(rho, 30));
    double sigma = softplusOfExp(rho, e);
    return bern + sigmoid(v) * gaussianKl(mu, sigma, logSoftplusOfExp(rho, e, sigma), sigma0);
  }

  /** KL(N(mu, sigma^2) || N(0, sigma0^2)), given log(sigma). */
  static double gaussianKl(double mu, double sigma, double logSigma, double sigma0) {
    return Math.log(sigma0) - logSigma + (sigma * sigma + mu * mu) / (2 * sigma0 * sigma0) - 0.5;
  }

  /** dKL/dmu. */
  static double klGradMu(double mu, double phi, double sigma0) {
    return phi * mu / (sigma0 * sigma0);
  }

  /** dKL/drho, with dsigma/drho = sigmoid(rho). */
  static double klGradRho(double sigma, double sigmoidRho, double phi, double sigma0) {
    return phi * (sigma / (sigma0 * sigma0) - 1 / sigma) * sigmoidRho;
  }

  /**
   * dKL/dv = phi (1 - phi) (logit(phi) - logit(lambda) + KL_gauss), where logit(phi) = v exactly.
   */
  static double klGradV(
      double v, double phi, double oneMinusPhi, double logitLambda, double gaussianKl) {
    return phi * oneMinusPhi * (v - logitLambda + gaussianKl);
  }
}
