package dev.slabprune.job.queue;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker pool and the queue's timing.
 *
 * @param enabled whether this instance runs workers (an API-only replica sets false)
 * @param workers jobs run at once by this instance; one per core is the ceiling. With fewer workers
 *     than cores, each job's engine runs its parameter pass on cores / workers threads (the result
 *     is the same, bit for bit)
 * @param workerId this instance's name in {@code job.claimed_by}; blank means host name plus a
 *     random suffix
 * @param pollInterval how often idle workers look for queued jobs
 * @param heartbeatInterval how often a running job proves it is alive
 * @param heartbeatTimeout a running job whose last heartbeat is older is handed back (or failed
 *     after its last attempt) by the reaper
 * @param reaperInterval how often this instance looks for stale jobs
 * @param maxAttempts how many times a job may start before a transient failure becomes final
 * @param retryBackoff wait before the first retry; doubled for each further attempt
 * @param shutdownGrace how long a stopping instance waits for running jobs to checkpoint
 */
@ConfigurationProperties("slabprune.worker")
public record QueueProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("0") int workers,
    @DefaultValue("") String workerId,
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("2s") Duration heartbeatInterval,
    @DefaultValue("30s") Duration heartbeatTimeout,
    @DefaultValue("5s") Duration reaperInterval,
    @DefaultValue("3") int maxAttempts,
    @DefaultValue("10s") Duration retryBackoff,
    @DefaultValue("20s") Duration shutdownGrace) {

  /** The number of workers to run: as configured, or chosen from the machine's cores. */
  public int effectiveWorkers() {
    return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  }

  /**
   * Threads of one job's variational parameter pass: the machine's cores shared among the workers,
   * at least 1.
   */
  public int engineThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / effectiveWorkers());
  }

  public QueueProperties {
    if (workers < 0) {
      throw new IllegalArgumentException("slabprune.worker.workers must be 0 (automatic) or more");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("slabprune.worker.max-attempts must be at least 1");
    }
    if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(3)) < 0) {
      throw new IllegalArgumentException(
          "slabprune.worker.heartbeat-timeout must be at least three heartbeat intervals");
    }
  }
}
