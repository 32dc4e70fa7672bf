package dev.slabprune.job.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.job.JobState;
import dev.slabprune.support.MutableClock;
import dev.slabprune.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

class JobQueueTest {

  private MutableClock clock;
  private JobQueue queue;
  private JobRows rows;
  private Instant start;

  @BeforeEach
  void setUp() {
    DataSource dataSource = TestDatabase.get().pooledDataSource();
    // Each test lives in its own far-future hour, so jobs of other tests are never due.
    start =
        Instant.parse("2100-01-01T00:00:00Z")
            .plus(Duration.ofDays(UUID.randomUUID().hashCode() & 0xffff));
    clock = new MutableClock(start);
    queue =
        new JobQueue(
            JdbcClient.create(dataSource),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            clock);
    rows = new JobRows(dataSource);
  }

  @Test
  void aClaimTakesTheOldestDueJobsAndCountsTheAttempt() {
    List<UUID> ids = rows.queue(3, start.minusSeconds(10), 3);

    List<ClaimedJob> claimed = mine(queue.claim("w1", 2));

    assertThat(claimed)
        .extracting(ClaimedJob::id)
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    assertThat(claimed).allSatisfy(job -> assertThat(job.attempt()).isEqualTo(1));
    assertThat(claimed).allSatisfy(job -> assertThat(job.version()).isEqualTo(1));
    assertThat(rows.state(ids.get(0))).isEqualTo("RUNNING");
    assertThat(rows.state(ids.get(2))).isEqualTo("QUEUED");
    assertThat(rows.events(ids.get(0))).containsExactly("CLAIMED");
  }

  @Test
  void aJobThatIsNotDueYetIsNotClaimed() {
    rows.queue(1, start.plusSeconds(60), 3);

    assertThat(mine(queue.claim("w1", 5))).isEmpty();
    clock.advance(Duration.ofSeconds(61));
    assertThat(mine(queue.claim("w1", 5))).hasSize(1);
  }

  @Test
  void aHeartbeatFromAStaleVersionIsRefused() {
    rows.queue(1, start.minusSeconds(1), 3);
    ClaimedJob job = mine(queue.claim("w1", 1)).get(0);

    assertThat(queue.heartbeat(job, "{\"epoch\": 1}")).contains(false);
    ClaimedJob stale =
        new ClaimedJob(
            job.id(),
            job.version() - 1,
            1,
            3,
            job.owner(),
            job.kind(),
            job.sourceJobId(),
            job.modelId(),
            job.datasetId(),
            job.heldOutDatasetId(),
            "{}");
    assertThat(queue.heartbeat(stale, null)).isEmpty();
    assertThat(queue.succeed(stale, null, () -> {})).isFalse();
    assertThat(rows.state(job.id())).isEqualTo("RUNNING");
  }

  @Test
  void cancellingAQueuedJobEndsItAtOnce() {
    UUID id = rows.queue(1, start.minusSeconds(1), 3).get(0);

    assertThat(queue.requestCancel(id, rows.owner())).contains("CANCELLED");

    assertThat(mine(queue.claim("w1", 1))).isEmpty();
    assertThat(rows.events(id)).containsExactly("CANCELLED");
  }

  @Test
  void cancellingARunningJobReachesItsWorkerThroughTheHeartbeat() {
    rows.queue(1, start.minusSeconds(1), 3);
    ClaimedJob job = mine(queue.claim("w1", 1)).get(0);

    assertThat(queue.requestCancel(job.id(), rows.owner())).contains("RUNNING");
    assertThat(queue.heartbeat(job, null)).contains(true);
    assertThat(queue.cancelled(job)).isTrue();

    assertThat(rows.state(job.id())).isEqualTo("CANCELLED");
    assertThat(rows.events(job.id())).containsExactly("CLAIMED", "CANCEL_REQUESTED", "CANCELLED");
  }

  @Test
  void anotherOwnerCannotCancelTheJob() {
    UUID id = rows.queue(1, start.minusSeconds(1), 3).get(0);

    assertThat(queue.requestCancel(id, "someone-else")).isEmpty();
    assertThat(rows.state(id)).isEqualTo("QUEUED");
  }

