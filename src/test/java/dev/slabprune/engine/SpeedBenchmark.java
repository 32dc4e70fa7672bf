package dev.slabprune.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code bench/run speed}: milliseconds per variational step (its forward and backward passes and
 * its fused parameter pass; the same step with the parameter pass on two threads; the pass alone
 * over Vector API lanes and over one float at a time) and per plain dense SGD step on
 * 784-300-100-10 at batch 128 (median over timed steps after a warm-up; for the one-thread steps
 * also the median of the thread's CPU time per step), peak resident memory, and the PyTorch peer's
 * figures passed in as its JSON line.
 *
 * <p>Arguments: {@code [steps] [peer-json|null] [peer-peak-rss-kb|null]}.
 */
public final class SpeedBenchmark {

  public static void main(String[] args) throws Exception {
    int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    String peer = args.length > 1 ? args[1] : "null";
    String peerRss = args.length > 2 ? args[2] : "null";
    int[] arch = TestNetworks.LENET;
    int batch = 128;
    int batches = 40;
    int n = batch * batches;
    Examples data = TestNetworks.lenetRows(n);
    DenseNetwork net = TestNetworks.lenet();
    // the KL scale of MNIST's 60000 examples is irrelevant to speed; n only sets 1/n

    VariationalTrainer vi = trainer(net, data, 1);
    // resident memory before the first step: the JVM, ND4J's native libraries, the data
    long setupRssKb = statusKb("VmRSS:");
    // heap bytes this thread allocates in the first steps (before the JIT compiles the Vector API
    // loops, every vector operation allocates) and per step once compiled
    long allocated0 = allocatedBytes();
    long cpu0 = cpuNanos();
    long wall0 = System.nanoTime();
    int first = 100;
    for (int k = 0; k < first; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    double firstStepsMs = (System.nanoTime() - wall0) / 1e6 / first;
    long firstAllocated = allocatedBytes() - allocated0;
    double viMs = median(steps, k -> vi.step((k % batches) * batch, batch, true));
    double viCpuMs = lastCpuMedian;
    long allocated1 = allocatedBytes();
    int probe = 50;
    for (int k = 0; k < probe; k++) {
      vi.step((k % batches) * batch, batch, true);
    }
    double compiledKbPerStep = (allocatedBytes() - allocated1) / 1024.0 / probe;
    double passesMs = median(steps, k -> vi.forwardBackward((k % batches) * batch, batch));
    double passesCpuMs = lastCpuMedian;
    double passMs = viMs - passesMs;
    // the peak while one trainer exists, as in a job: the step, its warm-up and its parts
    long oneTrainerPeakKb = statusKb("VmHWM:");
    // the same step with the parameter pass on two threads (CompressionConfig.threads)
    VariationalTrainer vi2 = trainer(net, data, 2);
    double vi2Ms = median(steps, k -> vi2.step((k % batches) * batch, batch, true));
    vi2.closePass();
    // the pass alone, over Vector API lanes and over one float at a time (the same bits)
    double vectorPassMs = median(steps, k -> passOnly(vi, k));
    double vectorPassKb = lastAllocatedKb;
    SlabLayer.vector = false;
    double scalarPassMs = median(Math.max(20, steps / 4), k -> passOnly(vi, k));
    SlabLayer.vector = true;

    DenseTrainer dense = new DenseTrainer(net, data, 0.01, true, 1.0, 5);
    for (int i = 0; i < n; i++) {
      dense.order()[i] = i;
    }
    double denseMs = median(steps, k -> dense.step((k % batches) * batch, batch));
    double denseCpuMs = lastCpuMedian;

    long rssKb = statusKb("VmHWM:");
    double cpuS = (cpuNanos() - cpu0) / 1e9;
    double wallS = (System.nanoTime() - wall0) / 1e9;
    long heapPeak = 0;
    for (java.lang.management.MemoryPoolMXBean pool :
        java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        heapPeak += pool.getPeakUsage().getCommitted();
      }
    }
    long gcCount = 0;
    long gcMs = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMs += Math.max(0, gc.getCollectionTime());
    }
    String peerVi = field(peer, "vi_ms_per_step");
    String peerDense = field(peer, "dense_ms_per_step");
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"arch\":[784,300,100,10],\"batch\":%d,\"steps\":%d,\"blas_threads\":1,"
                + "\"engine_ms_per_step\":%.3f,\"engine_forward_backward_ms\":%.3f,"
                + "\"engine_fused_parameter_pass_ms\":%.3f,\"engine_ms_per_step_2_threads\":%.3f,"
                + "\"pass_alone_vector_ms\":%.3f,\"pass_alone_scalar_ms\":%.3f,"
                + "\"pass_ns_per_parameter\":%.2f,\"pass_vector_over_scalar\":%.3f,"
                + "\"pass_alone_allocated_kb\":%.1f,\"pass_at_vector_speed\":%b,"
                + "\"dense_ms_per_step\":%.3f,"
                + "\"engine_cpu_ms_per_step\":%.3f,\"engine_forward_backward_cpu_ms\":%.3f,"
                + "\"dense_cpu_ms_per_step\":%.3f,\"engine_over_dense_cpu\":%.2f,"
                + "\"peer_ms_per_step\":%s,\"peer_dense_ms_per_step\":%s,"
                + "\"engine_over_dense\":%.2f,\"engine_2_threads_over_dense\":%.2f,"
                + "\"dense_over_peer_dense\":%s,\"peer_over_engine\":%s,"
                + "\"peer_over_engine_2_threads\":%s,"
                + "\"engine_samples_per_s\":%.0f,\"peer_samples_per_s\":%s,"
                + "\"engine_peak_rss_mb\":%.0f,\"peak_rss_one_trainer_mb\":%.0f,"
                + "\"rss_before_steps_mb\":%.0f,"
                + "\"heap_peak_committed_mb\":%.0f,"
                + "\"first_100_steps_ms_per_step\":%.2f,\"first_100_steps_allocated_mb\":%.0f,"
                + "\"compiled_allocated_kb_per_step\":%.1f,\"gc_count\":%d,\"gc_ms\":%d,"
                + "\"wall_s\":%.1f,\"cpu_s\":%.1f,\"jvm_flags\":\"%s\","
                + "\"peer_peak_rss_mb\":%s,\"peer\":%s}",
            batch,
            steps,
            viMs,
            passesMs,
            passMs,
            vi2Ms,
            vectorPassMs,
            scalarPassMs,
            vectorPassMs * 1e6 / parameters(arch),
            vectorPassMs / scalarPassMs,
            vectorPassKb,
            vectorPassKb < 64 && vectorPassMs < 0.5 * scalarPassMs,
            denseMs,
            viCpuMs,
            passesCpuMs,
            denseCpuMs,
            viCpuMs / denseCpuMs,
            peerVi,
            peerDense,
            viMs / denseMs,
            vi2Ms / denseMs,
            ratio(denseMs, peerDense),
            ratio(peerVi, viMs),
            ratio(peerVi, vi2Ms),
            batch / viMs * 1e3,
            peerVi.equals("null")
                ? "null"
                : String.format(Locale.ROOT, "%.0f", batch / Double.parseDouble(peerVi) * 1e3),
            rssKb / 1024.0,
            oneTrainerPeakKb / 1024.0,
            setupRssKb / 1024.0,
            heapPeak / 1048576.0,
            firstStepsMs,
            firstAllocated / 1048576.0,
            compiledKbPerStep,
            gcCount,
            gcMs,
            wallS,
            cpuS,
            jvmFlags(),
            peerRss.equals("null")
                ? "null"
                : String.format(Locale.ROOT, "%.0f", Long.parseLong(peerRss.trim()) / 1024.0),
            peer));
  }

  private static VariationalTrainer trainer(DenseNetwork net, Examples data, int threads) {
    VariationalTrainer vi =
        new VariationalTrainer(
            net, data, null, CompressionConfig.defaults().toBuilder().threads(threads).build());
    for (int i = 0; i < data.rows(); i++) {
      vi.order()[i] = i;
    }
    SlabLayer.Step constants = vi.stepConstants();
    for (int l = 0; l < 3; l++) {
      vi.layer(l).sample(constants, NoiseBlocks.key(11, 0, l));
    }
    return vi;
  }

  /** Adam and the next draw of every layer, without the forward and backward passes. */
  private static void passOnly(VariationalTrainer vi, int k) {
    SlabLayer.Step s = vi.stepConstants();
    s.t = k + 1;
    for (int l = 0; l < 3; l++) {
      vi.layer(l).update(s, true, NoiseBlocks.key(11, k + 1, l), null);
    }
  }

  private static long parameters(int[] arch) {
    long p = 0;
    for (int l = 0; l + 1 < arch.length; l++) {
      p += (long) arch[l] * arch[l + 1] + arch[l + 1];
    }
    return p;
  }

  /** a / b with two decimals, or null when either is missing. */
  private static String ratio(Object a, Object b) {
    if ("null".equals(a) || "null".equals(b)) {
      return "null";
    }
    double x = a instanceof Double d ? d : Double.parseDouble(a.toString());
    double y = b instanceof Double d ? d : Double.parseDouble(b.toString());
    return String.format(Locale.ROOT, "%.2f", x / y);
  }

  /** The median CPU time of this thread per step in the last {@link #median} call, in ms. */
  private static double lastCpuMedian;

  /**
   * The KB this thread allocated per timed step in the last {@link #median} call: 0 once the JIT
   * has compiled the Vector API code (before, or where it failed to, every vector is boxed).
   */
  private static double lastAllocatedKb;

  /**
   * The median wall time per step in ms; the median of this thread's CPU time per step goes to
   * {@link #lastCpuMedian} (on a shared machine a longer step is more often preempted, which the
   * wall time counts and the CPU time does not).
   */
  private static double median(int steps, java.util.function.IntConsumer step) {
    // long enough a warm-up for the JIT to compile the Vector API code (before, it boxes every
    // vector on the heap): a job runs thousands of steps
    for (int k = 0; k < Math.max(150, steps / 2); k++) {
      step.accept(k);
    }
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    double[] t = new double[steps];
    double[] cpu = new double[steps];
    long allocated = allocatedBytes();
    for (int k = 0; k < steps; k++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      step.accept(k);
      t[k] = (System.nanoTime() - t0) / 1e6;
      cpu[k] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
    }
    lastAllocatedKb = (allocatedBytes() - allocated) / 1024.0 / steps;
    Arrays.sort(t);
    Arrays.sort(cpu);
    lastCpuMedian = cpu[steps / 2];
    return t[steps / 2];
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  /** CPU time of the whole process (every thread: the JIT's compilers and the collector too). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The JVM's memory and compiler options (from the command line and JDK_JAVA_OPTIONS). */
  private static String jvmFlags() {
    StringBuilder b = new StringBuilder();
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:") || a.startsWith("-Xm") || a.startsWith("-Xs")) {
        b.append(b.length() == 0 ? "" : " ").append(a);
      }
    }
    String arenas = System.getenv("MALLOC_ARENA_MAX");
    if (arenas != null) {
      b.append(" MALLOC_ARENA_MAX=").append(arenas);
    }
    return b.toString().replace("\"", "'");
  }

  /** A figure of /proc/self/status in kB (VmHWM: the peak resident memory; VmRSS: now). */
  private static long statusKb(String key) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key)) {
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
