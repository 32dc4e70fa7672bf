package dev.slabprune.job.run;

import dev.slabprune.dataset.DatasetService;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.BinaryOutput;
import dev.slabprune.engine.Compression;
import dev.slabprune.engine.CompressionConfig;
import dev.slabprune.engine.CompressionReport;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.Examples;
import dev.slabprune.engine.InvalidInputException;
import dev.slabprune.engine.Phases;
import dev.slabprune.engine.Posterior;
import dev.slabprune.engine.PosteriorPath;
import dev.slabprune.engine.Provenance;
import dev.slabprune.engine.TrainingCancelledException;
import dev.slabprune.engine.TrainingDivergedException;
import dev.slabprune.engine.TrainingListener;
import dev.slabprune.engine.UploadFit;
import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.job.queue.JobContext;
import dev.slabprune.job.queue.JobFailedException;
import dev.slabprune.job.queue.JobStoppedException;
import dev.slabprune.job.queue.QueueProperties;
import dev.slabprune.job.result.Checkpoint;
import dev.slabprune.job.result.InclusionProbabilities;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.job.result.JobResults;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModel;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one path from a job to its result, for compressions and re-prunings alike: load the model and
 * the dataset, split the rows by the job's seed, train the posterior (resuming from a checkpoint)
 * or take a finished job's, prune, fine-tune and score, write the smaller ONNX model, and build the
 * report and the inclusion probabilities. Only workers run it.
 */
@Component
public class CompressionPipeline {

  // the job's own phases in the report, beside the engine's (Phases)
  static final String READ_MODEL = "readModel";
  static final String READ_DATASET = "readDataset";
  static final String READ_HELD_OUT = "readHeldOutDataset";
  static final String SPLIT = "split";
  static final String READ_POSTERIOR = "readPosterior";
  static final String STORE_POSTERIOR = "storePosterior";
  static final String WRITE_ONNX = "writeOnnx";

  private final ModelService models;
  private final DatasetService datasets;
  private final ArtifactStore artifacts;
  private final JobResults results;
  private final JsonMapper json;
  private final Clock clock;
  private final RunProperties properties;
  private final int engineThreads;
  private final RunMetrics metrics;
  private final String serviceVersion;
  private final PrunedModelWriter writer;

  public CompressionPipeline(
      ModelService models,
      DatasetService datasets,
      ArtifactStore artifacts,
      JobResults results,
      JsonMapper json,
      Clock clock,
      RunProperties properties,
      RunMetrics metrics,
      ObjectProvider<BuildProperties> build,
      QueueProperties queue) {
    this.models = models;
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.results = results;
    this.json = json;
    this.clock = clock;
    this.properties = properties;
    this.metrics = metrics;
    this.engineThreads = queue.engineThreads();
    BuildProperties info = build.getIfAvailable();
    this.serviceVersion = info == null ? "unknown" : info.getVersion();
    this.writer = new PrunedModelWriter(artifacts);
  }

  /**
   * What a run produced: written to storage, not yet the job's result.
   *
   * @param posteriorSha256 the posterior the pruning was made from
   * @param ownsPosterior whether this run wrote the posterior (a compression), rather than taking a
   *     finished job's (a re-pruning)
   */
  public record Output(
      Artifact pruned,
      String posteriorSha256,
      boolean ownsPosterior,
      JobReport report,
      InclusionProbabilities inclusionProbabilities) {}

  /** Trains the posterior (from the last checkpoint, if any), prunes, fine-tunes and reports. */
  public Output compress(ClaimedJob job, JobParameters parameters, JobContext context) {
    ProgressReporter progress = reporter(job, context);
    Phases phases = new Phases();
    Inputs inputs = load(job, parameters, progress, phases);
    CompressionConfig config = config(parameters);
    context.checkStop();
    Checkpoint checkpoint = results.checkpoint(job.id()).orElse(null);
    if (checkpoint == null) {
      refuseAnUploadThatDoesNotFit(inputs);
    }
    progress.training(config.epochs(), checkpoint == null ? 0 : checkpoint.epoch());
    List<TrainingListener> listeners = List.of(TrainingListener.failOnNaN(), progress);
    Compression.Result result;
    try {
      result =
          checkpoint == null
              ? Compression.run(
                  inputs.model().network(),
                  inputs.splits().train(),
                  inputs.splits().validation(),
                  inputs.splits().test(),
                  config,
                  listeners,
                  context::stopRequested,
                  EngineConfigs.budget(parameters.settings()),
                  phases)
              : Compression.resume(
                  checkpoint.state(),
                  inputs.model().network(),
                  inputs.splits().train(),
                  inputs.splits().validation(),
                  inputs.splits().test(),
                  config,
                  listeners,
                  context::stopRequested,
                  EngineConfigs.budget(parameters.settings()),
                  phases);
      context.checkStop();
    } catch (TrainingCancelledException e) {
      stopped(context, progress);
      throw new JobStoppedException(context.stopReason());
    } catch (JobStoppedException e) {
      stopped(context, progress);
      throw e;
    } catch (TrainingDivergedException e) {
      throw new JobFailedException(
          "training-diverged",
          "Training diverged",
          e.getMessage() + " Lower settings.learningRate and start the job again.",
          false,
          e);
    } catch (InvalidInputException e) {
      throw refused(e);
    }
    progress.phase(Progress.Phase.WRITING);
    // The posterior with the path's snapshots: re-pruning chooses from the same path.
    Artifact posterior =
        phases.time(
            STORE_POSTERIOR,
            () -> artifacts.store(result.path().toBytes(), "application/octet-stream"));
    try {
      return finish(
          job,
          JobKind.COMPRESSION,
          parameters,
          inputs,
          result.report(),
          result.posterior(),
          posterior.sha256(),
          true,
          phases);
    } catch (RuntimeException e) {
      results.discard(posterior.sha256());
      throw e;
    }
  }