  @Test
  void aTransientFailureIsRetriedAfterADoublingBackoffUntilTheLastAttempt() {
    UUID id = rows.queue(1, start.minusSeconds(1), 3).get(0);
    Duration backoff = Duration.ofSeconds(10);

    ClaimedJob first = mine(queue.claim("w1", 1)).get(0);
    assertThat(queue.fail(first, true, problem("boom"), backoff)).isTrue();
    assertThat(rows.state(id)).isEqualTo("QUEUED");
    clock.advance(Duration.ofSeconds(9));
    assertThat(mine(queue.claim("w1", 1))).isEmpty();
    clock.advance(Duration.ofSeconds(1));

    ClaimedJob second = mine(queue.claim("w1", 1)).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    queue.fail(second, true, problem("boom"), backoff);
    clock.advance(Duration.ofSeconds(19));
    assertThat(mine(queue.claim("w1", 1))).isEmpty();
    clock.advance(Duration.ofSeconds(1));

    ClaimedJob third = mine(queue.claim("w1", 1)).get(0);
    assertThat(third.attempt()).isEqualTo(3);
    queue.fail(third, true, problem("boom"), backoff);

    assertThat(rows.state(id)).isEqualTo("FAILED");
    assertThat(rows.failure(id)).contains("boom");
    assertThat(rows.events(id))
        .containsExactly(
            "CLAIMED", "RETRY_SCHEDULED", "CLAIMED", "RETRY_SCHEDULED", "CLAIMED", "FAILED");
  }

  @Test
  void aPermanentFailureIsNotRetried() {
    UUID id = rows.queue(1, start.minusSeconds(1), 3).get(0);
    ClaimedJob job = mine(queue.claim("w1", 1)).get(0);

    queue.fail(job, false, problem("bad input"), Duration.ofSeconds(1));

    assertThat(rows.state(id)).isEqualTo("FAILED");
    assertThat(rows.attempts(id)).isEqualTo(1);
  }

  @Test
  void theReaperHandsBackAJobWhoseHeartbeatStoppedAndItsOldWorkerCannotWriteAnyMore() {
    UUID id = rows.queue(1, start.minusSeconds(1), 2).get(0);
    ClaimedJob lost = mine(queue.claim("w1", 1)).get(0);

    clock.advance(Duration.ofSeconds(20));
    assertThat(queue.reap(Duration.ofSeconds(30))).noneMatch(r -> r.id().equals(id));
    clock.advance(Duration.ofSeconds(11));
    assertThat(queue.reap(Duration.ofSeconds(30)))
        .anySatisfy(
            r -> {
              assertThat(r.id()).isEqualTo(id);
              assertThat(r.state()).isEqualTo("QUEUED");
              assertThat(r.lostWorker()).isEqualTo("w1");
            });

    assertThat(queue.heartbeat(lost, null)).isEmpty();
    assertThat(queue.succeed(lost, null, () -> {})).isFalse();
    ClaimedJob again = mine(queue.claim("w2", 1)).get(0);
    assertThat(again.attempt()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(31));
    assertThat(queue.reap(Duration.ofSeconds(30)))
        .anySatisfy(r -> assertThat(r.state()).isEqualTo("FAILED"));
    assertThat(rows.failure(id)).contains("worker-lost");
  }

  @Test
  void aReleasedJobGoesBackWithoutSpendingAnAttempt() {
    UUID id = rows.queue(1, start.minusSeconds(1), 3).get(0);
    ClaimedJob job = mine(queue.claim("w1", 1)).get(0);

    assertThat(queue.release(job)).isTrue();

    assertThat(rows.state(id)).isEqualTo("QUEUED");
    assertThat(rows.attempts(id)).isZero();
    assertThat(mine(queue.claim("w2", 1)).get(0).attempt()).isEqualTo(1);
  }

  @Test
  void everyRecordedMoveIsOneTheStateTableAllows() {
    List<UUID> ids = rows.queue(4, start.minusSeconds(1), 1);
    List<ClaimedJob> jobs = mine(queue.claim("w1", 4));
    queue.succeed(jobs.get(0), null, () -> {});
    queue.fail(jobs.get(1), true, problem("x"), Duration.ofSeconds(1));
    queue.release(jobs.get(2));
    queue.requestCancel(jobs.get(3).id(), rows.owner());
    queue.heartbeat(jobs.get(3), null);
    queue.cancelled(jobs.get(3));

    List<String[]> moves = rows.moves();
    assertThat(moves).hasSizeGreaterThanOrEqualTo(ids.size() * 2);
    for (String[] move : moves) {
      JobState from = JobState.valueOf(move[0]);
      JobState to = JobState.valueOf(move[1]);
      assertThat(from == to || from.canMoveTo(to)).as(move[0] + " -> " + move[1]).isTrue();
    }
  }

  private List<ClaimedJob> mine(List<ClaimedJob> claimed) {
    assertThat(claimed).allSatisfy(job -> assertThat(job.owner()).isEqualTo(rows.owner()));
    return claimed;
  }

  private static String problem(String detail) {
    return "{\"type\": \"/problems/test\", \"detail\": \"" + detail + "\"}";
  }
}
