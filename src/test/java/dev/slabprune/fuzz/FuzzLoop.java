package dev.slabprune.fuzz;

import dev.slabprune.api.BadInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A seeded mutation loop: feeds mutants of seed inputs to a reader and records every outcome that
 * is not a successful parse or one of the service's own {@link BadInputException}s, every parse
 * that allocates more than a bound, and every parse that outlives a deadline.
 *
 * <p>System properties: {@code fuzz.seconds} (time budget per reader, overrides the CI default),
 * {@code fuzz.iterations} (a fixed number of mutants instead of a time budget), {@code fuzz.seed}
 * (the random seed; the sequence of mutants depends only on it), {@code fuzz.deadlineMillis} (the
 * per-input deadline, 2000 by default). Failing inputs are written to {@code
 * target/fuzz-crashes/<reader>/}.
 */
public final class FuzzLoop {

  /** Parses one input; may throw. */
  @FunctionalInterface
  public interface Target {
    void parse(byte[] input) throws Exception;
  }

  /** Makes one mutant from the seeds. */
  @FunctionalInterface
  public interface Mutator {
    byte[] mutate(Random random, List<byte[]> seeds);
  }

  /** What a run did. */
  public record Report(
      String reader,
      long iterations,
      long parsed,
      long refused,
      Map<String, Long> slugs,
      long maxAllocatedBytes,
      long maxNanos,
      double seconds,
      List<String> failures) {

    public String summary() {
      return String.format(
          "fuzz %s: %d mutants in %.1f s (%d parsed, %d refused), peak allocation %d KiB,"
              + " slowest %.1f ms, %d failures; refusals %s",
          reader,
          iterations,
          seconds,
          parsed,
          refused,
          maxAllocatedBytes >> 10,
          maxNanos / 1e6,
          failures.size(),
          slugs);
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final String reader;
  private final List<byte[]> seeds;
  private final Mutator mutator;
  private final Target target;
  private final long maxAllocatedBytes;

  /**
   * @param maxAllocatedBytes the most one parse may allocate (measured on its thread)
   */
  public FuzzLoop(
      String reader, List<byte[]> seeds, Mutator mutator, Target target, long maxAllocatedBytes) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seeds");
    }
    this.reader = reader;
    this.seeds = List.copyOf(seeds);
    this.mutator = mutator;
    this.target = target;
    this.maxAllocatedBytes = maxAllocatedBytes;
  }

  /** Runs for {@code defaultSeconds} unless a system property says otherwise. */
  public Report run(double defaultSeconds) {
    double seconds = Double.parseDouble(System.getProperty("fuzz.seconds", "" + defaultSeconds));
    long iterations = Long.getLong("fuzz.iterations", -1);
    long seed = Long.getLong("fuzz.seed", 0x5eed_0007L) ^ reader.hashCode();
    long deadlineMillis = Long.getLong("fuzz.deadlineMillis", 2000);
    Random random = new Random(seed);
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-" + reader);
              t.setDaemon(true);
              return t;
            });
    List<String> failures = new ArrayList<>();
    java.util.Set<String> signatures = new java.util.HashSet<>();
    Map<String, Long> slugs = new LinkedHashMap<>();
    long parsed = 0;
    long refused = 0;
    long peak = 0;
    long slowest = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long n = 0;
    try {
      // the seeds themselves first, then mutants
      while (iterations >= 0 ? n < iterations + seeds.size() : System.nanoTime() < end) {
        byte[] input = n < seeds.size() ? seeds.get((int) n) : mutator.mutate(random, seeds);
        n++;
        Future<long[]> run = worker.submit(() -> measure(input));
        long[] cost;
        try {
          cost = run.get(deadlineMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          run.cancel(true);
          failures.add(record(input, "no result within " + deadlineMillis + " ms (a hang)"));
          break; // the worker may still be busy; do not queue behind it
        } catch (ExecutionException e) {
          Throwable t = e.getCause();
          if (t instanceof BadInputException bad) {
            refused++;
            slugs.merge(bad.slug(), 1L, Long::sum);
            continue;
          }
          // one input per kind of crash: the exception and where in our code it was thrown
          if (signatures.add(signature(t))) {
            failures.add(record(input, stackTrace(t)));
          }
          if (failures.size() >= 20) {
            break;
          }
          continue;
        }
        parsed++;
        peak = Math.max(peak, cost[0]);
        slowest = Math.max(slowest, cost[1]);
        if (cost[0] > maxAllocatedBytes) {
          failures.add(
              record(
                  input,
                  "allocated " + cost[0] + " bytes, more than the bound of " + maxAllocatedBytes));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      worker.shutdownNow();
    }
    return new Report(
        reader,
        n,
        parsed,
        refused,
        slugs,
        Math.max(peak, refusalPeak),
        Math.max(slowest, refusalSlowest),
        (System.nanoTime() - start) / 1e9,
        failures);
  }

  private volatile long refusalPeak;
  private volatile long refusalSlowest;

  /**
   * Parses on the worker thread and returns {allocated bytes, nanoseconds}; a refusal's cost is
   * checked here, since the exception carries no numbers back.
   */
  private long[] measure(byte[] input) throws Exception {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    long t0 = System.nanoTime();
    try {
      target.parse(input);
    } catch (BadInputException e) {
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
      refusalPeak = Math.max(refusalPeak, allocated);
      refusalSlowest = Math.max(refusalSlowest, System.nanoTime() - t0);
      if (allocated > maxAllocatedBytes) {
        throw new AssertionError(
            "refused with "
                + e.slug()
                + " but allocated "
                + allocated
                + " bytes, more than the bound of "
                + maxAllocatedBytes,
            e);
      }
      throw e;
    }
    return new long[] {THREADS.getCurrentThreadAllocatedBytes() - before, System.nanoTime() - t0};
  }

  private String record(byte[] input, String what) {
    String name = sha256(input).substring(0, 16) + ".bin";
    Path dir = Path.of("target", "fuzz-crashes", reader);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name), input);
    } catch (IOException e) {
      what += " (could not save the input: " + e + ")";
    }
    return dir.resolve(name) + " (" + input.length + " bytes): " + what;
  }

  private static String signature(Throwable t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.slabprune.")
          && !e.getClassName().startsWith("dev.slabprune.fuzz.")) {
        return t.getClass().getName() + " at " + e;
      }
    }
    return t.getClass().getName();
  }

  private static String stackTrace(Throwable t) {
    StringWriter s = new StringWriter();
    t.printStackTrace(new PrintWriter(s));
    String text = s.toString();
    return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
