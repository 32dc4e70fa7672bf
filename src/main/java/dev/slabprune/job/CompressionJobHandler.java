package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.Compression;
import dev.slabprune.engine.CompressionConfig;
import dev.slabprune.engine.EpochSummary;
import dev.slabprune.engine.InvalidInputException;
import dev.slabprune.engine.StepProgress;
import dev.slabprune.engine.TrainingCancelledException;
import dev.slabprune.engine.TrainingDivergedException;
import dev.slabprune.engine.TrainingListener;
import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.job.queue.JobContext;
import dev.slabprune.job.queue.JobFailedException;
import dev.slabprune.job.queue.JobHandler;
import dev.slabprune.job.queue.JobStoppedException;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModel;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one compression job: reads the model and dataset, trains the spike-and-slab posterior
 * (resuming from the job's last checkpoint), prunes, writes the smaller ONNX model, and hands back
 * what stores the result.
 */
@Component
public class CompressionJobHandler implements JobHandler {

  private static final Logger log = LoggerFactory.getLogger(CompressionJobHandler.class);

  private final ModelService models;
  private final DatasetService datasets;
  private final ArtifactStore artifacts;
  private final JobResults results;
  private final JobProperties properties;
  private final JsonMapper json;
  private final Clock clock;
  private final JobMetrics metrics;

  public CompressionJobHandler(
      ModelService models,
      DatasetService datasets,
      ArtifactStore artifacts,
      JobResults results,
      JobProperties properties,
      JsonMapper json,
      Clock clock,
      JobMetrics metrics) {
    this.metrics = metrics;
    this.models = models;
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.results = results;
    this.properties = properties;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public Runnable run(ClaimedJob job, JobContext context) {
    Instant start = clock.instant();
    String outcome = "failed";
    try {
      Runnable store = compress(job, context);
      outcome = "finished";
      return store;
    } catch (JobStoppedException e) {
      outcome = "stopped";
      throw e;
    } finally {
      metrics.jobRan(Duration.between(start, clock.instant()), outcome);
    }
  }

  private Runnable compress(ClaimedJob job, JobContext context) {
    JobParameters parameters = json.readValue(job.parameters(), JobParameters.class);
    if (job.modelId() == null || job.datasetId() == null) {
      throw new BadInputException(
          "job-input-deleted",
          "Input deleted",
          "The job's model or dataset was deleted before the job could run.");
    }
    context.progress(progress("loading", 0, 0, 0, null, null, 0));
    OnnxModel model = models.network(job.modelId());
    ParsedDataset data = datasets.parse(job.datasetId());
    Splits splits =
        Splits.of(
            data, parameters.validationFraction(), parameters.testFraction(), parameters.seed());
    CompressionConfig config =
        parameters.settings().toConfig(parameters.seed(), properties.maxEpochs());
    context.checkStop();

    JobResults.Checkpoint checkpoint = results.checkpoint(job.id()).orElse(null);
    Progress listener =
        new Progress(job, context, config.epochs(), checkpoint == null ? 0 : checkpoint.epoch());
    Compression.Result result;
    try {
      result = train(checkpoint, model, splits, config, context, listener);
      context.checkStop();
    } catch (JobStoppedException e) {
      if (context.stopReason() == JobContext.StopReason.SHUTDOWN) {
        listener.checkpointOnShutdown();
      }
      throw e;
    }
    context.progress(
        progress(
            "writing",
            config.epochs(),
            config.epochs(),
            1,
            null,
            listener.last,
            listener.resumedFrom));

    Artifact posterior = artifacts.store(result.posterior().toBytes(), "application/octet-stream");
    Artifact pruned =
        results.writePruned(
            job.id(), model, result.report().network(), result.report().pruning(), parameters);
    Map<String, Object> report =
        JobReports.report(
            job.id(),
            result.report(),
            data.task() == dev.slabprune.dataset.format.Task.CLASSIFICATION,
            pruned.sizeBytes(),
            models.uploadedSize(job.modelId()),
            pruned.sha256());
    Map<String, Object> pips =
        JobReports.inclusionProbabilities(
            job.id(),
            result.report().pruning(),
            result.posterior().architecture(),
            data.featureNames());
    return () -> results.store(job.id(), pruned, posterior, report, pips);
  }

  private Compression.Result train(
      JobResults.Checkpoint checkpoint,
      OnnxModel model,
      Splits splits,
      CompressionConfig config,
      JobContext context,
      Progress listener) {
    try {
      return checkpoint == null
          ? Compression.run(
              model.network(),
              splits.train(),
              splits.validation(),
              splits.test(),
              config,
              List.of(TrainingListener.failOnNaN(), listener),
              context::stopRequested)
          : Compression.resume(
              checkpoint.state(),
              model.network(),
              splits.train(),
              splits.validation(),
              splits.test(),
              config,
              List.of(TrainingListener.failOnNaN(), listener),
              context::stopRequested);
    } catch (TrainingCancelledException e) {
      throw new JobStoppedException(context.stopReason());
    } catch (TrainingDivergedException e) {
      throw new JobFailedException(
          "training-diverged",
          "Training diverged",
          e.getMessage() + " Lower settings.learningRate and start the job again.",
          false,
          e);
    } catch (InvalidInputException e) {
      throw new BadInputException("engine-refused-input", "Input refused", e.getMessage());
    }
  }

  /**
   * Carries progress to the heartbeat and checkpoints to the database: every checkpoint interval,
   * and when the instance shuts down. For the latter it keeps the latest epoch-end training state
   * in memory, serialised, taking it at every epoch end unless serialising costs more than a
   * twentieth of the time between two snapshots.
   */
  private final class Progress implements TrainingListener {

    /** Serialising may take at most 1 / SNAPSHOT_SHARE of the time between two snapshots. */
    private static final long SNAPSHOT_SHARE = 20;

    private record Snapshot(int epoch, byte[] state) {}

    private final ClaimedJob job;
    private final JobContext context;
    private final int epochs;
    private final int resumedFrom;
    private final Instant started = clock.instant();
    private Instant lastCheckpoint = started;
    private volatile EpochSummary last;
    private volatile Snapshot latest;
    private volatile int savedEpoch;
    private long lastSnapshotNanos = System.nanoTime();
    private long snapshotCostNanos;

    Progress(ClaimedJob job, JobContext context, int epochs, int resumedFrom) {
      this.job = job;
      this.context = context;
      this.epochs = epochs;
      this.resumedFrom = resumedFrom;
      this.savedEpoch = resumedFrom;
    }

    @Override
    public void onSteps(StepProgress step) {
      double fraction = ((step.epoch() - 1) + (double) step.step() / step.stepsPerEpoch()) / epochs;
      context.progress(
          progress("training", step.epoch(), epochs, fraction, eta(fraction), last, resumedFrom));
      context.checkStop();
    }

    @Override
    public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
      last = summary;
      metrics.epoch(summary.seconds());
      double fraction = (double) summary.epoch() / epochs;
      context.progress(
          progress(
              "training", summary.epoch(), epochs, fraction, eta(fraction), summary, resumedFrom));
      Instant now = clock.instant();
      boolean due =
          summary.epoch() < epochs
              && !now.isBefore(lastCheckpoint.plus(properties.checkpointInterval()));
      if (due || System.nanoTime() - lastSnapshotNanos >= SNAPSHOT_SHARE * snapshotCostNanos) {
        long begin = System.nanoTime();
        byte[] state = checkpoint.get();
        lastSnapshotNanos = System.nanoTime();
        snapshotCostNanos = lastSnapshotNanos - begin;
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

    private Double eta(double fraction) {
      double done = fraction - (double) resumedFrom / epochs;
      if (done <= 0) {
        return null;
      }
      double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
      return seconds / done * (1 - fraction);
    }
  }

  private String progress(
      String phase,
      int epoch,
      int total,
      double fraction,
      Double eta,
      EpochSummary last,
      int resumedFrom) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("phase", phase);
    doc.put("epoch", epoch);
    doc.put("totalEpochs", total);
    doc.put("fraction", fraction);
    if (last != null) {
      doc.put("elbo", finite(last.elbo()));
      doc.put("density", finite(last.density()));
      doc.put("validationMetric", finite(last.validationMetric()));
    }
    doc.put("etaSeconds", eta);
    if (resumedFrom > 0) {
      doc.put("resumedFromEpoch", resumedFrom);
    }
    return json.writeValueAsString(doc);
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
