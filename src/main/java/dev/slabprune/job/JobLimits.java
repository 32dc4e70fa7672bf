package dev.slabprune.job;

import dev.slabprune.api.Owner;
import dev.slabprune.api.TooManyRequestsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How many jobs an owner may have at once, and how fast they may create them, for the whole
 * deployment: the job table is counted in the transaction that inserts the job, with the owner's
 * creations serialised by a transaction-scoped advisory lock, so replicas cannot race past a limit.
 */
@Component
class JobLimits {

  private static final Duration WINDOW = Duration.ofMinutes(1);

  /** The first key of the advisory locks taken here ("slab"); the second is the owner's hash. */
  private static final int LOCK_NAMESPACE = 0x736c6162;

  /** What a client that hit the active-jobs limit is told to wait: jobs take minutes. */
  static final long ACTIVE_RETRY_SECONDS = 60;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final JobProperties properties;
  private final Clock clock;

  JobLimits(
      JdbcClient jdbc, TransactionTemplate transactions, JobProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.properties = properties;
    this.clock = clock;
  }

  private record Counts(long active, long recent, OffsetDateTime oldestRecent) {}

  /**
   * Creates a job with {@code create} if the owner is within both limits, in one transaction.
   *
   * @throws TooManyRequestsException (429) when a limit is reached; nothing is created
   */
  <T> T admit(Owner owner, Supplier<T> create) {
    return transactions.execute(
        status -> {
          jdbc.sql("select pg_advisory_xact_lock(:namespace, hashtext(:owner))")
              .param("namespace", LOCK_NAMESPACE)
              .param("owner", owner.name())
              .query((row, i) -> 1)
              .single();
          Instant now = clock.instant();
          Counts counts = count(owner, now.minus(WINDOW));
          if (counts.active() >= properties.maxActivePerOwner()) {
            throw new TooManyRequestsException(
                "too-many-active-jobs",
                "Too many active jobs",
                "You have "
                    + counts.active()
                    + " queued or running jobs; the limit is "
                    + properties.maxActivePerOwner()
                    + " (slabprune.jobs.max-active-per-owner). Wait for some to finish or cancel"
                    + " them.",
                "slabprune.jobs.max-active-per-owner",
                ACTIVE_RETRY_SECONDS);
          }
          if (counts.recent() >= properties.perOwnerPerMinute()) {
            Instant free = counts.oldestRecent().toInstant().plus(WINDOW);
            long seconds = (Duration.between(now, free).toMillis() + 999) / 1000;
            throw new TooManyRequestsException(
                "job-rate-limit",
                "Too many jobs created",
                "You created "
                    + counts.recent()
                    + " jobs in the last minute; the limit is "
                    + properties.perOwnerPerMinute()
                    + " (slabprune.jobs.per-owner-per-minute). Try again in "
                    + Math.max(1, seconds)
                    + " s.",
                "slabprune.jobs.per-owner-per-minute",
                seconds);
          }
          return create.get();
        });
  }

  private Counts count(Owner owner, Instant since) {
    return jdbc.sql(
            """
            select count(*) filter (where state in ('QUEUED', 'RUNNING')) as active,
                   count(*) filter (where created_at > :since) as recent,
                   min(created_at) filter (where created_at > :since) as oldest
            from job
            where owner = :owner and (state in ('QUEUED', 'RUNNING') or created_at > :since)
            """)
        .param("owner", owner.name())
        .param("since", OffsetDateTime.ofInstant(since, ZoneOffset.UTC))
        .query(
            (row, i) ->
                new Counts(
                    row.getLong("active"),
                    row.getLong("recent"),
                    row.getObject("oldest", OffsetDateTime.class)))
        .single();
  }
}
