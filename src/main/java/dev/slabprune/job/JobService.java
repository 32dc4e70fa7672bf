package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.api.PageRequests;
import dev.slabprune.api.PageView;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.dataset.DatasetSummaryView;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.job.queue.JobQueue;
import dev.slabprune.job.queue.QueueProperties;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.ModelView;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Service;

/** Creating, reading and cancelling compression jobs, and reading what they produced. */
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
    DatasetSummaryView data = datasets.summary(owner, request.datasetId());

    double validation = request.validationFraction() == null ? 0.1 : request.validationFraction();
    double test = request.testFraction() == null ? 0.2 : request.testFraction();
    if (!(validation >= 0 && validation <= 0.5)) {
      errors.add(
          new BadInputException.Violation("validationFraction", "must be between 0 and 0.5"));
    }
    if (!(test >= 0.01 && test <= 0.5)) {
      errors.add(new BadInputException.Violation("testFraction", "must be between 0.01 and 0.5"));
    }
    int testRows = (int) Math.round(data.rows() * test);
    int trainRows = data.rows() - testRows - (int) Math.round(data.rows() * validation);
    if (trainRows < 2 || testRows < 1) {
      errors.add(
          new BadInputException.Violation(
              "datasetId",
              "has "
                  + data.rows()
                  + " rows: too few to hold out validation and test rows and still train"));
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
    if (data.task() == Task.CLASSIFICATION) {
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
    long seed =
        request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(1L << 48);
    try {
      settings.toConfig(seed, properties.maxEpochs());
    } catch (BadInputException e) {
      errors.addAll(e.violations());
    }
    if (!errors.isEmpty()) {
      throw EngineSettings.invalid(errors);
    }
    JobParameters parameters =
        new JobParameters(
            settings.withResolvedEpochs(trainRows, properties.maxEpochs()),
            validation,
            test,
            seed,
            Boolean.TRUE.equals(request.reducedInput()),
            model.sha256());
    UUID id =
        limits.admit(
            owner,
            () ->
                store.create(
                    owner.name(),
                    request.modelId(),
                    request.datasetId(),
                    parameters,
                    queueProperties.maxAttempts()));
    return get(owner, id);
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

  public Map<String, Object> report(Owner owner, UUID id) {
    return results.stored(owner, id).report();
  }

  public Map<String, Object> inclusionProbabilities(Owner owner, UUID id) {
    return results.stored(owner, id).pips();
  }

  public byte[] weightPips(Owner owner, UUID id, int layer) {
    return results.weightPipsNpy(owner, id, layer);
  }

  /** The job's current pruned model. */
  public Artifact artifact(Owner owner, UUID id) {
    return artifacts.get(results.stored(owner, id).prunedSha256());
  }

  /**
   * @throws BadInputException unless exactly one of threshold and targetWeights is given
   */
  public Map<String, Object> reprune(Owner owner, UUID id, PruningRequest request) {
    List<BadInputException.Violation> errors = new ArrayList<>();
    if ((request.threshold() == null) == (request.targetWeights() == null)) {
      errors.add(
          new BadInputException.Violation(
              "threshold", "give exactly one of threshold and targetWeights"));
    }
    if (request.threshold() != null && !(request.threshold() > 0 && request.threshold() < 1)) {
      errors.add(new BadInputException.Violation("threshold", "must be between 0 and 1"));
    }
    if (request.targetWeights() != null && request.targetWeights() < 1) {
      errors.add(new BadInputException.Violation("targetWeights", "must be at least 1"));
    }
    if (!errors.isEmpty()) {
      throw EngineSettings.invalid(errors);
    }
    PruningRule rule =
        request.threshold() != null
            ? new PruningRule.Threshold(request.threshold())
            : new PruningRule.TargetWeights(request.targetWeights());
    return results.reprune(owner, id, rule, request.pruneNodes(), request.selectInputs());
  }
}
