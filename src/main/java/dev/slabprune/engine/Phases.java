package dev.slabprune.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time spent in each phase of a run (training, path recording, the path search, the model
 * average, ...), in the order the phases first ran; a phase that runs more than once adds up. The
 * caller owns it and hands it to the engine, which adds its own phases to the caller's (loading,
 * writing). Beside the wall time it keeps the CPU time of the recording thread, which the engine's
 * single-threaded work takes whatever else runs on the machine. Not thread-safe: one run's thread
 * records.
 */
public final class Phases {

  /** The variational training's steps and epoch-end bookkeeping, without the listeners below. */
  public static final String TRAINING = "training";

  /** The path recorder at epoch ends: median models pruned, scored and kept. */
  public static final String PATH_RECORDING = "pathRecording";

  /** Other listeners at epoch ends and step events: progress, checkpoints. */
  public static final String CHECKPOINTS = "checkpoints";

  /** Choosing the delivered network from the path: candidates pruned, fine-tuned and scored. */
  public static final String PATH_SEARCH = "pathSearch";

  /** The delivered pruning's Monte Carlo node inclusion probabilities and rule. */
  public static final String NODE_PIPS = "nodePips";

  /** The upload, the pruned and the delivered network scored on the test examples. */
  public static final String FINAL_SCORING = "finalScoring";

  /** Magnitude pruning of the upload to the delivered size, fine-tuned and scored. */
  public static final String MAGNITUDE_BASELINE = "magnitudeBaseline";

  /** The posterior's model average over K samples, scored on the test examples. */
  public static final String MODEL_AVERAGE = "modelAverage";

  /** Forward-pass latency of the upload and the delivered network. */
  public static final String LATENCY = "latency";

  /**
   * One phase.
   *
   * @param seconds wall seconds
   * @param cpuSeconds CPU seconds of the recording thread; NaN where the JVM does not measure them
   */
  public record Phase(String name, double seconds, double cpuSeconds) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Per phase: wall nanoseconds, CPU nanoseconds. */
  private final Map<String, long[]> nanos = new LinkedHashMap<>();

  private final boolean cpu =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

  /** Adds wall and CPU nanoseconds to {@code name}; a new name goes last. */
  public void add(String name, long wallNanos, long cpuNanos) {
    long[] n = nanos.computeIfAbsent(name, k -> new long[2]);
    n[0] += Math.max(0, wallNanos);
    n[1] += Math.max(0, cpuNanos);
  }

  /** Runs {@code work} and adds its time to {@code name}. */
  public <T> T time(String name, Supplier<T> work) {
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    try {
      return work.get();
    } finally {
      add(name, System.nanoTime() - wall, cpuNanos() - cpu);
    }
  }

  /** Runs {@code work} and adds its time to {@code name}. */
  public void time(String name, Runnable work) {
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    try {
      work.run();
    } finally {
      add(name, System.nanoTime() - wall, cpuNanos() - cpu);
    }
  }

  /** The current thread's CPU time in nanoseconds; 0 where it is not measured. */
  long cpuNanos() {
    return cpu ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /** Wall nanoseconds recorded for {@code name} so far; 0 for a phase not yet run. */
  long wallNanos(String name) {
    long[] n = nanos.get(name);
    return n == null ? 0 : n[0];
  }

  /** CPU nanoseconds recorded for {@code name} so far. */
  long cpuNanos(String name) {
    long[] n = nanos.get(name);
    return n == null ? 0 : n[1];
  }

  /** Every phase so far, in the order each first ran, in seconds rounded to milliseconds. */
  public List<Phase> list() {
    List<Phase> out = new ArrayList<>(nanos.size());
    nanos.forEach(
        (name, n) ->
            out.add(
                new Phase(
                    name,
                    Math.round(n[0] / 1e6) / 1e3,
                    cpu ? Math.round(n[1] / 1e6) / 1e3 : Double.NaN)));
    return out;
  }

  /** A listener that adds the time {@code listener}'s callbacks take to {@code name}. */
  TrainingListener timed(TrainingListener listener, String name) {
    return new TrainingListener() {
      @Override
      public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
        time(name, () -> listener.onEpochEnd(summary, checkpoint));
      }

      @Override
      public boolean stopAfterEpoch(EpochSummary summary) {
        return time(name, () -> listener.stopAfterEpoch(summary));
      }

      @Override
      public void onPosterior(EpochSummary summary, Supplier<Posterior> posterior) {
        time(name, () -> listener.onPosterior(summary, posterior));
      }

      @Override
      public void onSteps(StepProgress progress) {
        time(name, () -> listener.onSteps(progress));
      }
    };
  }
}
