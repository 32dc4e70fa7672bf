package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The retention of finished jobs: past it a job goes as its owner's DELETE would take it, with its
 * events, result and bytes; younger jobs and active ones stay. The jobs here ended in the year 2000
 * and the clock is set just after, so nothing of other tests in this JVM is touched.
 */
@SpringBootTest
class HousekeepingTest {

  private static final Instant NOW = Instant.parse("2000-02-01T00:00:00Z");

  @Autowired JobService jobs;
  @Autowired JobStore store;
  @Autowired ArtifactStore artifacts;
  @Autowired JdbcClient jdbc;

  @Test
  void finishedJobsPastTheRetentionAreDeletedWithWhatTheyProducedAndOthersStay() {
    String owner = "housekeeping-" + UUID.randomUUID();
    ArtifactStore past =
        new ArtifactStore(
            jdbcDataSource(), Clock.fixed(NOW.minus(Duration.ofDays(40)), ZoneOffset.UTC));
    Artifact pruned = past.store(unique(), "application/onnx");
    Artifact posterior = past.store(unique(), "application/octet-stream");
    UUID expired = job(owner, "SUCCEEDED", NOW.minus(Duration.ofDays(30)));
    jdbc.sql(
            """
            insert into job_result (job_id, pruned_sha256, posterior_sha256, report,
                                    inclusion_probabilities, created_at, updated_at)
            values (?, ?, ?, '{}', '{}', now(), now())
            """)
        .params(expired, pruned.sha256(), posterior.sha256())
        .update();
    UUID young = job(owner, "FAILED", NOW.minus(Duration.ofDays(2)));
    UUID cancelledLongAgo = job(owner, "CANCELLED", NOW.minus(Duration.ofDays(300)));
    UUID queued = job(owner, "QUEUED", null);

    Housekeeping housekeeping =
        new Housekeeping(
            jobs,
            store,
            artifacts,
            new HousekeepingProperties(Duration.ZERO, Duration.ofDays(7), Duration.ofHours(6)),
            Clock.fixed(NOW, ZoneOffset.UTC));
    Housekeeping.Round round = housekeeping.runOnce();

    assertThat(round.jobsDeleted()).isEqualTo(2);
    assertThat(exists(expired)).isFalse();
    assertThat(exists(cancelledLongAgo)).isFalse();
    assertThat(exists(young)).isTrue();
    assertThat(exists(queued)).isTrue();
    assertThat(
            jdbc.sql("select count(*) from job_event where job_id in (?, ?)")
                .params(expired, cancelledLongAgo)
                .query(Long.class)
                .single())
        .isZero();
    assertThat(artifacts.find(pruned.sha256())).isEmpty();
    assertThat(artifacts.find(posterior.sha256())).isEmpty();
  }

  @Test
  void withoutARetentionFinishedJobsStayUntilTheirOwnerDeletesThem() {
    UUID ancient =
        job("housekeeping-" + UUID.randomUUID(), "SUCCEEDED", NOW.minus(Duration.ofDays(3000)));
    Housekeeping housekeeping =
        new Housekeeping(
            jobs,
            store,
            artifacts,
            new HousekeepingProperties(Duration.ZERO, Duration.ZERO, Duration.ofHours(6)),
            Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(housekeeping.runOnce().jobsDeleted()).isZero();
    assertThat(exists(ancient)).isTrue();
  }

  private UUID job(String owner, String state, Instant finished) {
    UUID id = UUID.randomUUID();
    OffsetDateTime at = OffsetDateTime.ofInstant(NOW.minus(Duration.ofDays(3650)), ZoneOffset.UTC);
    // Never due: the workers of other tests in this JVM must not take the queued one.
    OffsetDateTime never = OffsetDateTime.parse("2999-01-01T00:00:00Z");
    jdbc.sql(
            """
            with created as (
                insert into job (id, owner, state, parameters, run_after, created_at, finished_at)
                values (?, ?, ?, '{}', ?, ?, ?) returning id
            )
            insert into job_event (job_id, at, type, to_state, attempt)
            select id, now(), 'CREATED', 'QUEUED', 0 from created
            """)
        .params(
            id,
            owner,
            state,
            never,
            at,
            finished == null ? null : OffsetDateTime.ofInstant(finished, ZoneOffset.UTC))
        .update();
    return id;
  }

  private boolean exists(UUID id) {
    return jdbc.sql("select count(*) from job where id = ?").param(id).query(Long.class).single()
        == 1;
  }

  private javax.sql.DataSource jdbcDataSource() {
    return dev.slabprune.support.TestDatabase.get().pooledDataSource();
  }

  private static byte[] unique() {
    return ("bytes " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
  }
}
