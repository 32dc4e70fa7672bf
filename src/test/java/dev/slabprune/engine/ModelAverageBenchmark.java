package dev.slabprune.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * The model average of a LeNet-300-100 posterior (784-300-100-10, node gates) over K samples on the
 * test rows of a default MNIST job (12,000 random images), side by side: as first written (one
 * sample at a time from scratch, {@link ModelAverageTest#reference}) and as the engine computes it;
 * CPU milliseconds of this thread, the best of REPEATS alternating runs, and their ratio. Both must
 * give the same scores.
 *
 * <pre>java -cp ... dev.slabprune.engine.ModelAverageBenchmark [samples=30] [rows=12000]</pre>
 */
public final class ModelAverageBenchmark {

  private ModelAverageBenchmark() {}

  public static void main(String[] args) {
    int samples = 30;
    int rows = 12_000;
    int repeats = 3;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "samples" -> samples = Integer.parseInt(kv[1]);
        case "rows" -> rows = Integer.parseInt(kv[1]);
        case "repeats" -> repeats = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException(a);
      }
    }
    int[] widths = {784, 300, 100, 10};
    Random r = new Random(1);
    DenseNetwork start =
        Initialisation.kaimingUniform(widths, Activation.RELU, OutputKind.LOGITS, 1);
    float[][] mu = new float[3][];
    float[][] rho = new float[3][];
    float[][] v = new float[3][];
    float[][] gates = new float[3][];
    for (int l = 0; l < 3; l++) {
      DenseLayer d = start.layers().get(l);
      int w = d.weights().length;
      mu[l] = Arrays.copyOf(d.weights(), w + d.outputs());
      System.arraycopy(d.bias(), 0, mu[l], w, d.outputs());
      rho[l] = new float[mu[l].length];
      v[l] = new float[mu[l].length];
      for (int i = 0; i < mu[l].length; i++) {
        rho[l][i] = (float) (-5 + r.nextGaussian());
        v[l][i] = (float) (3 * r.nextGaussian());
      }
      gates[l] = new float[widths[l]];
      for (int j = 0; j < widths[l]; j++) {
        gates[l][j] = (float) (4 + 2 * r.nextGaussian());
      }
    }
    Posterior post =
        TestNetworks.classifier(
            widths,
            new Activation[] {Activation.RELU, Activation.RELU, Activation.IDENTITY},
            mu,
            rho,
            v,
            gates);
    float[] x = new float[rows * 784];
    int[] y = new int[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    for (int i = 0; i < rows; i++) {
      y[i] = r.nextInt(10);
    }
    Examples ex = Examples.classification(x, rows, 784, y, 10);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double before = Double.MAX_VALUE;
    double after = Double.MAX_VALUE;
    Scores a = null;
    Scores b = null;
    for (int rep = 0; rep < repeats; rep++) {
      long t0 = threads.getCurrentThreadCpuTime();
      a = ModelAverageTest.reference(post, ex, samples, 7, 1.0);
      long t1 = threads.getCurrentThreadCpuTime();
      b = Evaluator.modelAverage(post, ex, samples, 7, 1.0);
      long t2 = threads.getCurrentThreadCpuTime();
      before = Math.min(before, (t1 - t0) / 1e6);
      after = Math.min(after, (t2 - t1) / 1e6);
    }
    System.out.printf(
        "{\"samples\":%d,\"rows\":%d,\"repeats\":%d,\"one_at_a_time_cpu_ms\":%.1f,"
            + "\"engine_cpu_ms\":%.1f,\"ratio\":%.2f,\"same_scores\":%b}%n",
        samples, rows, repeats, before, after, before / after, a.equals(b));
  }
}
