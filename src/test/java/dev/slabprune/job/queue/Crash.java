package dev.slabprune.job.queue;

/** A worker process that dies, for tests of what the others do about it. */
public final class Crash {

  private Crash() {}

  /**
   * Stops every thread of the pool at once without touching the database, as a crashed process
   * would: the jobs it held stay RUNNING until the reaper of another pool finds their heartbeat
   * stale.
   */
  public static void of(WorkerPool pool) {
    WorkerPool.Detached detached = pool.detach();
    if (detached == null) {
      return;
    }
    detached.timers().shutdownNow();
    pool.running.values().forEach(r -> r.context().stop(JobContext.StopReason.LOST));
    detached.workers().shutdownNow();
    pool.running.clear();
  }
}
