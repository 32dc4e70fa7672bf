package dev.slabprune.engine;

import java.util.Locale;

/**
 * {@code bench/run vectorcheck}: in one fresh JVM, the benchmark's variational trainer
 * (784-300-100-10, batch 128) runs {@code warm} steps, then reports whether its parameter pass runs
 * as compiled Vector API code: the KB this thread allocates per step over 50 steps, then again
 * after {@code warm} more steps (0 once the JIT has compiled the step; a kernel left boxed
 * allocates MBs), and the pass alone over lanes against the same pass one float at a time (the same
 * bits). One JSON line.
 *
 * <p>Arguments: {@code [warm-steps]} (300).
 */
public final class VectorPassCheck {

  public static void main(String[] args) {
    int warm = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int batch = 128;
    int batches = 40;
    int n = batch * batches;
    Examples data = TestNetworks.lenetRows(n);
    DenseNetwork net = TestNetworks.lenet();
    VariationalTrainer vi =
        new VariationalTrainer(
            net, data, null, CompressionConfig.defaults().toBuilder().threads(1).build());
    for (int i = 0; i < data.rows(); i++) {
      vi.order()[i] = i;
    }
    SlabLayer.Step constants = vi.stepConstants();
    for (int l = 0; l < 3; l++) {
      vi.layer(l).sample(constants, NoiseBlocks.key(11, 0, l));
    }
    long t0 = System.nanoTime();
    for (int k = 0; k < warm; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    double warmS = (System.nanoTime() - t0) / 1e9;
    // KB per step over 50 steps, then again after as many steps more as the warm-up: a kernel
    // waiting for its recompilation allocates in the first window only, one left boxed in both
    int probe = 50;
    long a0 = allocatedBytes();
    for (int k = 0; k < probe; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    double firstKb = (allocatedBytes() - a0) / 1024.0 / probe;
    for (int k = 0; k < warm; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    a0 = allocatedBytes();
    for (int k = 0; k < probe; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    double stepKb = (allocatedBytes() - a0) / 1024.0 / probe;
    double vectorMs = passMs(vi, 40);
    SlabLayer.vector = false;
    double scalarMs = passMs(vi, 10);
    SlabLayer.vector = true;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"warm_steps\":%d,\"warm_s\":%.1f,\"step_allocated_kb_after_warm\":%.1f,"
                + "\"step_allocated_kb\":%.1f,"
                + "\"pass_vector_ms\":%.3f,\"pass_scalar_ms\":%.3f,\"pass_vector_over_scalar\":%.3f,"
                + "\"at_vector_speed\":%b,\"lanes\":%d}",
            warm,
            warmS,
            firstKb,
            stepKb,
            vectorMs,
            scalarMs,
            vectorMs / scalarMs,
            stepKb < 64 && vectorMs < 0.5 * scalarMs,
            FloatMath.LANES));
  }

  /** The median ms of {@code count} passes alone (Adam and the next draw of every layer). */
  private static double passMs(VariationalTrainer vi, int count) {
    double[] t = new double[count];
    for (int k = 0; k < count; k++) {
      SlabLayer.Step s = vi.stepConstants();
      s.t = 1000 + k;
      long t0 = System.nanoTime();
      for (int l = 0; l < 3; l++) {
        vi.layer(l).update(s, true, NoiseBlocks.key(11, 1000 + k, l), null);
      }
      t[k] = (System.nanoTime() - t0) / 1e6;
    }
    java.util.Arrays.sort(t);
    return t[count / 2];
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
