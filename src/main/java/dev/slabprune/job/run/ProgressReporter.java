package dev.slabprune.job.run;

import dev.slabprune.engine.EpochSummary;
import dev.slabprune.engine.StepProgress;
import dev.slabprune.engine.TrainingListener;
import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.job.queue.JobContext;
import dev.slabprune.job.result.JobResults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries a running job's progress to its heartbeat and its training state to the database: a
 * checkpoint at an epoch end once the checkpoint interval has passed, and one when the instance
 * shuts down. For the latter it keeps the latest epoch-end training state in memory, serialised,
 * taking it at every epoch end unless serialising costs more than a twentieth of the time between
 * two snapshots.
 */
final class ProgressReporter implements TrainingListener {

  private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);

  /** Serialising may take at most 1 / SNAPSHOT_SHARE of the time between two snapshots. */
  private static final long SNAPSHOT_SHARE = 20;

  private record Snapshot(int epoch, byte[] state) {}

  private final ClaimedJob job;
  private final JobContext context;
  private final JsonMapper json;
  private final Clock clock;
  private final JobResults results;
  private final RunMetrics metrics;
  private final Duration checkpointInterval;
  private final Instant started;
  private int epochs;
  private int resumedFrom;
  private Instant lastCheckpoint;
  private volatile EpochSummary last;
  private volatile Snapshot latest;
  private volatile int savedEpoch;
  private long lastSnapshotNanos = System.nanoTime();
  private long snapshotCostNanos;

  ProgressReporter(
      ClaimedJob job,
      JobContext context,
      JsonMapper json,
      Clock clock,
      JobResults results,
      RunMetrics metrics,
      Duration checkpointInterval) {
    this.job = job;
    this.context = context;
    this.json = json;
    this.clock = clock;
    this.results = results;
    this.metrics = metrics;
    this.checkpointInterval = checkpointInterval;
    this.started = clock.instant();
    this.lastCheckpoint = started;
  }

  /** Reports a phase outside training: loading before it, pruning and writing after it. */
  void phase(Progress.Phase phase) {
    boolean afterTraining = phase != Progress.Phase.LOADING && epochs > 0;
    int epoch = last != null ? last.epoch() : afterTraining ? epochs : resumedFrom;
    report(
        new Progress(
            phase,
            epoch,
            epochs,
            afterTraining ? 1 : 0,
            elbo(),
            figure(EpochSummary::kl),
            figure(EpochSummary::nll),
            density(),
            metric(),
            null,
            resumed()));
  }

  /** Training starts (or resumes after {@code resumedFrom} epochs) for {@code epochs} epochs. */
  void training(int epochs, int resumedFrom) {
    this.epochs = epochs;
    this.resumedFrom = resumedFrom;
    this.savedEpoch = resumedFrom;
  }

  @Override
  public void onSteps(StepProgress step) {
    double fraction = ((step.epoch() - 1) + (double) step.step() / step.stepsPerEpoch()) / epochs;
    report(training(step.epoch(), fraction));
    context.checkStop();
  }

  @Override
  public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
    last = summary;
    metrics.epoch(summary.seconds());
    report(training(summary.epoch(), (double) summary.epoch() / epochs));
    Instant now = clock.instant();
    boolean due =
        summary.epoch() < epochs && !now.isBefore(lastCheckpoint.plus(checkpointInterval));
    if (due || System.nanoTime() - lastSnapshotNanos >= SNAPSHOT_SHARE * snapshotCostNanos) {
      long begin = System.nanoTime();
      byte[] state = checkpoint.get();
      lastSnapshotNanos = System.nanoTime();
      // The cheapest serialisation seen so far: the first runs before the JIT has compiled it.
      long cost = lastSnapshotNanos - begin;
      snapshotCostNanos = snapshotCostNanos == 0 ? cost : Math.min(snapshotCostNanos, cost);
      latest = new Snapshot(summary.epoch(), state);
    }
    if (due) {
      results.saveCheckpoint(job, summary.epoch(), latest.state());
      savedEpoch = summary.epoch();
      lastCheckpoint = now;
    }
  }

  /**
   * Saves the latest training state, if newer than the saved one, before the job is handed back.
   */
  void checkpointOnShutdown() {
    Snapshot snapshot = latest;
    if (snapshot == null || snapshot.epoch() <= savedEpoch) {
      return;
    }
    results.saveCheckpoint(job, snapshot.epoch(), snapshot.state());
    savedEpoch = snapshot.epoch();
    log.info(
        "Job {} stops for a shutdown: checkpointed after epoch {} of {}",
        job.id(),
        snapshot.epoch(),
        epochs);
  }

  private Progress training(int epoch, double fraction) {
    return new Progress(
        Progress.Phase.TRAINING,
        epoch,
        epochs,
        fraction,
        elbo(),
        figure(EpochSummary::kl),
        figure(EpochSummary::nll),
        density(),
        metric(),
        eta(fraction),
        resumed());
  }

  private void report(Progress progress) {
    context.progress(json.writeValueAsString(progress));
  }

  private Double eta(double fraction) {
    double done = fraction - (double) resumedFrom / epochs;
    if (done <= 0) {
      return null;
    }
    double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
    return seconds / done * (1 - fraction);
  }

  private Integer resumed() {
    return resumedFrom > 0 ? resumedFrom : null;
  }

  private Double elbo() {
    return last == null ? null : finite(last.elbo());
  }

  private Double figure(ToDoubleFunction<EpochSummary> read) {
    EpochSummary summary = last;
    return summary == null ? null : finite(read.applyAsDouble(summary));
  }

  private Double density() {
    return last == null ? null : finite(last.density());
  }

  private Double metric() {
    return last == null ? null : finite(last.validationMetric());
  }

  static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
