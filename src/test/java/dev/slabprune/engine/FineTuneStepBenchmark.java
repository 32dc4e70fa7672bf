package dev.slabprune.engine;

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
    int rows = 1400;
    int k = shape[shape.length - 1];
    Examples noise = TestNetworks.noise(rows, shape[0], Math.max(2, k), 1);
    Examples ex = noise;
    if (k == 1) {
      // the noise's labels as targets: the step's cost does not depend on their values
      int[] labels = noise.labels();
      float[] y = new float[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = labels[i];
      }
      ex = Examples.regression(noise.features(), rows, shape[0], y);
    }
    DenseNetwork net =
        Initialisation.kaimingUniform(
            shape, act, k == 1 ? OutputKind.REGRESSION : OutputKind.LOGITS, 1);
    DenseTrainer t = new DenseTrainer(net, ex, 1e-3, false, 1.0, 1);
    int perEpoch = (rows + 127) / 128;
    int epochs = Math.max(1, steps / perEpoch);
    long start = System.nanoTime();
    t.epochs(epochs, 128, true);
    return (System.nanoTime() - start) / 1e3 / ((long) epochs * perEpoch);
  }
}
