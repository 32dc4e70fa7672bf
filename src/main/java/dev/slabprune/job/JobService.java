package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.ConflictException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.api.PageRequests;
import dev.slabprune.api.PageView;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.dataset.DatasetSummaryView;
import dev.slabprune.dataset.DatasetView;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.BinaryOutput;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.engine.Posterior;
import dev.slabprune.engine.PosteriorPath;
import dev.slabprune.job.queue.JobQueue;
import dev.slabprune.job.queue.QueueProperties;
import dev.slabprune.job.result.InclusionProbabilities;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.job.result.JobResults;
import dev.slabprune.job.result.RunSettings;
import dev.slabprune.job.result.StoredResult;
import dev.slabprune.job.run.JobParameters;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.ModelView;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating, reading, cancelling and deleting jobs, queueing re-prunings, and reading what jobs
 * produced.
 */
@Service
public class JobService {

  private final JobStore store;
  private final JobQueue queue;
  private final JobResults results;
  private final ModelService models;
  private final DatasetService datasets;
  private final ArtifactStore artifacts;
  private final QueueProperties queueProperties;
  private final JobProperties properties;
  private final JobLimits limits;

  public JobService(
      JobStore store,
      JobQueue queue,
      JobResults results,
      ModelService models,
      DatasetService datasets,
      ArtifactStore artifacts,
      QueueProperties queueProperties,
      JobProperties properties,
      JobLimits limits) {
    this.limits = limits;
    this.store = store;
    this.queue = queue;
    this.results = results;
    this.models = models;
    this.datasets = datasets;
    this.artifacts = artifacts;
    this.queueProperties = queueProperties;
    this.properties = properties;
  }

  /**
   * Checks the request against the model and dataset and queues the job, within the owner's limits.
   *
   * @throws dev.slabprune.api.TooManyRequestsException when the owner is at a limit
   * @throws BadInputException listing every field that is wrong
   * @throws NotFoundException when the model or dataset is not the owner's
   */
  public JobView create(Owner owner, JobRequest request) {
    List<BadInputException.Violation> errors = new ArrayList<>();
    if (request.modelId() == null) {
      errors.add(new BadInputException.Violation("modelId", "is required"));
    }
    if (request.datasetId() == null) {
      errors.add(new BadInputException.Violation("datasetId", "is required"));
    }
    if (!errors.isEmpty()) {
      throw EngineSettings.invalid(errors);
    }
    ModelView model = models.get(owner, request.modelId());
    DatasetView dataset = datasets.get(owner, request.datasetId());
    DatasetSummaryView data = dataset.summary();
    DatasetView heldOut =
        request.heldOutDatasetId() == null ? null : heldOutDataset(owner, request);

    double validation;
    double test;
    int trainRows;
    if (heldOut != null) {
      // the held-out rows are the validation and test splits, half each; every row trains
      validation = 0.5;
      test = 0.5;
      trainRows = data.rows();
      errors.addAll(HeldOut.violations(request, dataset, heldOut));
      if (trainRows < 2) {
        errors.add(
            new BadInputException.Violation(
                "datasetId", "has " + data.rows() + " rows: too few to train"));
      }
    } else {
      validation =
          request.validationFraction() == null
              ? defaultValidationFraction(data.rows())
              : request.validationFraction();
      test = request.testFraction() == null ? 0.2 : request.testFraction();
      if (!(validation >= 0 && validation <= 0.5)) {
        errors.add(
            new BadInputException.Violation("validationFraction", "must be between 0 and 0.5"));
      }
      if (!(test >= 0.01 && test <= 0.5)) {
        errors.add(new BadInputException.Violation("testFraction", "must be between 0.01 and 0.5"));
      }
      int testRows = (int) Math.round(data.rows() * test);
      trainRows = data.rows() - testRows - (int) Math.round(data.rows() * validation);
      if (trainRows < 2 || testRows < 1) {
        errors.add(
            new BadInputException.Violation(
                "datasetId",
                "has "
                    + data.rows()
                    + " rows: too few to hold out validation and test rows and still train"));
      }
    }
    int inputs = model.summary().architecture().get(0);
    int outputs = model.summary().architecture().get(model.summary().architecture().size() - 1);
    if (inputs != data.features()) {
      errors.add(
          new BadInputException.Violation(
              "datasetId",
              "has "
                  + data.features()
                  + " features but the model takes "
                  + inputs
                  + " inputs: upload the dataset the model was trained on, or pick the target"
                  + " column with 'target'"));
    }
    boolean classifier = model.summary().outputKind() != OutputKind.REGRESSION;
    Activation last =
        model.summary().layers().get(model.summary().layers().size() - 1).activation();
    if (data.task() == Task.CLASSIFICATION && data.classes().size() == 2 && outputs == 1) {
      // a binary classifier with one output: its logit, or the sigmoid of it
      if (classifier || !BinaryOutput.fits(last)) {
        errors.add(
            new BadInputException.Violation(
                "modelId",
                "has one output ending in "
                    + (classifier ? model.summary().outputKind() : last)
                    + ", but a classifier with one output for two classes must give the logit of"
                    + " the second class (no activation) or its Sigmoid: re-export it so"));
      }
    } else if (data.task() == Task.CLASSIFICATION) {
      if (data.classes().size() != outputs) {
        errors.add(
            new BadInputException.Violation(
                "datasetId",
                "has "
                    + data.classes().size()
                    + " classes but the model has "
                    + outputs
                    + " outputs"));
      }
      if (!classifier) {
        errors.add(
            new BadInputException.Violation(
                "modelId", "is a regression model but the dataset is a classification task"));
      }
    } else if (outputs == 1
        && !classifier
        && data.twoValuedTarget()
        && !datasets.taskGiven(owner, request.datasetId())) {
      errors.add(
          new BadInputException.Violation(
              "datasetId",
              "holds only the target values "
                  + number(data.targetMin())
                  + " and "
                  + number(data.targetMax())
                  + ", the labels of a binary classifier, and was read as a regression because"
                  + " they are numbers: upload it again with task=CLASSIFICATION to compress the"
                  + " model as a binary classifier (its one output the logit of the second class,"
                  + " or the sigmoid of it), or with task=REGRESSION if the model predicts these"
                  + " values"));
    } else if (outputs != 1
        || model.summary().outputKind() == OutputKind.PROBABILITIES
        || model.summary().outputKind() == OutputKind.LOG_PROBABILITIES) {
      errors.add(
          new BadInputException.Violation(
              "datasetId",
              "is a regression task but the model has "
                  + outputs
                  + " "
                  + model.summary().outputKind()
                  + " outputs: upload the dataset with task=CLASSIFICATION if its target holds"
                  + " class labels"));
    }
    EngineSettings settings =
        request.settings() == null ? EngineSettings.DEFAULTS : request.settings();
    errors.addAll(settings.violations(properties.maxEpochs()));
    if (!errors.isEmpty()) {
      throw EngineSettings.invalid(errors);
    }
    long seed =
        request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(1L << 48);
    JobParameters parameters =
        new JobParameters(
            settings.resolve(trainRows, properties.maxEpochs()),
            validation,
            test,
            seed,
            Boolean.TRUE.equals(request.reducedInput()),
            model.sha256(),
            files(dataset),
            heldOut == null ? null : files(heldOut));
    UUID id =
        limits.admit(
            owner,
            () ->
                store.create(
                    owner.name(),
                    JobKind.COMPRESSION,
                    null,
                    request.modelId(),
                    request.datasetId(),
                    request.heldOutDatasetId(),
                    parameters,
                    queueProperties.maxAttempts()));
    return get(owner, id);
  }

