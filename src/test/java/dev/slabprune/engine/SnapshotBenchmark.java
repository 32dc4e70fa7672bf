package dev.slabprune.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench/run snapshot}: what keeping the latest epoch-end training state in memory costs a
 * running job (the job layer serialises it at epoch ends so that a stopping instance can checkpoint
 * it): milliseconds and bytes of one serialisation of the training state of 784-300-100-10, against
 * one variational step at batch 128 and one MNIST epoch of such steps.
 *
 * <p>Arguments: {@code [repeats]}.
 */
public final class SnapshotBenchmark {

  /** MNIST's training rows after the job's default 10% validation and 20% test splits. */
  private static final int MNIST_TRAIN_ROWS = 42_000;

  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int[] arch = TestNetworks.LENET;
    int batch = 128;
    int batches = 20;
    int n = batch * batches;
    Examples data = TestNetworks.lenetRows(n);
    DenseNetwork net = TestNetworks.lenet();
    VariationalTrainer vi = new VariationalTrainer(net, data, null, CompressionConfig.defaults());
    for (int i = 0; i < n; i++) {
      vi.order()[i] = i;
    }
    SlabLayer.Step constants = vi.stepConstants();
    for (int l = 0; l < arch.length - 1; l++) {
      vi.layer(l).sample(constants, NoiseBlocks.key(11, 0, l));
    }
    double[] steps = new double[repeats];
    for (int k = -5; k < repeats; k++) {
      long t0 = System.nanoTime();
      vi.step((Math.floorMod(k, batches)) * batch, batch, true);
      if (k >= 0) {
        steps[k] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] snapshots = new double[repeats];
    int bytes = 0;
    for (int k = -5; k < repeats; k++) {
      long t0 = System.nanoTime();
      bytes = vi.checkpoint().length;
      if (k >= 0) {
        snapshots[k] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double stepMs = median(steps);
    double snapshotMs = median(snapshots);
    int stepsPerEpoch = (MNIST_TRAIN_ROWS + batch - 1) / batch;
    double epochMs = stepMs * stepsPerEpoch;
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"arch\":[784,300,100,10],\"batch\":%d,\"repeats\":%d,\"state_bytes\":%d,"
                + "\"snapshot_ms\":%.2f,\"step_ms\":%.2f,\"snapshot_over_step\":%.2f,"
                + "\"mnist_steps_per_epoch\":%d,\"mnist_epoch_ms\":%.0f,"
                + "\"snapshot_share_of_mnist_epoch\":%.4f}",
            batch,
            repeats,
            bytes,
            snapshotMs,
            stepMs,
            snapshotMs / stepMs,
            stepsPerEpoch,
            epochMs,
            snapshotMs / epochMs));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
