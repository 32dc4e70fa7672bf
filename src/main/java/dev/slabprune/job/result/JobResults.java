package dev.slabprune.job.result;

import dev.slabprune.job.queue.ClaimedJob;
import dev.slabprune.storage.AfterCommit;
import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What jobs keep: checkpoints while they run; then the pruned model, the posterior, the report and
 * the inclusion probabilities, stored as the typed records they are and read back into them.
 */
@Service
public class JobResults {

  private final JdbcClient jdbc;
  private final ArtifactStore artifacts;
  private final JsonMapper json;
  private final Clock clock;

  public JobResults(JdbcClient jdbc, ArtifactStore artifacts, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.artifacts = artifacts;
    this.json = json;
    this.clock = clock;
  }

  /** The training state saved by the job's last run, if any. */
  public Optional<Checkpoint> checkpoint(UUID jobId) {
    return jdbc.sql("select epoch, artifact_sha256 from job_checkpoint where job_id = ?")
        .param(jobId)
        .query((row, i) -> new Checkpoint(row.getInt(1), artifacts.readAllBytes(row.getString(2))))
        .optional();
  }

  /**
   * Saves the training state after {@code epoch}, replacing the previous one; nothing is saved when
   * the worker no longer holds the job.
   */
  public void saveCheckpoint(ClaimedJob job, int epoch, byte[] state) {
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

  /**
   * Stores a finished job's result and drops its checkpoint; runs in the transaction that marks the
   * job succeeded.
   */
  public void store(
      UUID jobId,
      String prunedSha256,
      String posteriorSha256,
      JobReport report,
      InclusionProbabilities inclusionProbabilities) {
    OffsetDateTime now = now();
    jdbc.sql(
            """
            insert into job_result (job_id, pruned_sha256, posterior_sha256, report,
                                    inclusion_probabilities, created_at, updated_at)
            values (?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?)
            """)
        .params(
            jobId,
            prunedSha256,
            posteriorSha256,
            json.writeValueAsString(report),
            json.writeValueAsString(inclusionProbabilities),
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

  /** The result of a finished job, or empty while it has none. */
  public Optional<StoredResult> find(UUID jobId) {
    return jdbc.sql(
            """
            select pruned_sha256, posterior_sha256, report::text, inclusion_probabilities::text
            from job_result where job_id = ?
            """)
        .param(jobId)
        .query(
            (row, i) ->
                new StoredResult(
                    row.getString(1),
                    row.getString(2),
                    json.readValue(row.getString(3), JobReport.class),
                    json.readValue(row.getString(4), InclusionProbabilities.class)))
        .optional();
  }

  /** The posterior a finished job's pruning was made from, as stored. */
  public Optional<String> posteriorSha256(UUID jobId) {
    return jdbc.sql("select posterior_sha256 from job_result where job_id = ?")
        .param(jobId)
        .query(String.class)
        .optional();
  }

  /**
   * Removes a job's result and checkpoint rows, in the caller's transaction, and once it has
   * committed the bytes nothing else refers to.
   */
  public void deleteOf(UUID jobId) {
    List<String> shas = new ArrayList<>();
    shas.addAll(
        jdbc
            .sql(
                """
                delete from job_result where job_id = ?
                returning pruned_sha256, posterior_sha256
                """)
            .param(jobId)
            .query((row, i) -> List.of(row.getString(1), row.getString(2)))
            .list()
            .stream()
            .flatMap(List::stream)
            .toList());
    shas.addAll(
        jdbc.sql("delete from job_checkpoint where job_id = ? returning artifact_sha256")
            .param(jobId)
            .query(String.class)
            .list());
    AfterCommit.run(() -> shas.stream().distinct().forEach(this::deleteIfUnused));
  }

  /**
   * Removes bytes a job wrote for a result that will never be stored, unless something uses them.
   */
  public void discard(String... sha256) {
    for (String sha : sha256) {
      deleteIfUnused(sha);
    }
  }

  private void deleteIfUnused(String sha) {
    artifacts.deleteIfUnreferenced(sha);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