  private static List<JobReport.DatasetFile> files(DatasetView dataset) {
    return dataset.files().stream()
        .map(f -> new JobReport.DatasetFile(f.role(), f.sha256()))
        .toList();
  }

  /** The owner's held-out dataset, or a 404 that names the field. */
  private DatasetView heldOutDataset(Owner owner, JobRequest request) {
    try {
      return datasets.get(owner, request.heldOutDatasetId());
    } catch (NotFoundException e) {
      throw new NotFoundException(
          "dataset",
          request.heldOutDatasetId().toString(),
          "heldOutDatasetId: there is no dataset with id "
              + request.heldOutDatasetId()
              + ". Upload the rows the model never saw as a dataset of their own and give its"
              + " id.");
    }
  }

  public JobView get(Owner owner, UUID id) {
    return store
        .find(owner.name(), id)
        .orElseThrow(() -> new NotFoundException("job", id.toString()));
  }

  public PageView<JobView> list(Owner owner, JobState state, int page, int size) {
    PageRequests.newestFirst(page, size);
    long total = store.count(owner.name(), state);
    return new PageView<>(
        store.page(owner.name(), state, page, size),
        page,
        size,
        total,
        (int) ((total + size - 1) / size));
  }

  public JobView cancel(Owner owner, UUID id) {
    queue
        .requestCancel(id, owner.name())
        .orElseThrow(() -> new NotFoundException("job", id.toString()));
    return get(owner, id);
  }

  public JobReport report(Owner owner, UUID id) {
    return result(owner, id).report();
  }

  public InclusionProbabilities inclusionProbabilities(Owner owner, UUID id) {
    return result(owner, id).inclusionProbabilities();
  }

  /** The weight inclusion probabilities of one layer, {@code [inputs, outputs]}, as NPY. */
  public byte[] weightPips(Owner owner, UUID id, int layer) {
    Posterior posterior =
        PosteriorPath.fromBytes(artifacts.readAllBytes(result(owner, id).posteriorSha256()))
            .posterior();
    int[] widths = posterior.architecture();
    if (layer < 0 || layer >= widths.length - 1) {
      throw new BadInputException(
          "invalid-layer",
          "No such layer",
          "layer must be between 0 and " + (widths.length - 2) + " for this network.");
    }
    return Npy.float64(posterior.weightPips(layer), widths[layer], widths[layer + 1]);
  }

