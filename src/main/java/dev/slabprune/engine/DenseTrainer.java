package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain training of a dense network whose zero weights stay zero: fine-tuning of a pruned network
 * (Adam), the magnitude-pruning baseline's fine-tuning, and the dense SGD step the benchmark
 * compares the variational step against.
 */
final class DenseTrainer {

  private final Mlp mlp;
  private final int layers;
  private final float[][] params;
  private final boolean[][] trainable;
  private final float[][] m1;
  private final float[][] m2;
  private final float[][] grads;
  private final int[] biasOffsets;
  private final NativeMatrix[] weightBuffers;
  private final NativeMatrix[] gradientBuffers;
  private final Examples train;
  private final float[] targets;
  private final double[] mean;
  private final double[] sd;
  private final double noiseSd;
  private final double learningRate;
  private final boolean sgd;
  private final int[] order;
  private final Rng shuffle;
  private final OutputKind output;
  private long t;
  private double rateScale = 1;

  DenseTrainer(
      DenseNetwork net,
      Examples train,
      double learningRate,
      boolean sgd,
      double noiseSd,
      long seed) {
    this.mlp = Mlp.of(net);
    this.layers = net.layers().size();
    this.train = train;
    this.learningRate = learningRate;
    this.sgd = sgd;
    this.noiseSd = noiseSd;
    this.output = net.output();
    params = new float[layers][];
    trainable = new boolean[layers][];
    m1 = new float[layers][];
    m2 = new float[layers][];
    grads = new float[layers][];
    biasOffsets = new int[layers];
    int k = net.outputs();
    boolean regression = !net.output().isClassification();
    boolean standardise =
        regression && net.layers().get(layers - 1).activation() == Activation.IDENTITY;
    mean = new double[regression ? k : 0];
    sd = new double[regression ? k : 0];
    java.util.Arrays.fill(sd, 1.0);
    if (standardise) {
      int rows = train.rows();
      for (int j = 0; j < k; j++) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
          s += train.targets()[r * k + j];
        }
        double mu = s / rows;
        double ss = 0;
        for (int r = 0; r < rows; r++) {
          double d = train.targets()[r * k + j] - mu;
          ss += d * d;
        }
        mean[j] = mu;
        sd[j] = rows > 1 && ss > 0 ? Math.sqrt(ss / (rows - 1)) : 1;
      }
    }
    for (int l = 0; l < layers; l++) {
      DenseLayer d = net.layers().get(l);
      int w = d.weights().length;
      int size = w + d.outputs();
      params[l] = new float[size];
      System.arraycopy(d.weights(), 0, params[l], 0, w);
      System.arraycopy(d.bias(), 0, params[l], w, d.outputs());
      if (l == layers - 1 && regression) {
        for (int i = 0; i < w; i++) {
          params[l][i] = (float) (params[l][i] / sd[i % k]);
        }
        for (int j = 0; j < k; j++) {
          params[l][w + j] = (float) ((params[l][w + j] - mean[j]) / sd[j]);
        }
      }
      trainable[l] = new boolean[size];
      for (int i = 0; i < size; i++) {
        trainable[l][i] = i >= w || d.weights()[i] != 0;
      }
      m1[l] = new float[size];
      m2[l] = new float[size];
      grads[l] = new float[size];
      biasOffsets[l] = w;
    }
    if (regression) {
      targets = new float[train.targets().length];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = (float) ((train.targets()[i] - mean[i % k]) / sd[i % k]);
      }
    } else {
      targets = null;
    }
    weightBuffers = mlp.newWeightBuffers();
    gradientBuffers = mlp.newWeightBuffers();
    order = new int[train.rows()];
    shuffle = new Rng(seed ^ 0x3C6EF372FE94F82BL);
  }

  void epochs(int count, int batch) {
    epochs(count, batch, false);
  }

  /**
   * {@code count} epochs; with {@code anneal} the step size falls from the learning rate to zero
   * along a half cosine over all their steps (ours, for fine-tuning: the network ends where the
   * loss settles rather than one Adam step away from it).
   */
  void epochs(int count, int batch, boolean anneal) {
    epochs(count, batch, anneal, e -> true);
  }

  /**
   * As {@link #epochs(int, int, boolean)}, calling {@code afterEpoch} with the number of epochs
   * done after each; training stops when it returns false.
   */
  void epochs(int count, int batch, boolean anneal, java.util.function.IntPredicate afterEpoch) {
    int n = train.rows();
    long perEpoch = (n + (long) batch - 1) / batch;
    long total = Math.max(1, perEpoch * count);
    long done = 0;
    for (int e = 0; e < count; e++) {
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      shuffle.shuffle(order);
      for (int from = 0; from < n; from += batch) {
        rateScale = anneal ? 0.5 * (1 + Math.cos(Math.PI * done / total)) : 1;
        step(from, Math.min(batch, n - from));
        done++;
      }
      if (!afterEpoch.test(e + 1)) {
        break;
      }
    }
    rateScale = 1;
  }

  /** One step on rows {@code order[from .. from + m)}; returns the batch-mean loss. */
  double step(int from, int m) {
    Mlp.Workspace ws = mlp.workspace(m);
    ws.loadRows(train, order, from);
    for (int l = 0; l < layers; l++) {
      weightBuffers[l].put(0, params[l], 0, params[l].length);
    }
    ws.forward(weightBuffers);
    int k = mlp.widths[layers];
    double loss =
        output.isClassification()
            ? Likelihood.softmaxCrossEntropy(
                ws.output(), m, k, train.labels(), order, from, ws.outputDelta())
            : Likelihood.gaussian(
                ws.output(), m, k, targets, order, from, noiseSd, ws.outputDelta());
    ws.backward(weightBuffers, gradientBuffers);
    t++;
    double stepSize = learningRate * rateScale / (1 - Math.pow(SlabLayer.BETA1, t));
    float invSqrtBias2 = (float) (1 / Math.sqrt(1 - Math.pow(SlabLayer.BETA2, t)));
    for (int l = 0; l < layers; l++) {
      gradientBuffers[l].get(0, grads[l], 0, grads[l].length);
      if (sgd) {
        sgd(params[l], grads[l], trainable[l], (float) learningRate);
      } else {
        adam(params[l], grads[l], trainable[l], m1[l], m2[l], (float) stepSize, invSqrtBias2);
      }
    }
    return loss;
  }

  private static final jdk.incubator.vector.VectorSpecies<Float> F = FloatMath.F;

  /** {@code p -= lr * g} where trainable, over Vector API lanes and then the tail. */
  private static void sgd(float[] p, float[] g, boolean[] tr, float lr) {
    int end = p.length / F.length() * F.length();
    for (int i = 0; i < end; i += F.length()) {
      jdk.incubator.vector.VectorMask<Float> on =
          jdk.incubator.vector.VectorMask.fromArray(F, tr, i);
      jdk.incubator.vector.FloatVector w = jdk.incubator.vector.FloatVector.fromArray(F, p, i);
      w.blend(w.sub(jdk.incubator.vector.FloatVector.fromArray(F, g, i).mul(lr)), on)
          .intoArray(p, i);
    }
    for (int i = end; i < p.length; i++) {
      if (tr[i]) {
        p[i] -= lr * g[i];
      }
    }
  }

  /** Adam where trainable, over Vector API lanes (the same operations as the tail's). */
  private static void adam(
      float[] p, float[] g, boolean[] tr, float[] a, float[] b, float ss, float invSqrtBias2) {
    int end = p.length / F.length() * F.length();
    for (int i = 0; i < end; i += F.length()) {
      jdk.incubator.vector.VectorMask<Float> on =
          jdk.incubator.vector.VectorMask.fromArray(F, tr, i);
      jdk.incubator.vector.FloatVector gi = jdk.incubator.vector.FloatVector.fromArray(F, g, i);
      jdk.incubator.vector.FloatVector ai = jdk.incubator.vector.FloatVector.fromArray(F, a, i);
      jdk.incubator.vector.FloatVector bi = jdk.incubator.vector.FloatVector.fromArray(F, b, i);
      jdk.incubator.vector.FloatVector na = ai.mul(0.9f).add(gi.mul(0.1f));
      jdk.incubator.vector.FloatVector nb = bi.mul(0.999f).add(gi.mul(0.001f).mul(gi));
      jdk.incubator.vector.FloatVector w = jdk.incubator.vector.FloatVector.fromArray(F, p, i);
      jdk.incubator.vector.FloatVector step =
          na.mul(ss).div(nb.sqrt().mul(invSqrtBias2).add(1e-8f));
      ai.blend(na, on).intoArray(a, i);
      bi.blend(nb, on).intoArray(b, i);
      w.blend(w.sub(step), on).intoArray(p, i);
    }
    for (int i = end; i < p.length; i++) {
      if (tr[i]) {
        float gi = g[i];
        a[i] = 0.9f * a[i] + 0.1f * gi;
        b[i] = 0.999f * b[i] + 0.001f * gi * gi;
        p[i] -= ss * a[i] / ((float) Math.sqrt(b[i]) * invSqrtBias2 + 1e-8f);
      }
    }
  }

  int[] order() {
    return order;
  }

  DenseNetwork network() {
    List<DenseLayer> ls = new ArrayList<>();
    int k = mlp.widths[layers];
    for (int l = 0; l < layers; l++) {
      int w = biasOffsets[l];
      float[] weights = java.util.Arrays.copyOf(params[l], w);
      float[] bias = java.util.Arrays.copyOfRange(params[l], w, params[l].length);
      if (l == layers - 1 && sd.length > 0) {
        for (int i = 0; i < w; i++) {
          weights[i] = (float) (weights[i] * sd[i % k]);
        }
        for (int j = 0; j < k; j++) {
          bias[j] = (float) (bias[j] * sd[j] + mean[j]);
        }
      }
      ls.add(new DenseLayer(mlp.widths[l], mlp.widths[l + 1], weights, bias, mlp.activations[l]));
    }
    return new DenseNetwork(ls, output);
  }
}
