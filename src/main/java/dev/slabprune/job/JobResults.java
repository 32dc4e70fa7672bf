package dev.slabprune.job;

import dev.slabprune.api.ConflictException;
import dev.slabprune.api.NotFoundException;
import dev.slabprune.api.Owner;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Compression;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.Posterior;
import dev.slabprune.engine.PruningResult;
import dev.slabprune.engine.PruningRule;
import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxExportOptions;
import dev.slabprune.model.format.OnnxModel;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.storage.AfterCommit;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * What jobs produce and keep: checkpoints while they run; then the posterior, the pruned ONNX
 * model, the report and the inclusion probabilities; and re-prunings of the posterior.
 */
@Service
public class JobResults {

  /** The stored result of a finished job, as read back. */
  record Stored(
      String prunedSha256,
      String posteriorSha256,
      Map<String, Object> report,
      Map<String, Object> pips,
      int prunings) {}

  private final JdbcClient jdbc;
  private final ArtifactStore artifacts;
  private final ModelService models;
  private final DatasetService datasets;
  private final JsonMapper json;
  private final Clock clock;
  private final OnnxModelWriter writer = new OnnxModelWriter();

  public JobResults(
      JdbcClient jdbc,
      ArtifactStore artifacts,
      ModelService models,
      DatasetService datasets,
      JsonMapper json,
      Clock clock) {
    this.jdbc = jdbc;
    this.artifacts = artifacts;
    this.models = models;
    this.datasets = datasets;
    this.json = json;
    this.clock = clock;
  }

  /** A saved training state and the epoch it was saved after. */
  record Checkpoint(int epoch, byte[] state) {}

  /** The training state saved by the job's last run, if any. */
  Optional<Checkpoint> checkpoint(UUID jobId) {
    return jdbc.sql("select epoch, artifact_sha256 from job_checkpoint where job_id = ?")
        .param(jobId)
        .query((row, i) -> new Checkpoint(row.getInt(1), artifacts.readAllBytes(row.getString(2))))
        .optional();
  }

  /**
   * Saves the training state after {@code epoch}, replacing the previous one; nothing is saved when
   * the worker no longer holds the job.
   */
  void saveCheckpoint(ClaimedJob job, int epoch, byte[] state) {
    Artifact artifact = artifacts.store(state, "application/octet-stream");
    Optional<String> previous =
        jdbc.sql("select artifact_sha256 from job_checkpoint where job_id = ?")
            .param(job.id())
            .query(String.class)
            .optional();
    int saved =
        jdbc.sql(
                """
                insert into job_checkpoint (job_id, epoch, artifact_sha256, created_at)
                select :id, :epoch, :sha, :now
                where exists (select 1 from job
                              where id = :id and version = :version and state = 'RUNNING')
                on conflict (job_id) do update
                    set epoch = excluded.epoch, artifact_sha256 = excluded.artifact_sha256,
                        created_at = excluded.created_at
                """)
            .param("id", job.id())
            .param("epoch", epoch)
            .param("sha", artifact.sha256())
            .param("now", now())
            .param("version", job.version())
            .update();
    previous.filter(sha -> !sha.equals(artifact.sha256())).ifPresent(this::deleteIfUnused);
    if (saved == 0) {
      deleteIfUnused(artifact.sha256());
    }
  }

