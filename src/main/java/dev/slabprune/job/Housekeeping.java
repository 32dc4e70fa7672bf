package dev.slabprune.job;

import dev.slabprune.api.ConflictException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.storage.ArtifactStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Deletes finished jobs past their retention (as their owner's DELETE would) and sweeps stored
 * bytes that nothing refers to: results of a worker that lost its job, bytes of an upload that
 * failed half-way, large objects without an artifact. Every instance runs it; the work is safe to
 * overlap.
 */
@Component
public class Housekeeping implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
  private static final int BATCH = 100;

  private final JobService jobs;
  private final JobStore store;
  private final ArtifactStore artifacts;
  private final HousekeepingProperties properties;
  private final Clock clock;
  private ScheduledExecutorService timer;

  Housekeeping(
      JobService jobs,
      JobStore store,
      ArtifactStore artifacts,
      HousekeepingProperties properties,
      Clock clock) {
    this.jobs = jobs;
    this.store = store;
    this.artifacts = artifacts;
    this.properties = properties;
    this.clock = clock;
  }

  /** What one round removed. */
  public record Round(int jobsDeleted, ArtifactStore.Sweep sweep) {}

  /** Deletes expired jobs, then sweeps unused bytes. */
  public Round runOnce() {
    Instant now = clock.instant();
    int deleted = 0;
    if (!properties.jobRetention().isZero()) {
      Instant cutoff = now.minus(properties.jobRetention());
      List<JobStore.OwnedJob> expired;
      do {
        expired = store.finishedBefore(cutoff, BATCH);
        int before = deleted;
        for (JobStore.OwnedJob job : expired) {
          try {
            jobs.delete(new Owner(job.owner()), job.id());
            deleted++;
          } catch (NotFoundException | ConflictException e) {
            // Deleted meanwhile, or a re-pruning of it still runs: the next round tries again.
          }
        }
        if (deleted == before) {
          break;
        }
      } while (expired.size() == BATCH);
    }
    ArtifactStore.Sweep sweep = artifacts.sweep(now.minus(properties.artifactGrace()));
    if (deleted > 0 || sweep.artifacts() > 0 || sweep.largeObjects() > 0) {
      log.info(
          "Housekeeping deleted {} expired jobs, {} unused artifacts and {} orphaned large"
              + " objects",
          deleted,
          sweep.artifacts(),
          sweep.largeObjects());
    }
    return new Round(deleted, sweep);
  }

  @Override
  public synchronized void start() {
    if (properties.interval().isZero() || timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "housekeeping");
              thread.setDaemon(true);
              return thread;
            });
    long every = properties.interval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            runOnce();
          } catch (RuntimeException e) {
            // A database hiccup must not end the schedule: the next round tries again.
            log.warn("Housekeeping failed: {}", e.getMessage());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return timer != null;
  }
}
