package dev.slabprune.job;

import dev.slabprune.job.queue.Failure;
import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.run.JobParameters;
import dev.slabprune.job.run.Progress;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job rows as the API reads, creates and deletes them; the queue's moves live in {@code JobQueue}.
 */
@Component
class JobStore {

  private final JdbcClient jdbc;
  private final JsonMapper json;
  private final Clock clock;

  JobStore(JdbcClient jdbc, JsonMapper json, Clock clock) {
    this.jdbc = jdbc;
    this.json = json;
    this.clock = clock;
  }

  /**
   * Queues a job.
   *
   * @param source the job a re-pruning works on; null for a compression
   * @param heldOut the held-out dataset; null for none
   */
  UUID create(
      String owner,
      JobKind kind,
      UUID source,
      UUID model,
      UUID dataset,
      UUID heldOut,
      JobParameters parameters,
      int maxAttempts) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    jdbc.sql(
            """
            with created as (
                insert into job (id, owner, kind, source_job_id, model_id, dataset_id,
                                 held_out_dataset_id, state, parameters, max_attempts,
                                 run_after, created_at)
                values (:id, :owner, :kind, :source, :model, :dataset, :heldOut, 'QUEUED',
                        cast(:parameters as jsonb), :maxAttempts, :now, :now)
                returning id
            )
            insert into job_event (job_id, at, type, to_state, attempt)
            select id, :now, 'CREATED', 'QUEUED', 0 from created
            """)
        .param("id", id)
        .param("owner", owner)
        .param("kind", kind.name())
        .param("source", source)
        .param("model", model)
        .param("dataset", dataset)
        .param("heldOut", heldOut)
        .param("parameters", json.writeValueAsString(parameters))
        .param("maxAttempts", maxAttempts)
        .param("now", now)
        .update();
    return id;
  }

  Optional<JobView> find(String owner, UUID id) {
    return jdbc.sql("select * from job where id = :id and owner = :owner")
        .param("id", id)
        .param("owner", owner)
        .query(this::view)
        .optional();
  }

  List<JobView> page(String owner, JobState state, int page, int size) {
    return jdbc.sql(
            """
            select * from job where owner = :owner
              and (cast(:state as text) is null or state = cast(:state as text))
            order by created_at desc, id limit :limit offset :offset
            """)
        .param("owner", owner)
        .param("state", state == null ? null : state.name())
        .param("limit", size)
        .param("offset", (long) page * size)
        .query(this::view)
        .list();
  }

  long count(String owner, JobState state) {
    return jdbc.sql(
            """
            select count(*) from job where owner = :owner
              and (cast(:state as text) is null or state = cast(:state as text))
            """)
        .param("owner", owner)
        .param("state", state == null ? null : state.name())
        .query(Long.class)
        .single();
  }

  /** Locks the owner's job row for a delete and returns its state; empty when there is none. */
  Optional<JobState> lockForDelete(String owner, UUID id) {
    return jdbc.sql("select state from job where id = :id and owner = :owner for update")
        .param("id", id)
        .param("owner", owner)
        .query((row, i) -> JobState.valueOf(row.getString(1)))
        .optional();
  }

  /** Queued or running re-prunings of the job. */
  long activeReprunings(UUID id) {
    return jdbc.sql(
            "select count(*) from job where source_job_id = ? and state in ('QUEUED', 'RUNNING')")
        .param(id)
        .query(Long.class)
        .single();
  }

  /** Deletes the job row; its events go with it. */
  void delete(UUID id) {
    jdbc.sql("delete from job where id = ?").param(id).update();
  }

  /** Owners and ids of finished jobs that ended before {@code cutoff}, oldest first. */
  List<OwnedJob> finishedBefore(Instant cutoff, int limit) {
    return jdbc.sql(
            """
            select owner, id from job
            where state in ('SUCCEEDED', 'FAILED', 'CANCELLED') and finished_at < ?
            order by finished_at limit ?
            """)
        .params(OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC), limit)
        .query((row, i) -> new OwnedJob(row.getString(1), row.getObject(2, UUID.class)))
        .list();
  }

  record OwnedJob(String owner, UUID id) {}

  private JobView view(ResultSet row, int i) throws SQLException {
    JobState state = JobState.valueOf(row.getString("state"));
    return new JobView(
        row.getObject("id", UUID.class),
        JobKind.ofColumn(row.getString("kind")),
        row.getObject("source_job_id", UUID.class),
        state,
        row.getObject("model_id", UUID.class),
        row.getObject("dataset_id", UUID.class),
        row.getObject("held_out_dataset_id", UUID.class),
        json.readValue(row.getString("parameters"), JobParameters.class),
        progress(state, read(row.getString("progress"), Progress.class)),
        row.getInt("attempts"),
        row.getInt("max_attempts"),
        row.getBoolean("cancel_requested"),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        read(row.getString("failure"), Failure.class));
  }

  /**
   * The progress as the job's state says: the worker's while it runs; the last figures with the
   * phase {@code queued} while it waits, and with how it ended once it has.
   */
  static Progress progress(JobState state, Progress stored) {
    Progress last = stored == null ? Progress.queued() : stored;
    return switch (state) {
      case QUEUED -> last.in(Progress.Phase.QUEUED);
      case RUNNING -> stored == null ? last.in(Progress.Phase.LOADING) : stored;
      case SUCCEEDED -> last.in(Progress.Phase.SUCCEEDED);
      case FAILED -> last.in(Progress.Phase.FAILED);
      case CANCELLED -> last.in(Progress.Phase.CANCELLED);
    };
  }

  private <T> T read(String value, Class<T> type) {
    return value == null ? null : json.readValue(value, type);
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
