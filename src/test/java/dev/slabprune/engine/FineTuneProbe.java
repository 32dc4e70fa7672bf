package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Temporary probe: microseconds per fine-tuning step of small networks. */
public final class FineTuneProbe {
  public static void main(String[] a) {
    int[][] archs = {{10, 32, 16, 1}, {200, 7, 7, 7, 1}, {5, 19, 9, 1}, {64, 128, 64, 10}};
    for (int rep = 0; rep < 2; rep++) {
      for (int[] arch : archs) {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU}) {
          Random r = new Random(1);
          List<DenseLayer> layers = new ArrayList<>();
          for (int l = 0; l + 1 < arch.length; l++) {
            float[] w = new float[arch[l] * arch[l + 1]];
            for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.3);
            layers.add(
                new DenseLayer(
                    arch[l],
                    arch[l + 1],
                    w,
                    new float[arch[l + 1]],
                    l + 2 == arch.length ? Activation.IDENTITY : act));
          }
          int rows = 1400;
          int k = arch[arch.length - 1];
          float[] x = new float[rows * arch[0]];
          for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
          Examples ex;
          DenseNetwork net;
          if (k == 1) {
            float[] y = new float[rows];
            for (int i = 0; i < rows; i++) y[i] = (float) r.nextGaussian();
            ex = Examples.regression(x, rows, arch[0], y);
            net = new DenseNetwork(layers, OutputKind.REGRESSION);
          } else {
            int[] y = new int[rows];
            for (int i = 0; i < rows; i++) y[i] = r.nextInt(k);
            ex = Examples.classification(x, rows, arch[0], y, k);
            net = new DenseNetwork(layers, OutputKind.LOGITS);
          }
          DenseTrainer t = new DenseTrainer(net, ex, 1e-3, false, 1.0, 1);
          int epochs = 5000 / 11;
          long t0 = System.nanoTime();
          t.epochs(epochs, 128, true);
          long t1 = System.nanoTime();
          System.out.printf(
              act + " %s steps %d us/step %.1f%n",
              java.util.Arrays.toString(arch),
              epochs * 11,
              (t1 - t0) / 1e3 / (epochs * 11));
        }
      }
    }
  }
}
