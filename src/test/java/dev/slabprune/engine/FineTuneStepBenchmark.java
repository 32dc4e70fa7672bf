package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Microseconds per fine-tuning step (Adam, batch 128, 1,400 rows) of the suite's table networks,
 * each with tanh, sigmoid and ReLU hidden layers side by side: what a path search's candidates cost
 * on small data ({@code bench/run finetune}). Prints one JSON line; the ratios over the ReLU step
 * of the same shape compare across runs, the microseconds do not.
 */
public final class FineTuneStepBenchmark {

  private FineTuneStepBenchmark() {}

  public static void main(String[] args) {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int[][] shapes = {{10, 32, 16, 1}, {200, 7, 7, 7, 1}, {50, 24, 1}, {64, 128, 64, 10}};
    Activation[] acts = {Activation.TANH, Activation.SIGMOID, Activation.RELU};
    StringBuilder json = new StringBuilder("{\"benchmark\":\"finetune\",\"steps\":" + steps);
    json.append(",\"shapes\":[");
    for (int s = 0; s < shapes.length; s++) {
      double[] us = new double[acts.length];
      // twice: the first round warms the JIT up, the second is reported
      for (int round = 0; round < 2; round++) {
        for (int a = 0; a < acts.length; a++) {
          us[a] = microsPerStep(shapes[s], acts[a], steps);
        }
      }
      json.append(s == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"shape\":\"%s\",\"tanh_us\":%.1f,\"sigmoid_us\":%.1f,\"relu_us\":%.1f,"
                      + "\"tanh_over_relu\":%.2f,\"sigmoid_over_relu\":%.2f}",
                  java.util.Arrays.toString(shapes[s]).replace(" ", ""),
                  us[0],
                  us[1],
                  us[2],
                  us[0] / us[2],
                  us[1] / us[2]));
    }
    System.out.println(json.append("]}"));
  }

  private static double microsPerStep(int[] shape, Activation act, int steps) {
    Rng r = new Rng(1);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < shape.length; l++) {
      float[] w = new float[shape[l] * shape[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (r.nextGaussian() * 0.3);
      }
      layers.add(
          new DenseLayer(
              shape[l],
              shape[l + 1],
              w,
              new float[shape[l + 1]],
              l + 2 == shape.length ? Activation.IDENTITY : act));
    }
    int rows = 1400;
    int k = shape[shape.length - 1];
    float[] x = new float[rows * shape[0]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    Examples ex;
    DenseNetwork net;
    if (k == 1) {
      float[] y = new float[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = (float) r.nextGaussian();
      }
      ex = Examples.regression(x, rows, shape[0], y);
      net = new DenseNetwork(layers, OutputKind.REGRESSION);
    } else {
      int[] y = new int[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = r.nextInt(k);
      }
      ex = Examples.classification(x, rows, shape[0], y, k);
      net = new DenseNetwork(layers, OutputKind.LOGITS);
    }
    DenseTrainer t = new DenseTrainer(net, ex, 1e-3, false, 1.0, 1);
    int perEpoch = (rows + 127) / 128;
    int epochs = Math.max(1, steps / perEpoch);
    long start = System.nanoTime();
    t.epochs(epochs, 128, true);
    return (System.nanoTime() - start) / 1e3 / ((long) epochs * perEpoch);
  }
}
