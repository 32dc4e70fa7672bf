package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

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
  private final INDArray[] weightBuffers;
  private final INDArray[] gradientBuffers;
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
    }
    rateScale = 1;
  }

  /** One step on rows {@code order[from .. from + m)}; returns the batch-mean loss. */
  double step(int from, int m) {
    Mlp.Workspace ws = mlp.workspace(m);
    ws.loadRows(train.features(), order, from);
    for (int l = 0; l < layers; l++) {
      Mlp.put(weightBuffers[l], params[l], 0, biasOffsets[l]);
    }
    ws.forward(weightBuffers, params, biasOffsets);
    int k = mlp.widths[layers];
    double loss =
        output.isClassification()
            ? Likelihood.softmaxCrossEntropy(
                ws.output(), m, k, train.labels(), order, from, ws.outputDelta())
            : Likelihood.gaussian(
                ws.output(), m, k, targets, order, from, noiseSd, ws.outputDelta());
    ws.backward(weightBuffers, gradientBuffers, grads, biasOffsets);
    t++;
    double stepSize = learningRate * rateScale / (1 - Math.pow(SlabLayer.BETA1, t));
    float invSqrtBias2 = (float) (1 / Math.sqrt(1 - Math.pow(SlabLayer.BETA2, t)));
    for (int l = 0; l < layers; l++) {
      Mlp.get(gradientBuffers[l], grads[l], 0, biasOffsets[l]);
      float[] p = params[l];
      float[] g = grads[l];
      boolean[] tr = trainable[l];
      if (sgd) {
        float lr = (float) learningRate;
        for (int i = 0; i < p.length; i++) {
          if (tr[i]) {
            p[i] -= lr * g[i];
          }
        }
        continue;
      }
      float[] a = m1[l];
      float[] b = m2[l];
      float ss = (float) stepSize;
      for (int i = 0; i < p.length; i++) {
        if (tr[i]) {
          float gi = g[i];
          a[i] = 0.9f * a[i] + 0.1f * gi;
          b[i] = 0.999f * b[i] + 0.001f * gi * gi;
          p[i] -= ss * a[i] / ((float) Math.sqrt(b[i]) * invSqrtBias2 + 1e-8f);
        }
      }
    }
    return loss;
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
