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
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries a running job's progress to its heartbeat and its training state to the database: a
 * checkpoint at an epoch end once the checkpoint interval has passed.
 */
final class ProgressReporter implements TrainingListener {

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
            density(),
            metric(),
            null,
            resumed()));
  }

  /** Training starts (or resumes after {@code resumedFrom} epochs) for {@code epochs} epochs. */
  void training(int epochs, int resumedFrom) {
    this.epochs = epochs;
    this.resumedFrom = resumedFrom;
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
    if (summary.epoch() < epochs && !now.isBefore(lastCheckpoint.plus(checkpointInterval))) {
      results.saveCheckpoint(job, summary.epoch(), checkpoint.get());
      lastCheckpoint = now;
    }
  }

  private Progress training(int epoch, double fraction) {
    return new Progress(
        Progress.Phase.TRAINING,
        epoch,
        epochs,
        fraction,
        elbo(),
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
