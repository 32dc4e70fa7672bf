package dev.slabprune.job.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * PostgreSQL as the job queue. Each move of a job is one statement that checks the state and, for a
 * worker, the version it claimed at; each move appends its event to {@code job_event} in the same
 * statement. The job row is the only truth: nothing is queued in memory.
 */
@Component
public class JobQueue {

  /** A job moved by the reaper, with the state it was given. */
  public record Reaped(UUID id, String state, int attempts, String lostWorker) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public JobQueue(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Claims up to {@code limit} queued jobs that are due, oldest first, skipping rows other workers
   * hold locked.
   */
  public List<ClaimedJob> claim(String worker, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return jdbc.sql(
            """
            with picked as (
                select id from job
                where state = 'QUEUED' and run_after <= :now
                order by run_after, created_at
                limit :limit
                for update skip locked
            ), claimed as (
                update job j
                set state = 'RUNNING', claimed_by = :worker, heartbeat_at = :now,
                    version = j.version + 1, attempts = j.attempts + 1,
                    started_at = coalesce(j.started_at, :now)
                from picked where j.id = picked.id
                returning j.id, j.version, j.attempts, j.max_attempts, j.owner, j.kind,
                          j.source_job_id, j.model_id, j.dataset_id, j.held_out_dataset_id,
                          j.parameters::text as parameters
            ), logged as (
                insert into job_event (job_id, at, type, from_state, to_state, attempt, detail)
                select id, :now, 'CLAIMED', 'QUEUED', 'RUNNING', attempts,
                       jsonb_build_object('worker', cast(:worker as text))
                from claimed
            )
            select * from claimed
            """)
        .param("now", now())
        .param("limit", limit)
        .param("worker", worker)
        .query(
            (row, i) ->
                new ClaimedJob(
                    row.getObject("id", UUID.class),
                    row.getLong("version"),
                    row.getInt("attempts"),
                    row.getInt("max_attempts"),
                    row.getString("owner"),
                    row.getString("kind"),
                    row.getObject("source_job_id", UUID.class),
                    row.getObject("model_id", UUID.class),
                    row.getObject("dataset_id", UUID.class),
                    row.getObject("held_out_dataset_id", UUID.class),
                    row.getString("parameters")))
        .list();
  }

  /**
   * Records that the job is alive, with its progress.
   *
   * @return empty when the worker no longer holds the job (stop work at once); otherwise whether
   *     the owner asked for the job to be cancelled
   */
  public Optional<Boolean> heartbeat(ClaimedJob job, String progressJson) {
    return jdbc.sql(
            """
            update job set heartbeat_at = :now,
                           progress = coalesce(cast(:progress as jsonb), progress)
            where id = :id and version = :version and state = 'RUNNING'
            returning cancel_requested
            """)
        .param("now", now())
        .param("progress", progressJson)
        .param("id", job.id())
        .param("version", job.version())
        .query(Boolean.class)
        .optional();
  }

  /**
   * Marks the job done, running {@code storeResult} in the same transaction so a result is never
   * stored for a job that another worker holds.
   *
   * @return false when the worker no longer held the job; nothing was stored
   */
  public boolean succeed(ClaimedJob job, String progressJson, Runnable storeResult) {
    Boolean moved =
        transactions.execute(
            status -> {
              boolean ok = move(job, "SUCCEEDED", "SUCCEEDED", null, null, progressJson) == 1;
              if (ok) {
                storeResult.run();
              }
              return ok;
            });
    return Boolean.TRUE.equals(moved);
  }

  /** The worker stopped the job because its owner cancelled it. */
  public boolean cancelled(ClaimedJob job) {
    return move(job, "CANCELLED", "CANCELLED", null, null, null) == 1;
  }

  /**
   * The job failed. A transient failure with attempts left goes back to the queue after a backoff
   * that doubles with each attempt; anything else is final.
   *
   * @param problemJson the problem detail to show the owner
   */
  public boolean fail(ClaimedJob job, boolean retryable, String problemJson, Duration backoff) {
    boolean retry = retryable && job.attempt() < job.maxAttempts();
    if (retry) {
      Duration wait = backoff.multipliedBy(1L << Math.min(20, job.attempt() - 1));
      return move(
              job, "QUEUED", "RETRY_SCHEDULED", problemJson, now(clock.instant().plus(wait)), null)
          == 1;
    }
    return move(job, "FAILED", "FAILED", problemJson, null, null) == 1;
  }

  /**
   * Hands a job back to the queue without counting the attempt: this instance is shutting down and
   * the job resumes elsewhere from its last checkpoint.
   */
  public boolean release(ClaimedJob job) {
    return jdbc.sql(
                """
                with released as (
                    update job set state = 'QUEUED', claimed_by = null, heartbeat_at = null,
                                   version = version + 1, attempts = attempts - 1,
                                   run_after = :now
                    where id = :id and version = :version and state = 'RUNNING'
                    returning id, attempts
                )
                insert into job_event (job_id, at, type, from_state, to_state, attempt)
                select id, :now, 'RELEASED', 'RUNNING', 'QUEUED', attempts from released
                """)
            .param("now", now())
            .param("id", job.id())
            .param("version", job.version())
            .update()
        == 1;
  }

  /**
   * Returns jobs whose heartbeat is older than {@code timeout} to the queue, fails those that used
   * their last attempt, and cancels those whose owner asked for it.
   */
  public List<Reaped> reap(Duration timeout) {
    OffsetDateTime now = now();
    return jdbc.sql(
            """
            with stale as (
                select id, claimed_by from job
                where state = 'RUNNING' and heartbeat_at < :cutoff
                for update skip locked
            ), moved as (
                update job j
                set state = case when j.cancel_requested then 'CANCELLED'
                                 when j.attempts >= j.max_attempts then 'FAILED'
                                 else 'QUEUED' end,
                    claimed_by = null, heartbeat_at = null, version = j.version + 1,
                    run_after = :now,
                    failure = case when not j.cancel_requested and j.attempts >= j.max_attempts
                                   then cast(:problem as jsonb) else j.failure end,
                    finished_at = case when j.cancel_requested or j.attempts >= j.max_attempts
                                       then cast(:now as timestamptz) end
                from stale where j.id = stale.id
                returning j.id, j.state, j.attempts, stale.claimed_by as lost_worker
            ), logged as (
                insert into job_event (job_id, at, type, from_state, to_state, attempt, detail)
                select id, :now, 'REAPED', 'RUNNING', state, attempts,
                       jsonb_build_object('lostWorker', lost_worker)
                from moved
            )
            select * from moved
            """)
        .param("now", now)
        .param("cutoff", now(clock.instant().minus(timeout)))
        .param(
            "problem",
            """
            {"type": "/problems/worker-lost", "title": "Worker lost",
             "status": 500,
             "detail": "The worker running this job stopped answering on its last attempt."}
            """)
        .query(
            (row, i) ->
                new Reaped(
                    row.getObject("id", UUID.class),
                    row.getString("state"),
                    row.getInt("attempts"),
                    row.getString("lost_worker")))
        .list();
  }

  /**
   * The owner cancels a job: a queued job is cancelled at once; a running one is asked to stop, and
   * its worker stops it at its next heartbeat.
   *
   * @return the state after the request, or empty when there is no such job of this owner
   */
  public Optional<String> requestCancel(UUID id, String owner) {
    return transactions.execute(
        status -> {
          OffsetDateTime now = now();
          int cancelled =
              jdbc.sql(
                      """
                      with cancelled as (
                          update job set state = 'CANCELLED', version = version + 1,
                                         finished_at = :now
                          where id = :id and owner = :owner and state = 'QUEUED'
                          returning id, attempts
                      )
                      insert into job_event (job_id, at, type, from_state, to_state, attempt)
                      select id, :now, 'CANCELLED', 'QUEUED', 'CANCELLED', attempts from cancelled
                      """)
                  .param("now", now)
                  .param("id", id)
                  .param("owner", owner)
                  .update();
          if (cancelled == 0) {
            jdbc.sql(
                    """
                    with requested as (
                        update job set cancel_requested = true
                        where id = :id and owner = :owner and state = 'RUNNING'
                              and not cancel_requested
                        returning id, attempts
                    )
                    insert into job_event (job_id, at, type, from_state, to_state, attempt)
                    select id, :now, 'CANCEL_REQUESTED', 'RUNNING', 'RUNNING', attempts
                    from requested
                    """)
                .param("now", now)
                .param("id", id)
                .param("owner", owner)
                .update();
          }
          return jdbc.sql("select state from job where id = :id and owner = :owner")
              .param("id", id)
              .param("owner", owner)
              .query(String.class)
              .optional();
        });
  }

  private int move(
      ClaimedJob job,
      String state,
      String event,
      String problemJson,
      OffsetDateTime runAfter,
      String progressJson) {
    boolean terminal = !"QUEUED".equals(state);
    return jdbc.sql(
            """
            with moved as (
                update job set state = cast(:state as text), claimed_by = null,
                               heartbeat_at = null, version = version + 1,
                               failure = coalesce(cast(:problem as jsonb), failure),
                               progress = coalesce(cast(:progress as jsonb), progress),
                               run_after = coalesce(cast(:runAfter as timestamptz), run_after),
                               finished_at = case when cast(:terminal as boolean)
                                                  then cast(:now as timestamptz) end
                where id = :id and version = :version and state = 'RUNNING'
                returning id, attempts
            )
            insert into job_event (job_id, at, type, from_state, to_state, attempt, detail)
            select id, :now, cast(:event as text), 'RUNNING', cast(:state as text), attempts,
                   cast(:problem as jsonb)
            from moved
            """)
        .param("state", state)
        .param("event", event)
        .param("problem", problemJson)
        .param("progress", progressJson)
        .param("runAfter", runAfter)
        .param("terminal", terminal)
        .param("now", now())
        .param("id", job.id())
        .param("version", job.version())
        .update();
  }

  private OffsetDateTime now() {
    return now(clock.instant());
  }

  private static OffsetDateTime now(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
