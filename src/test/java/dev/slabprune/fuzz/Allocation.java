package dev.slabprune.fuzz;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread while something runs. */
public final class Allocation {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocation() {}

  public static long of(Runnable r) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    r.run();
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }
}
