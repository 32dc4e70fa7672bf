package dev.slabprune.engine;

import java.util.Arrays;

/** Predictions and scores of dense networks and of the posterior's model average. */
final class Evaluator {

  private Evaluator() {}

  /** Raw last-layer outputs of {@code net} for every example, read a chunk at a time. */
  static float[] outputs(DenseNetwork net, Examples ex) {
    Mlp mlp = Mlp.of(net);
    int layers = net.layers().size();
    NativeMatrix[] w = mlp.newWeightBuffers();
    for (int l = 0; l < layers; l++) {
      DenseLayer d = net.layers().get(l);
      Mlp.putLayer(w[l], d.weights(), d.bias());
    }
    return mlp.predict(w, ex);
  }

  static Scores score(DenseNetwork net, Examples ex, double noiseSd, double[] targetSd) {
    return score(outputs(net, ex), net.outputs(), ex, noiseSd, targetSd);
  }

  /** {@link #score} of a network's {@link #outputs}, {@code k} per example. */
  static Scores score(float[] out, int k, Examples ex, double noiseSd, double[] targetSd) {
    if (ex.isClassification()) {
      double[] p = Metrics.softmax(out, k);
      return classificationScores(p, k, ex.labels());
    }
    double se = 0;
    double nll = 0;
    for (int i = 0; i < out.length; i++) {
      double sd = noiseSd * targetSd[i % k];
      double d = out[i] - ex.targets()[i];
      se += d * d;
      nll += Likelihood.gaussianNll(d, sd);
    }
    double meanSd = 0;
    for (int i = 0; i < out.length; i++) {
      meanSd += noiseSd * targetSd[i % k];
    }
    return new Scores(
        Double.NaN, nll / ex.rows(), Double.NaN, Math.sqrt(se / out.length), meanSd / out.length);
  }

  /**
   * One loss per example of {@code net} on {@code ex}, in the example's order: 1 for a wrong class
   * and 0 for a right one, as {@link #score} counts them (classification); the squared error
   * averaged over the outputs (regression). Their mean is one minus the accuracy, or the squared
   * RMSE, of {@link #score} up to rounding: what a paired comparison of two networks on the same
   * rows needs.
   */
  static double[] rowLosses(DenseNetwork net, Examples ex) {
    return rowLosses(outputs(net, ex), net.outputs(), ex);
  }

  /** {@link #rowLosses} of a network's {@link #outputs}, {@code k} per example. */
  static double[] rowLosses(float[] out, int k, Examples ex) {
    int rows = ex.rows();
    double[] losses = new double[rows];
    if (ex.isClassification()) {
      double[] p = Metrics.softmax(out, k);
      int[] labels = ex.labels();
      for (int r = 0; r < rows; r++) {
        losses[r] = Metrics.argmax(p, r * k, k) == labels[r] ? 0 : 1;
      }
      return losses;
    }
    float[] targets = ex.targets();
    for (int r = 0; r < rows; r++) {
      double se = 0;
      for (int j = 0; j < k; j++) {
        double d = out[r * k + j] - targets[r * k + j];
        se += d * d;
      }
      losses[r] = se / k;
    }
    return losses;
  }

  private static Scores classificationScores(double[] p, int k, int[] labels) {
    double entropy = 0;
    for (double q : p) {
      if (q > 0) {
        entropy -= q * Math.log(q);
      }
    }
    return new Scores(
        Metrics.accuracy(p, k, labels),
        Metrics.nll(p, k, labels),
        Metrics.ece(p, k, labels),
        Double.NaN,
        entropy / labels.length);
  }

