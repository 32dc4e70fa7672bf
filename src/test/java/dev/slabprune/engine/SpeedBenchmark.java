package dev.slabprune.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench/run speed}: milliseconds per variational step and per plain dense SGD step on
 * 784-300-100-10 at batch 128 (median over timed steps after a warm-up), peak resident memory, and
 * the PyTorch peer's figures passed in as its JSON line.
 *
 * <p>Arguments: {@code [steps] [peer-json|null] [peer-peak-rss-kb|null]}.
 */
public final class SpeedBenchmark {

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    String peer = args.length > 1 ? args[1] : "null";
    String peerRss = args.length > 2 ? args[2] : "null";
    int[] arch = {784, 300, 100, 10};
    int batch = 128;
    int batches = 40;
    Rng r = new Rng(7);
    int n = batch * batches;
    float[] x = new float[n * arch[0]];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
    }
    Examples data = Examples.classification(x, n, arch[0], y, 10);
    DenseNetwork net = Initialisation.kaimingUniform(arch, Activation.RELU, OutputKind.LOGITS, 3);
    // the KL scale of MNIST's 60000 examples is irrelevant to speed; n only sets 1/n

    VariationalTrainer vi = new VariationalTrainer(net, data, null, CompressionConfig.defaults());
    for (int i = 0; i < n; i++) {
      vi.order()[i] = i;
    }
    SlabLayer.Step constants = vi.stepConstants();
    for (int l = 0; l < arch.length - 1; l++) {
      vi.layer(l).sample(constants, NoiseBlocks.key(11, 0, l));
    }
    double viMs = median(steps, k -> vi.step((k % batches) * batch, batch, true));
    double passesMs = median(steps, k -> vi.forwardBackward((k % batches) * batch, batch));

    DenseTrainer dense = new DenseTrainer(net, data, 0.01, true, 1.0, 5);
    for (int i = 0; i < n; i++) {
      dense.order()[i] = i;
    }
    double denseMs = median(steps, k -> dense.step((k % batches) * batch, batch));

    long rssKb = peakRssKb();
    String peerVi = field(peer, "vi_ms_per_step");
    String peerDense = field(peer, "dense_ms_per_step");
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"arch\":[784,300,100,10],\"batch\":%d,\"steps\":%d,\"blas_threads\":1,"
                + "\"engine_ms_per_step\":%.3f,\"engine_forward_backward_ms\":%.3f,"
                + "\"engine_fused_parameter_pass_ms\":%.3f,\"dense_ms_per_step\":%.3f,"
                + "\"peer_ms_per_step\":%s,\"peer_dense_ms_per_step\":%s,"
                + "\"engine_over_dense\":%.2f,\"peer_over_engine\":%s,"
                + "\"engine_samples_per_s\":%.0f,\"peer_samples_per_s\":%s,"
                + "\"engine_peak_rss_mb\":%.0f,\"peer_peak_rss_mb\":%s,\"peer\":%s}",
            batch,
            steps,
            viMs,
            passesMs,
            viMs - passesMs,
            denseMs,
            peerVi,
            peerDense,
            viMs / denseMs,
            peerVi.equals("null")
                ? "null"
                : String.format(Locale.ROOT, "%.2f", Double.parseDouble(peerVi) / viMs),
            batch / viMs * 1e3,
            peerVi.equals("null")
                ? "null"
                : String.format(Locale.ROOT, "%.0f", batch / Double.parseDouble(peerVi) * 1e3),
            rssKb / 1024.0,
            peerRss.equals("null")
                ? "null"
                : String.format(Locale.ROOT, "%.0f", Long.parseLong(peerRss.trim()) / 1024.0),
            peer));
  }

  private static double median(int steps, java.util.function.IntConsumer step) {
    for (int k = 0; k < Math.max(20, steps / 5); k++) {
      step.accept(k);
    }
    double[] t = new double[steps];
    for (int k = 0; k < steps; k++) {
      long t0 = System.nanoTime();
      step.accept(k);
      t[k] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(t);
    return t[steps / 2];
  }

  private static long peakRssKb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static String field(String json, String key) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*([0-9.eE-]+)").matcher(json);
    return m.find() ? m.group(1) : "null";
  }
}