  /** The job's pruned model. */
  public Artifact artifact(Owner owner, UUID id) {
    return artifacts.get(result(owner, id).prunedSha256());
  }

  /** Validation rows the quality budget wants at least, where the data allow. */
  static final int MIN_VALIDATION_ROWS = 200;

  /**
   * The validation share of a job that does not choose it: 10%, or enough for {@link
   * #MIN_VALIDATION_ROWS} rows on small data, at most 25%. The quality budget is judged on these
   * rows; one accuracy point on 60 rows is less than one row.
   */
  static double defaultValidationFraction(int rows) {
    return Math.max(0.1, Math.min(0.25, (double) MIN_VALIDATION_ROWS / Math.max(1, rows)));
  }

  /**
   * Queues a re-pruning of a finished job's posterior: a job of its own, run by a worker, that
   * prunes by another rule, fine-tunes and reports, without training.
   *
   * @throws BadInputException unless exactly one rule is given (threshold, targetWeights,
   *     targetDensity, or a budget), in range
   * @throws ConflictException while the job has no result, or once its model or dataset is deleted
   */
  public JobView reprune(Owner owner, UUID id, PruningRequest request) {
    List<BadInputException.Violation> errors = request.violations();
    if (!errors.isEmpty()) {
      throw EngineSettings.invalid(errors);
    }
    JobView source = get(owner, id);
    if (source.state() != JobState.SUCCEEDED) {
      throw notFinished(source);
    }
    if (source.modelId() == null
        || source.datasetId() == null
        || (source.parameters().heldOut() && source.heldOutDatasetId() == null)) {
      throw new ConflictException(
          "job-input-deleted",
          "Input deleted",
          "The job's "
              + (source.modelId() == null
                  ? "model"
                  : source.datasetId() == null ? "dataset" : "held-out dataset")
              + " was deleted, so it cannot be re-pruned: re-pruning scores the new network on"
              + " the job's test split and writes it with the model's names.");
    }
    RunSettings ran = source.parameters().settings();
    RunSettings settings =
        ran.repruned(
            request.threshold(),
            request.targetWeights(),
            request.targetDensity(),
            request.maxAccuracyDrop() != null ? request.maxAccuracyDrop() : ran.maxAccuracyDrop(),
            request.maxRelativeRmseIncrease() != null
                ? request.maxRelativeRmseIncrease()
                : ran.maxRelativeRmseIncrease(),
            request.pruneNodes() != null ? request.pruneNodes() : ran.pruneNodes(),
            request.selectInputs() != null ? request.selectInputs() : ran.selectInputs(),
            request.fineTuneEpochs() != null ? request.fineTuneEpochs() : ran.fineTuneEpochs());
    UUID created;
    try {
      created =
          limits.admit(
              owner,
              () ->
                  store.create(
                      owner.name(),
                      JobKind.REPRUNE,
                      id,
                      source.modelId(),
                      source.datasetId(),
                      source.heldOutDatasetId(),
                      source.parameters().withSettings(settings),
                      queueProperties.maxAttempts()));
    } catch (DataIntegrityViolationException e) {
      // The job was deleted while the re-pruning was being queued.
      throw new NotFoundException("job", id.toString());
    }
    return get(owner, created);
  }

  /**
   * Deletes a finished job with its result, checkpoint, events and the bytes nothing else refers
   * to.
   *
   * @throws ConflictException while the job is queued or running, or a re-pruning of it is
   */
  @Transactional
  public void delete(Owner owner, UUID id) {
    JobState state =
        store
            .lockForDelete(owner.name(), id)
            .orElseThrow(() -> new NotFoundException("job", id.toString()));
    if (!state.isTerminal()) {
      throw new ConflictException(
          "job-active",
          "Job still active",
          "Job "
              + id
              + " is "
              + state
              + ": cancel it (POST /api/v1/jobs/"
              + id
              + "/cancel) and delete it once it has stopped.");
    }
    long reprunings = store.activeReprunings(id);
    if (reprunings > 0) {
      throw new ConflictException(
          "job-in-use",
          "Job in use",
          "Job "
              + id
              + " is being re-pruned by "
              + reprunings
              + " queued or running job(s). Cancel them or wait for them to finish, then delete"
              + " the job.");
    }
    results.deleteOf(id);
    store.delete(id);
  }

  private StoredResult result(Owner owner, UUID id) {
    JobView job = get(owner, id);
    return results.find(id).orElseThrow(() -> notFinished(job));
  }

  private static ConflictException notFinished(JobView job) {
    return new ConflictException(
        "job-not-finished",
        "No result yet",
        "Job "
            + job.id()
            + " is "
            + job.state()
            + "; results exist once it has SUCCEEDED. Follow it at /api/v1/jobs/"
            + job.id()
            + ".");
  }

  /** A target value as a user wrote it: 0 and 1, not 0.0 and 1.0. */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