  /**
   * Chooses again from the path of the job's source by the job's rule (the nearest posterior
   * snapshot for a size, the path search for a budget), then fine-tunes and reports as a
   * compression does: no training.
   */
  public Output reprune(ClaimedJob job, JobParameters parameters, JobContext context) {
    ProgressReporter progress = reporter(job, context);
    UUID source = job.sourceJobId();
    String posteriorSha =
        (source == null ? Optional.<String>empty() : results.posteriorSha256(source))
            .orElseThrow(
                () ->
                    JobFailedException.permanent(
                        "source-job-deleted",
                        "Source job deleted",
                        "The job this re-pruning works on was deleted before the re-pruning could"
                            + " run; its posterior went with it.",
                        null));
    Phases phases = new Phases();
    Inputs inputs = load(job, parameters, progress, phases);
    PosteriorPath path =
        phases.time(
            READ_POSTERIOR, () -> PosteriorPath.fromBytes(artifacts.readAllBytes(posteriorSha)));
    Posterior posterior = path.posterior();
    CompressionConfig config = config(parameters);
    context.checkStop();
    progress.phase(Progress.Phase.PRUNING);
    CompressionReport report;
    try {
      report =
          Compression.report(
              path,
              inputs.model().network(),
              inputs.splits().train(),
              inputs.splits().validation(),
              inputs.splits().test(),
              config,
              EngineConfigs.budget(parameters.settings()),
              phases);
    } catch (InvalidInputException e) {
      throw refused(e);
    }
    context.checkStop();
    progress.phase(Progress.Phase.WRITING);
    return finish(
        job, JobKind.REPRUNE, parameters, inputs, report, posterior, posteriorSha, false, phases);
  }

  /**
   * What a run needs of its model and dataset. The parsed dataset itself is not kept: the splits
   * are views of its feature array, which they hold alone, so the job holds its examples once.
   *
   * @param model the uploaded model; a one-output binary classifier as its two-logit equivalent
   * @param classes the dataset's class labels; empty for a regression
   * @param binaryOutput for a one-output binary classifier, its last activation (the logit's, or a
   *     Sigmoid): the delivered network has one output again, with it ({@link BinaryOutput}); null
   *     otherwise
   */
  private record Inputs(
      OnnxModel model,
      boolean classification,
      List<String> featureNames,
      List<String> classes,
      Splits splits,
      Activation binaryOutput) {}

  private Inputs load(
      ClaimedJob job, JobParameters parameters, ProgressReporter progress, Phases phases) {
    progress.phase(Progress.Phase.LOADING);
    if (job.modelId() == null || job.datasetId() == null) {
      throw JobFailedException.permanent(
          "job-input-deleted",
          "Input deleted",
          "The job's model or dataset was deleted before the job could run.",
          null);
    }
    if (parameters.heldOut() && job.heldOutDatasetId() == null) {
      throw JobFailedException.permanent(
          "job-input-deleted",
          "Input deleted",
          "The job's held-out dataset was deleted before the job could run: its rows are the"
              + " job's validation and test splits.",
          null);
    }
    OnnxModel model = phases.time(READ_MODEL, () -> models.network(job.modelId()));
    ParsedDataset data = phases.time(READ_DATASET, () -> datasets.parse(job.datasetId()));
    ParsedDataset heldOut =
        parameters.heldOut()
            ? phases.time(READ_HELD_OUT, () -> datasets.parse(job.heldOutDatasetId()))
            : null;
    Splits splits;
    try {
      splits =
          phases.time(
              SPLIT,
              () ->
                  heldOut != null
                      ? Splits.heldOut(data, heldOut, parameters.seed())
                      : Splits.of(
                          data,
                          parameters.validationFraction(),
                          parameters.testFraction(),
                          parameters.seed()));
    } catch (IllegalArgumentException e) {
      throw JobFailedException.permanent(
          "dataset-mismatch",
          "Datasets do not match",
          "The job's rows cannot be split: " + e.getMessage() + ". Start the job again.",
          e);
    }
    boolean classification = data.task() == Task.CLASSIFICATION;
    Activation binaryOutput = null;
    if (classification && data.classes().size() == 2 && BinaryOutput.fits(model.network())) {
      List<DenseLayer> layers = model.network().layers();
      binaryOutput = layers.get(layers.size() - 1).activation();
      model = new OnnxModel(BinaryOutput.widen(model.network()), model.summary());
    }
    return new Inputs(
        model,
        classification,
        data.featureNames(),
        classification ? data.classes() : List.of(),
        splits,
        binaryOutput);
  }

