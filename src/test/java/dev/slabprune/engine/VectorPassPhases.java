package dev.slabprune.engine;

import java.util.Locale;

/**
 * {@code bench/run vectorphases}: the parameter pass of the benchmark's layers (784-300-100-10)
 * alone, in phases with each combination of flags a job uses, and per phase the KB this thread
 * allocates per pass and the ms per pass. {@code f} passes update and draw (a step), {@code a}
 * update without a draw (an epoch's last step), {@code s} draw alone (a job's first sample). Once
 * the JIT has compiled the Vector API code a phase allocates 0 KB; the boxed-pass fault allocates
 * tens of MB per pass. One JSON line.
 *
 * <p>Arguments: {@code [plan]}, default {@code s1,f300,a50,f300,s50,f300,f100}.
 */
public final class VectorPassPhases {

  private VectorPassPhases() {}

  public static void main(String[] args) {
    int[] arch = {784, 300, 100, 10};
    SlabLayer[] layers = new SlabLayer[3];
    java.util.Random rnd = new java.util.Random(1);
    for (int l = 0; l < 3; l++) {
      layers[l] = new SlabLayer(arch[l], arch[l + 1]);
      SlabLayer s = layers[l];
      for (int i = 0; i < s.size; i++) {
        s.mu[i] = (float) (0.05 * rnd.nextGaussian());
        s.rho[i] = -6f;
        s.v[i] = 3f;
        s.grad[i] = (float) (0.01 * rnd.nextGaussian());
      }
    }
    SlabLayer.Step step = new SlabLayer.Step();
    step.tau = 0.5;
    step.sigma0 = 1;
    step.logSigma0 = 0;
    step.invVar0 = 1;
    step.logitLambda = -9;
    step.klScale = 1e-5;
    step.learningRate = 1e-3;
    step.inclusionLearningRate = 1e-3;
    String plan = args.length > 0 ? args[0] : "s1,f300,a50,f300,s50,f300,f100";
    int t = 0;
    StringBuilder b = new StringBuilder("{\"plan\":\"" + plan + "\",\"phases\":[");
    boolean lastClean = true;
    String[] phases = plan.split(",");
    for (int p = 0; p < phases.length; p++) {
      char kind = phases[p].charAt(0);
      int count = Integer.parseInt(phases[p].substring(1));
      long a0 = allocated();
      long w0 = System.nanoTime();
      for (int k = 0; k < count; k++) {
        t++;
        step.t = t;
        for (int l = 0; l < 3; l++) {
          switch (kind) {
            case 's' -> layers[l].sample(step, NoiseBlocks.key(1, t, l));
            case 'a' -> layers[l].update(step, false, 0, null);
            default -> layers[l].update(step, true, NoiseBlocks.key(1, t, l), null);
          }
        }
      }
      double kb = (allocated() - a0) / 1024.0 / count;
      lastClean = kb < 64;
      b.append(
          String.format(
              Locale.ROOT,
              "%s{\"phase\":\"%s\",\"kb_per_pass\":%.1f,\"ms_per_pass\":%.2f}",
              p == 0 ? "" : ",",
              phases[p],
              kb,
              (System.nanoTime() - w0) / 1e6 / count));
    }
    System.out.println(b.append("],\"at_vector_speed\":").append(lastClean).append("}"));
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
