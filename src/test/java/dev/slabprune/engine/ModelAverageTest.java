package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The model average computes, bit for bit, what one sample at a time from scratch computes. */
class ModelAverageTest {

  private static final int[] WIDTHS = {6, 8, 5, 3};

  @Test
  void aClassifiersModelAverageIsThatOfOneSampleAtATimeBitForBit() {
    Posterior post = posterior(OutputKind.LOGITS, true, 11);
    Examples ex = TestNetworks.blobs(700, 6, 3, 5);
    assertThat(Evaluator.modelAverage(post, ex, 9, 42, 1.0))
        .isEqualTo(reference(post, ex, 9, 42, 1.0));
  }

  @Test
  void aRegressionsModelAverageIsThatOfOneSampleAtATimeBitForBit() {
    Posterior post = posterior(OutputKind.REGRESSION, false, 12);
    Random r = new Random(3);
    int rows = 600;
    float[] x = new float[rows * 6];
    float[] y = new float[rows * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    Examples ex = Examples.regression(x, rows, 6, y);
    assertThat(Evaluator.modelAverage(post, ex, 7, 9, 0.3))
        .isEqualTo(reference(post, ex, 7, 9, 0.3));
  }

  private static Posterior posterior(OutputKind kind, boolean gated, long seed) {
    Random r = new Random(seed);
    int layers = WIDTHS.length - 1;
    float[][] mu = new float[layers][];
    float[][] rho = new float[layers][];
    float[][] v = new float[layers][];
    float[][] gates = gated ? new float[layers][] : null;
    for (int l = 0; l < layers; l++) {
      int size = WIDTHS[l] * WIDTHS[l + 1] + WIDTHS[l + 1];
      mu[l] = new float[size];
      rho[l] = new float[size];
      v[l] = new float[size];
      for (int i = 0; i < size; i++) {
        mu[l][i] = (float) r.nextGaussian();
        rho[l][i] = (float) (r.nextGaussian() * 2 - 3);
        v[l][i] = (float) (r.nextGaussian() * 3);
      }
      if (gated) {
        gates[l] = new float[WIDTHS[l]];
        for (int j = 0; j < WIDTHS[l]; j++) {
          gates[l][j] = (float) (r.nextGaussian() * 3);
        }
      }
    }
    double[] mean = kind == OutputKind.REGRESSION ? new double[] {0.5, -1, 2} : new double[0];
    double[] sd = kind == OutputKind.REGRESSION ? new double[] {1.5, 0.2, 3} : new double[0];
    return new Posterior(
        WIDTHS,
        new Activation[] {Activation.RELU, Activation.TANH, Activation.IDENTITY},
        kind,
        1e-3,
        1.0,
        0.3,
        mu,
        rho,
        v,
        mean,
        sd,
        List.of(),
        gates);
  }

  /** The model average as first written: every sample drawn and scored from scratch. */
  static Scores reference(Posterior post, Examples ex, int samples, long seed, double noiseSd) {
    int layers = post.layers();
    Mlp mlp = new Mlp(post.widths, post.activations);
    NativeMatrix[] w = mlp.newWeightBuffers();
    float[][] theta = new float[layers][];
    for (int l = 0; l < layers; l++) {
      theta[l] = new float[post.mu[l].length];
    }
    Rng rng = new Rng(seed ^ 0xBB67AE8584CAA73BL);
    int k = post.widths[layers];
    int rows = ex.rows();
    double[] sum = new double[rows * k];
    double[] sumSq = new double[rows * k];
    double[][] logLik = ex.isClassification() ? null : new double[samples][];
    for (int s = 0; s < samples; s++) {
      for (int l = 0; l < layers; l++) {
        for (int i = 0; i < post.mu[l].length; i++) {
          double u = rng.nextOpenUniform();
          double e = rng.nextGaussian();
          boolean on = u < SlabMath.sigmoid(post.v[l][i]);
          theta[l][i] = on ? (float) (post.mu[l][i] + SlabMath.softplus(post.rho[l][i]) * e) : 0f;
        }
        if (post.gates != null) {
          int out = post.widths[l + 1];
          for (int j = 0; j < post.widths[l]; j++) {
            if (rng.nextOpenUniform() >= SlabMath.sigmoid(post.gates[l][j])) {
              Arrays.fill(theta[l], j * out, (j + 1) * out, 0f);
            }
          }
        }
        w[l].put(0, theta[l], 0, theta[l].length);
      }
      float[] out = mlp.predict(w, ex.features());
      if (ex.isClassification()) {
        double[] p = Metrics.softmax(out, k);
        for (int i = 0; i < p.length; i++) {
          sum[i] += p[i];
        }
      } else {
        logLik[s] = new double[rows];
        for (int i = 0; i < out.length; i++) {
          double y = out[i] * post.targetSd[i % k] + post.targetMean[i % k];
          sum[i] += y;
          sumSq[i] += y * y;
          logLik[s][i / k] +=
              -Likelihood.gaussianNll(y - ex.targets()[i], noiseSd * post.targetSd[i % k]);
        }
      }
    }
    if (ex.isClassification()) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] /= samples;
      }
      double[] p = sum;
      double entropy = 0;
      for (double q : p) {
        if (q > 0) {
          entropy -= q * Math.log(q);
        }
      }
      return new Scores(
          Metrics.accuracy(p, k, ex.labels()),
          Metrics.nll(p, k, ex.labels()),
          Metrics.ece(p, k, ex.labels()),
          Double.NaN,
          entropy / rows);
    }
    double se = 0;
    double sdSum = 0;
    for (int i = 0; i < sum.length; i++) {
      double mean = sum[i] / samples;
      double var = Math.max(0, sumSq[i] / samples - mean * mean);
      double noise = noiseSd * post.targetSd[i % k];
      sdSum += Math.sqrt(var + noise * noise);
      double d = mean - ex.targets()[i];
      se += d * d;
    }
    double nll = 0;
    double[] column = new double[samples];
    for (int r = 0; r < rows; r++) {
      for (int s = 0; s < samples; s++) {
        column[s] = logLik[s][r];
      }
      double max = Arrays.stream(column).max().orElse(0);
      double acc = 0;
      for (double c : column) {
        acc += Math.exp(c - max);
      }
      nll -= max + Math.log(acc / samples);
    }
    return new Scores(
        Double.NaN, nll / rows, Double.NaN, Math.sqrt(se / sum.length), sdSum / sum.length);
  }
}