  /** Writes the pruned network as ONNX, with the uploaded model's names and provenance. */
  Artifact writePruned(
      UUID jobId,
      OnnxModel model,
      DenseNetwork deployed,
      PruningResult pruning,
      JobParameters parameters) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(
        "slabprune.method", "spike-and-slab variational inference, median probability model");
    metadata.put("slabprune.rule", describe(pruning.rule()));
    metadata.put("slabprune.source_sha256", parameters.modelSha256());
    metadata.put("slabprune.seed", Long.toString(parameters.seed()));
    metadata.put("slabprune.job", jobId.toString());
    metadata.put("slabprune.kept_weights", Long.toString(pruning.keptWeights()));
    metadata.put("slabprune.total_weights", Long.toString(pruning.totalWeights()));
    int width = model.network().inputs();
    // With every input kept, the model needs no Gather in front.
    int[] kept = allInputs(pruning.keptInputs(), width) ? null : pruning.keptInputs();
    OnnxExportOptions options =
        OnnxExportOptions.like(model.summary(), width, kept, metadata)
            .withReducedInput(parameters.reducedInput());
    return artifacts.store(writer.write(deployed, options), ModelService.MEDIA_TYPE);
  }

  /** Stores a finished job's result and drops its checkpoint; runs in the success transaction. */
  void store(
      UUID jobId,
      Artifact pruned,
      Artifact posterior,
      Map<String, Object> report,
      Map<String, Object> pips) {
    OffsetDateTime now = now();
    jdbc.sql(
            """
            insert into job_result (job_id, pruned_sha256, posterior_sha256, report,
                                    inclusion_probabilities, created_at, updated_at)
            values (?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?)
            """)
        .params(
            jobId,
            pruned.sha256(),
            posterior.sha256(),
            json.writeValueAsString(report),
            json.writeValueAsString(pips),
            now,
            now)
        .update();
    Optional<String> checkpoint =
        jdbc.sql("delete from job_checkpoint where job_id = ? returning artifact_sha256")
            .param(jobId)
            .query(String.class)
            .optional();
    // The checkpoint's bytes go once this transaction has committed: the artifact store works
    // on a connection of its own, which would wait on this transaction's row locks.
    checkpoint.ifPresent(sha -> AfterCommit.run(() -> deleteIfUnused(sha)));
  }

  @Transactional(readOnly = true)
  Stored stored(Owner owner, UUID jobId) {
    String state =
        jdbc.sql("select state from job where id = ? and owner = ?")
            .params(jobId, owner.name())
            .query(String.class)
            .optional()
            .orElseThrow(() -> new NotFoundException("job", jobId.toString()));
    return jdbc.sql(
            """
            select pruned_sha256, posterior_sha256, report::text, inclusion_probabilities::text,
                   prunings
            from job_result where job_id = ?
            """)
        .param(jobId)
        .query(
            (row, i) ->
                new Stored(
                    row.getString(1),
                    row.getString(2),
                    map(row.getString(3)),
                    map(row.getString(4)),
                    row.getInt(5)))
        .optional()
        .orElseThrow(
            () ->
                new ConflictException(
                    "job-not-finished",
                    "No result yet",
                    "Job "
                        + jobId
                        + " is "
                        + state
                        + "; results exist once it has SUCCEEDED. Follow it at /api/v1/jobs/"
                        + jobId
                        + "."));
  }

  /** The weight inclusion probabilities of one layer, {@code [inputs, outputs]}, as NPY. */
  byte[] weightPipsNpy(Owner owner, UUID jobId, int layer) {
    Posterior posterior = posterior(stored(owner, jobId));
    int[] widths = posterior.architecture();
    if (layer < 0 || layer >= widths.length - 1) {
      throw new dev.slabprune.api.BadInputException(
          "invalid-layer",
          "No such layer",
          "layer must be between 0 and " + (widths.length - 2) + " for this network.");
    }
    return Npy.float64(posterior.weightPips(layer), widths[layer], widths[layer + 1]);
  }

  /**
   * Prunes the stored posterior again with another rule, without training: a new ONNX model, report
   * and inclusion probabilities, which become the job's current ones.
   */
  Map<String, Object> reprune(
      Owner owner, UUID jobId, PruningRule rule, Boolean pruneNodes, Boolean selectInputs) {
    Stored stored = stored(owner, jobId);
    JobParams job = params(jobId);
    Posterior posterior = posterior(stored);
    OnnxModel model = models.network(requireInput(job.modelId, "model"));
    ParsedDataset data = datasets.parse(requireInput(job.datasetId, "dataset"));
    JobParameters parameters = job.parameters;
    Splits splits =
        Splits.of(
            data, parameters.validationFraction(), parameters.testFraction(), parameters.seed());
    boolean nodes = pruneNodes != null ? pruneNodes : defaultSettings(parameters).pruneNodes();
    boolean inputs =
        selectInputs != null ? selectInputs : defaultSettings(parameters).selectInputs();
    Compression.Repruned repruned =
        Compression.reprune(posterior, rule, nodes, inputs, splits.test(), parameters.seed());
    Artifact pruned =
        writePruned(jobId, model, repruned.pruning().network(), repruned.pruning(), parameters);
    int number = stored.prunings() + 1;
    Map<String, Object> report =
        JobReports.repruned(
            jobId,
            number,
            repruned.pruning(),
            repruned.scores(),
            stored.report(),
            data.task() == Task.CLASSIFICATION,
            pruned.sizeBytes(),
            models.uploadedSize(job.modelId),
            pruned.sha256());
    Map<String, Object> pips =
        JobReports.inclusionProbabilities(
            jobId, repruned.pruning(), posterior.architecture(), data.featureNames());
    jdbc.sql(
            """
            update job_result set pruned_sha256 = ?, report = cast(? as jsonb),
                   inclusion_probabilities = cast(? as jsonb), prunings = prunings + 1,
                   updated_at = ?
            where job_id = ?
            """)
        .params(
            pruned.sha256(),
            json.writeValueAsString(report),
            json.writeValueAsString(pips),
            now(),
            jobId)
        .update();
    if (!stored.prunedSha256().equals(pruned.sha256())) {
      deleteIfUnused(stored.prunedSha256());
    }
    return report;
  }

  private record JobParams(UUID modelId, UUID datasetId, JobParameters parameters) {}

  private JobParams params(UUID jobId) {
    return jdbc.sql("select model_id, dataset_id, parameters::text from job where id = ?")
        .param(jobId)
        .query(
            (row, i) ->
                new JobParams(
                    row.getObject(1, UUID.class),
                    row.getObject(2, UUID.class),
                    json.readValue(row.getString(3), JobParameters.class)))
        .single();
  }

  private dev.slabprune.engine.CompressionConfig defaultSettings(JobParameters parameters) {
    return parameters.settings().toConfig(parameters.seed(), Integer.MAX_VALUE);
  }

  private static UUID requireInput(UUID id, String what) {
    if (id == null) {
      throw new ConflictException(
          "job-input-deleted",
          "Input deleted",
          "The job's "
              + what
              + " was deleted, so it cannot be re-pruned: re-pruning scores the"
              + " new network on the job's test split and writes it with the model's names.");
    }
    return id;
  }

  private Posterior posterior(Stored stored) {
    return Posterior.fromBytes(artifacts.readAllBytes(stored.posteriorSha256()));
  }

  private void deleteIfUnused(String sha) {
    artifacts.deleteIfUnreferenced(sha);
  }

  private static boolean allInputs(int[] kept, int width) {
    if (kept.length != width) {
      return false;
    }
    for (int i = 0; i < width; i++) {
      if (kept[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static String describe(PruningRule rule) {
    if (rule instanceof PruningRule.Threshold t) {
      return "inclusion probability > " + t.threshold();
    }
    if (rule instanceof PruningRule.TargetWeights t) {
      return "the " + t.weights() + " most probable weights";
    }
    return "none";
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> map(String value) {
    return json.readValue(value, Map.class);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