  /**
   * The model average over {@code samples} networks drawn from q: every gate Bernoulli(phi), every
   * kept value N(mu, sigma^2). The inclusion probabilities and slab deviations are computed once,
   * not per sample; the draws, in their order, and the sums are those of one sample at a time.
   */
  static Scores modelAverage(Posterior post, Examples ex, int samples, long seed, double noiseSd) {
    int layers = post.layers();
    Mlp mlp = new Mlp(post.widths, post.activations);
    NativeMatrix[] w = mlp.newWeightBuffers();
    float[][] theta = new float[layers][];
    double[][] phi = new double[layers][];
    double[][] sigma = new double[layers][];
    double[][] gatePhi = post.gates == null ? null : new double[layers][];
    for (int l = 0; l < layers; l++) {
      theta[l] = new float[post.mu[l].length];
      phi[l] = new double[post.mu[l].length];
      sigma[l] = new double[post.mu[l].length];
      for (int i = 0; i < phi[l].length; i++) {
        phi[l][i] = SlabMath.sigmoid(post.v[l][i]);
        sigma[l][i] = SlabMath.softplus(post.rho[l][i]);
      }
      if (gatePhi != null) {
        gatePhi[l] = new double[post.widths[l]];
        for (int j = 0; j < gatePhi[l].length; j++) {
          gatePhi[l][j] = SlabMath.sigmoid(post.gates[l][j]);
        }
      }
    }
    Rng rng = new Rng(seed ^ 0xBB67AE8584CAA73BL);
    int k = post.widths[layers];
    int rows = ex.rows();
    double[] sum = new double[rows * k];
    double[] sumSq = new double[rows * k];
    double[] probabilities = new double[k];
    double[][] logLik = ex.isClassification() ? null : new double[samples][];
    for (int s = 0; s < samples; s++) {
      for (int l = 0; l < layers; l++) {
        float[] mu = post.mu[l];
        float[] t = theta[l];
        double[] p = phi[l];
        double[] sd = sigma[l];
        for (int i = 0; i < mu.length; i++) {
          double u = rng.nextOpenUniform();
          double e = rng.nextGaussian();
          t[i] = u < p[i] ? (float) (mu[i] + sd[i] * e) : 0f;
        }
        if (gatePhi != null) {
          int out = post.widths[l + 1];
          for (int j = 0; j < post.widths[l]; j++) {
            if (rng.nextOpenUniform() >= gatePhi[l][j]) {
              java.util.Arrays.fill(t, j * out, (j + 1) * out, 0f);
            }
          }
        }
        w[l].put(0, t, 0, t.length);
      }
      float[] out = mlp.predict(w, ex);
      if (ex.isClassification()) {
        addSoftmax(out, k, sum, probabilities);
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
      return classificationScores(sum, k, ex.labels());
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

  /**
   * Adds the softmax of every row of {@code logits} to {@code sum}, with the arithmetic of {@link
   * Metrics#softmax} and no array per call; {@code row} holds one row's probabilities.
   */
  private static void addSoftmax(float[] logits, int classes, double[] sum, double[] row) {
    int rows = logits.length / classes;
    for (int r = 0; r < rows; r++) {
      int base = r * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, logits[base + j]);
      }
      double total = 0;
      for (int j = 0; j < classes; j++) {
        row[j] = Math.exp(logits[base + j] - max);
        total += row[j];
      }
      for (int j = 0; j < classes; j++) {
        sum[base + j] += row[j] / total;
      }
    }
  }

  /**
   * Median over five timed passes of the forward time per example (the first 256 examples of {@code
   * ex}), in microseconds.
   */
  static double latencyMicros(DenseNetwork net, Examples ex) {
    int rows = Math.min(256, ex.rows());
    int cols = ex.cols();
    float[] batch = new float[rows * cols];
    for (int r = 0; r < rows; r++) {
      ex.copyRow(r, batch, r * cols);
    }
    Mlp mlp = Mlp.of(net);
    int layers = net.layers().size();
    NativeMatrix[] w = mlp.newWeightBuffers();
    for (int l = 0; l < layers; l++) {
      Mlp.putLayer(w[l], net.layers().get(l).weights(), net.layers().get(l).bias());
    }
    double[] times = new double[5];
    mlp.predict(w, batch);
    for (int r = 0; r < times.length; r++) {
      long t0 = System.nanoTime();
      mlp.predict(w, batch);
      times[r] = (System.nanoTime() - t0) / 1e3 / rows;
    }
    Arrays.sort(times);
    return times[2];
  }

  static long denseFlops(DenseNetwork net) {
    long f = 0;
    for (DenseLayer d : net.layers()) {
      f += 2L * d.inputs() * d.outputs() + d.outputs();
    }
    return f;
  }

  static long sparseFlops(DenseNetwork net) {
    long f = 0;
    for (DenseLayer d : net.layers()) {
      f += 2L * nonZero(d.weights()) + d.outputs();
    }
    return f;
  }

  static long nonZero(float[] a) {
    long n = 0;
    for (float x : a) {
      if (x != 0) {
        n++;
      }
    }
    return n;
  }

  static long nonZeroParameters(DenseNetwork net) {
    long n = 0;
    for (DenseLayer d : net.layers()) {
      n += nonZero(d.weights()) + d.outputs();
    }
    return n;
  }
}