  private Output finish(
      ClaimedJob job,
      JobKind kind,
      JobParameters parameters,
      Inputs inputs,
      CompressionReport report,
      Posterior posterior,
      String posteriorSha,
      boolean ownsPosterior,
      Phases phases) {
    Artifact pruned =
        phases.time(
            WRITE_ONNX,
            () ->
                writer.write(
                    job.id(),
                    inputs.model(),
                    inputs.binaryOutput() == null
                        ? report.network()
                        : BinaryOutput.narrow(report.network(), inputs.binaryOutput()),
                    report.pruning(),
                    parameters));
    Reports.Subject subject =
        new Reports.Subject(
            job.id(),
            kind,
            job.sourceJobId(),
            inputs.classification(),
            pruned,
            models.uploadedSize(job.modelId()),
            parameters.settings().fineTuneEpochs(),
            inputs.splits().classesNotJudged().stream().map(inputs.classes()::get).toList(),
            inputs.binaryOutput() == null ? null : inputs.classes().get(1));
    JobReport jobReport =
        Reports.report(
            subject, report, provenance(report.provenance(), parameters, inputs), phases.list());
    InclusionProbabilities pips =
        Reports.inclusionProbabilities(
            job.id(), report.pruning(), posterior.architecture(), inputs.featureNames());
    return new Output(pruned, posteriorSha, ownsPosterior, jobReport, pips);
  }

  /**
   * Fails the job at once when the uploaded network predicts the job's validation rows (its
   * training rows when it has none) no better than a constant answer ({@link UploadFit}): the rows
   * are not what it was trained on, as given, and the job would deliver a network fitted to them
   * anew under the uploaded one's name.
   */
  private static void refuseAnUploadThatDoesNotFit(Inputs inputs) {
    Examples rows =
        inputs.splits().validation().rows() > 0
            ? inputs.splits().validation()
            : inputs.splits().train();
    UploadFit fit = UploadFit.of(inputs.model().network(), rows);
    if (!fit.noBetterThanConstant()) {
      return;
    }
    String found =
        fit.classification()
            ? String.format(
                Locale.ROOT,
                "On %d of the job's rows the uploaded model's balanced accuracy (its recall"
                    + " averaged over the classes) is %.1f%%, no more than the %.1f%% of always"
                    + " giving the same answer.",
                fit.rows(),
                100 * fit.score(),
                100 * fit.constant())
            : String.format(
                Locale.ROOT,
                "On %d of the job's rows the uploaded model's RMSE is %.4g, where predicting the"
                    + " rows' mean everywhere gives %.4g.",
                fit.rows(),
                fit.score(),
                fit.constant());
    throw JobFailedException.permanent(
        "upload-does-not-fit-dataset",
        "The model does not fit the dataset",
        found
            + " It predicts this dataset no better than a constant, so compressing it would fit a"
            + " new network to these rows rather than keep what it learned. Upload the rows it was"
            + " trained on, prepared as in its training: the same features in the same order and"
            + " scaling"
            + (fit.classification()
                ? ", and class labels whose order (numbers by value, other labels in"
                    + " character order) is the order of its outputs: "
                    + String.join(", ", inputs.classes())
                : ", and the target it predicts (by default a CSV's last column)")
            + ".",
        null);
  }

  private JobReport.Provenance provenance(
      Provenance engine, JobParameters parameters, Inputs inputs) {
    return new JobReport.Provenance(
        serviceVersion,
        parameters.modelSha256(),
        parameters.datasetFiles(),
        parameters.heldOutDatasetFiles(),
        inputs
            .splits()
            .describe(
                parameters.validationFraction(), parameters.testFraction(), parameters.heldOut()),
        parameters.settings(),
        parameters.seed(),
        engine.trainSha256(),
        engine.nd4jVersion(),
        engine.javaVersion(),
        engine.os(),
        engine.cpu());
  }

  private CompressionConfig config(JobParameters parameters) {
    try {
      // the cores the pool leaves idle: the same result on any number of threads
      return EngineConfigs.of(parameters.settings(), parameters.seed()).toBuilder()
          .threads(engineThreads)
          .heldOut(parameters.heldOut())
          .build();
    } catch (InvalidInputException e) {
      throw refused(e);
    }
  }

  /**
   * A job stopped by a shutdown keeps its latest training state for the instance that resumes it.
   */
  private static void stopped(JobContext context, ProgressReporter progress) {
    if (context.stopReason() == JobContext.StopReason.SHUTDOWN) {
      progress.checkpointOnShutdown();
    }
  }

  private ProgressReporter reporter(ClaimedJob job, JobContext context) {
    return new ProgressReporter(
        job, context, json, clock, results, metrics, properties.checkpointInterval());
  }

  private static JobFailedException refused(InvalidInputException e) {
    return JobFailedException.permanent("engine-refused-input", "Input refused", e.getMessage(), e);
  }
}
