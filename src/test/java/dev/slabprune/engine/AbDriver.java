package dev.slabprune.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * The benchmark's 784-300-100-10 trainers (variational and dense, batch 128) behind static calls:
 * for {@code bench/ab/Ab.java}, which loads this class once per build of the engine (one class
 * loader each) and alternates their steps in one JVM, and for {@code bench/run parts} ({@link
 * #main}), which interleaves the step's parts. On a shared machine, interleaving lets the load fall
 * on every figure alike; sequential medians (SpeedBenchmark) can differ by 2-3 times within
 * minutes.
 */
public final class AbDriver {

  private static final int BATCH = 128;
  private static final int BATCHES = 40;
  private static VariationalTrainer vi;
  private static DenseTrainer dense;

  private AbDriver() {}

  /** The trainers, as SpeedBenchmark builds them; {@code threads} for the parameter pass. */
  public static void init(int threads) {
    int n = BATCH * BATCHES;
    Examples data = TestNetworks.lenetRows(n);
    DenseNetwork net = TestNetworks.lenet();
    vi =
        new VariationalTrainer(
            net, data, null, CompressionConfig.defaults().toBuilder().threads(threads).build());
    for (int i = 0; i < n; i++) {
      vi.order()[i] = i;
    }
    SlabLayer.Step constants = vi.stepConstants();
    for (int l = 0; l < 3; l++) {
      vi.layer(l).sample(constants, NoiseBlocks.key(11, 0, l));
    }
    dense = new DenseTrainer(net, data, 0.01, true, 1.0, 5);
    for (int i = 0; i < n; i++) {
      dense.order()[i] = i;
    }
  }

  /** One variational step (forward, backward, the parameter pass with the next draw). */
  public static void step(int k) {
    vi.step((k % BATCHES) * BATCH, BATCH, true);
  }

  /** The variational step's forward and backward passes alone. */
  public static void fb(int k) {
    vi.forwardBackward((k % BATCHES) * BATCH, BATCH);
  }

  /** The parameter pass alone: Adam and the next draw of every layer. */
  public static void pass(int k) {
    SlabLayer.Step s = vi.stepConstants();
    s.t = k + 1;
    for (int l = 0; l < 3; l++) {
      vi.layer(l).update(s, true, NoiseBlocks.key(11, k + 1, l), null);
    }
  }

  /** One plain dense SGD step. */
  public static void dense(int k) {
    dense.step((k % BATCHES) * BATCH, BATCH);
  }

  /**
   * {@code bench/run parts}: per iteration the variational step, its forward and backward, the pass
   * alone and the dense step, one after the other, {@code [timed] [threads]}; the p10 and median of
   * this thread's CPU ms of each, and the step over the dense step. One JSON line.
   */
  public static void main(String[] args) {
    int timed = args.length > 0 ? Integer.parseInt(args[0]) : 800;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int warm = 600;
    init(threads);
    java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
    String[] names = {"step", "forward_backward", "pass", "dense"};
    double[][] cpu = new double[4][timed];
    double[][] wall = new double[4][timed];
    for (int k = 0; k < warm + timed; k++) {
      for (int m = 0; m < 4; m++) {
        long c0 = tm.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        switch (m) {
          case 0 -> step(k);
          case 1 -> fb(k);
          case 2 -> pass(k);
          default -> dense(k);
        }
        if (k >= warm) {
          cpu[m][k - warm] = (tm.getCurrentThreadCpuTime() - c0) / 1e6;
          wall[m][k - warm] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    vi.closePass();
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "{\"timed\":%d,\"threads\":%d,\"lanes\":%d",
                timed,
                threads,
                FloatMath.LANES));
    for (int m = 0; m < 4; m++) {
      Arrays.sort(cpu[m]);
      Arrays.sort(wall[m]);
      b.append(
          String.format(
              Locale.ROOT,
              ",\"%s_cpu_ms\":[%.3f,%.3f],\"%s_wall_ms\":[%.3f,%.3f]",
              names[m],
              cpu[m][timed / 10],
              cpu[m][timed / 2],
              names[m],
              wall[m][timed / 10],
              wall[m][timed / 2]));
    }
    // with helper threads the step's CPU time is not this thread's alone: its ratio is left out
    b.append(
        threads > 1
            ? ",\"step_over_dense_cpu\":null"
            : String.format(
                Locale.ROOT,
                ",\"step_over_dense_cpu\":[%.2f,%.2f]",
                cpu[0][timed / 10] / cpu[3][timed / 10],
                cpu[0][timed / 2] / cpu[3][timed / 2]));
    b.append(
        String.format(
            Locale.ROOT,
            ",\"step_over_dense_wall\":[%.2f,%.2f]}",
            wall[0][timed / 10] / wall[3][timed / 10],
            wall[0][timed / 2] / wall[3][timed / 2]));
    System.out.println(b);
  }
}
