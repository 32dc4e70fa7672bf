package dev.slabprune.fuzz;

import dev.slabprune.api.BadInputException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one hand-written hostile input on its own thread under a deadline and reports what came
 * back, how long it took and how many bytes that thread allocated; prints one row of the table in
 * docs/formats.md.
 */
public final class Hostile {

  /** A parse that may throw. */
  @FunctionalInterface
  public interface Parse {
    void run() throws Exception;
  }

  /** The refusal and its cost. */
  public record Refusal(BadInputException error, long nanos, long allocatedBytes) {
    public double millis() {
      return nanos / 1e6;
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Hostile() {}

  /**
   * Runs {@code parse} and returns its refusal; fails if it succeeds, throws anything other than a
   * {@link BadInputException}, or takes longer than {@code deadlineMillis}.
   */
  public static Refusal refusal(String name, long deadlineMillis, Parse parse) {
    long[] cost = new long[2];
    FutureTask<BadInputException> task =
        new FutureTask<>(
            () -> {
              long before = THREADS.getCurrentThreadAllocatedBytes();
              long t0 = System.nanoTime();
              try {
                parse.run();
                return null;
              } catch (BadInputException e) {
                return e;
              } finally {
                cost[0] = System.nanoTime() - t0;
                cost[1] = THREADS.getCurrentThreadAllocatedBytes() - before;
              }
            });
    Thread thread = new Thread(task, "hostile-" + name);
    thread.setDaemon(true);
    thread.start();
    BadInputException error;
    try {
      error = task.get(deadlineMillis, TimeUnit.MILLISECONDS);
      thread.join();
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new AssertionError(name + ": no answer within " + deadlineMillis + " ms");
    } catch (ExecutionException e) {
      throw new AssertionError(name + ": threw " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (error == null) {
      throw new AssertionError(name + ": was accepted");
    }
    Refusal r = new Refusal(error, cost[0], cost[1]);
    System.out.printf(
        "HOSTILE | %s | %s %d | %.1f ms | %d KiB | %s%n",
        name,
        error.slug(),
        error.status(),
        r.millis(),
        r.allocatedBytes() >> 10,
        error.getMessage());
    return r;
  }
}
