package dev.slabprune.job.queue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs queued jobs on a fixed number of threads: claims only as many jobs as it has idle workers,
 * heartbeats each running job, reaps stale jobs of any instance, and on shutdown asks running jobs
 * to checkpoint and hands them back to the queue.
 */
public class WorkerPool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  private final JobQueue queue;
  private final JobHandler handler;
  private final QueueProperties properties;
  private final JsonMapper json;
  private final String workerId;
  final Map<UUID, Running> running = new ConcurrentHashMap<>();
  private final AtomicInteger busy = new AtomicInteger();
  private ExecutorService workers;
  private ScheduledExecutorService timers;
  private volatile boolean stopping;

  record Running(ClaimedJob job, JobContext context) {}

  public WorkerPool(
      JobQueue queue, JobHandler handler, QueueProperties properties, JsonMapper json) {
    this.queue = queue;
    this.handler = handler;
    this.properties = properties;
    this.json = json;
    this.workerId =
        properties.workerId().isBlank()
            ? hostName() + "-" + UUID.randomUUID().toString().substring(0, 8)
            : properties.workerId();
  }

  public String workerId() {
    return workerId;
  }

  public synchronized void start() {
    if (workers != null) {
      return;
    }
    stopping = false;
    workers = Executors.newFixedThreadPool(properties.effectiveWorkers(), named("job-worker"));
    timers = Executors.newScheduledThreadPool(2, named("job-queue"));
    long poll = properties.pollInterval().toMillis();
    long beat = properties.heartbeatInterval().toMillis();
    long reap = properties.reaperInterval().toMillis();
    timers.scheduleWithFixedDelay(guarded("claim", this::claim), 0, poll, TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(
        guarded("heartbeat", this::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(guarded("reap", this::reap), reap, reap, TimeUnit.MILLISECONDS);
    log.info("Worker pool {} started with {} workers", workerId, properties.effectiveWorkers());
  }

  /**
   * Stops claiming, asks running jobs to checkpoint and stop, waits up to the shutdown grace, then
   * hands every job it still holds back to the queue.
   */
  @Override
  public void close() {
    Detached detached = detach();
    if (detached == null) {
      return;
    }
    ExecutorService pool = detached.workers();
    ScheduledExecutorService clocks = detached.timers();
    running.values().forEach(r -> r.context().stop(JobContext.StopReason.SHUTDOWN));
    pool.shutdown();
    try {
      // Heartbeats continue while jobs wind down, so none is reaped in the meantime.
      if (!pool.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Jobs still running after the shutdown grace: handing them back");
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
    clocks.shutdownNow();
    for (Running left : List.copyOf(running.values())) {
      if (queue.release(left.job())) {
        log.info("Handed job {} back to the queue", left.job().id());
      }
    }
    running.clear();
    log.info("Worker pool {} stopped", workerId);
  }

  record Detached(ExecutorService workers, ScheduledExecutorService timers) {}

  /** Stops claiming and takes the executors out of the pool, or null when it was not running. */
  synchronized Detached detach() {
    if (workers == null) {
      return null;
    }
    stopping = true;
    Detached detached = new Detached(workers, timers);
    workers = null;
    timers = null;
    return detached;
  }

  private void claim() {
    if (stopping) {
      return;
    }
    int idle = properties.effectiveWorkers() - busy.get();
    if (idle <= 0) {
      return;
    }
    for (ClaimedJob job : queue.claim(workerId, idle)) {
      JobContext context = new JobContext();
      running.put(job.id(), new Running(job, context));
      busy.incrementAndGet();
      ExecutorService pool = workers;
      if (pool == null) {
        // Stopped between the claim and the hand-off: give the job straight back.
        running.remove(job.id());
        busy.decrementAndGet();
        queue.release(job);
        continue;
      }
      pool.execute(() -> execute(job, context));
    }
  }

  private void execute(ClaimedJob job, JobContext context) {
    try {
      Completion completion = handler.run(job, context);
      if (context.stopRequested()) {
        completion.discard();
        throw new JobStoppedException(context.stopReason());
      }
      if (!queue.succeed(job, context.progress(), completion::store)) {
        log.warn("Job {} finished, but this worker no longer held it", job.id());
        completion.discard();
      }
    } catch (JobStoppedException e) {
      stopped(job, context);
    } catch (JobFailedException e) {
      if (e.retryable()) {
        log.warn("Job {} failed: {}", job.id(), e.getMessage(), e);
      } else {
        log.info("Job {} failed for good: {}", job.id(), e.getMessage());
      }
      queue.fail(job, e.retryable(), problem(e.failure()), properties.retryBackoff());
    } catch (Exception | LinkageError e) {
      if (context.stopRequested()) {
        stopped(job, context);
      } else {
        log.error("Job {} failed on attempt {}", job.id(), job.attempt(), e);
        queue.fail(
            job,
            true,
            problem(
                Failure.of(
                    "job-error",
                    "Job failed",
                    500,
                    "The job failed unexpectedly on attempt "
                        + job.attempt()
                        + " of "
                        + job.maxAttempts()
                        + "; the failure has been logged.")),
            properties.retryBackoff());
      }
    } finally {
      running.remove(job.id());
      busy.decrementAndGet();
    }
  }

  private void stopped(ClaimedJob job, JobContext context) {
    switch (context.stopReason()) {
      case CANCELLED -> queue.cancelled(job);
      case SHUTDOWN -> queue.release(job);
      case LOST ->
          log.info("Job {} was taken back from this worker; its work is dropped", job.id());
      default -> throw new IllegalStateException("no stop reason for job " + job.id());
    }
  }

  private void heartbeat() {
    for (Running r : running.values()) {
      queue
          .heartbeat(r.job(), r.context().progress())
          .ifPresentOrElse(
              cancel -> {
                if (cancel) {
                  r.context().stop(JobContext.StopReason.CANCELLED);
                }
              },
              () -> r.context().stop(JobContext.StopReason.LOST));
    }
  }

  private void reap() {
    for (JobQueue.Reaped reaped : queue.reap(properties.heartbeatTimeout())) {
      log.warn(
          "Job {} lost its worker {}; now {} after {} attempts",
          reaped.id(),
          reaped.lostWorker(),
          reaped.state(),
          reaped.attempts());
    }
  }

  private String problem(Failure failure) {
    return json.writeValueAsString(failure);
  }

  private Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        // A database hiccup must not kill the schedule: the next round tries again.
        log.warn("Worker pool {} could not {}: {}", workerId, what, e.getMessage());
      }
    };
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "worker";
    }
  }
}
