package dev.slabprune.job.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

class WorkerPoolTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private DataSource dataSource;
  private JobQueue queue;
  private JobRows rows;
  private final List<WorkerPool> pools = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() {
    dataSource = TestDatabase.get().pooledDataSource();
    queue =
        new JobQueue(
            JdbcClient.create(dataSource),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            Clock.systemUTC());
    rows = new JobRows(dataSource);
  }

  @AfterEach
  void stopPools() {
    pools.forEach(WorkerPool::close);
  }

  @Test
  void twoPoolsOnOneDatabaseRunEachOfTwoHundredJobsExactlyOnce() {
    List<UUID> ids = rows.queue(200, Instant.now().minusSeconds(1), 3);
    Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobHandler handler =
        (job, context) -> {
          runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
          Thread.sleep(2);
          return () -> {};
        };
    WorkerPool first = pool("first", handler, 2);
    WorkerPool second = pool("second", handler, 2);

    first.start();
    second.start();

    await()
        .atMost(WAIT)
        .until(() -> ids.stream().allMatch(id -> rows.state(id).equals("SUCCEEDED")));
    assertThat(runs).containsOnlyKeys(ids);
    assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    assertThat(ids)
        .allSatisfy(id -> assertThat(rows.events(id)).containsExactly("CLAIMED", "SUCCEEDED"));
    long claimedByFirst =
        JdbcClient.create(dataSource)
            .sql(
                "select count(*) from job_event where type = 'CLAIMED' and detail->>'worker' = ?"
                    + " and job_id = any(?)")
            .params(first.workerId(), ids.toArray(UUID[]::new))
            .query(Long.class)
            .single();
    assertThat(claimedByFirst).as("both pools took work").isBetween(1L, 199L);
  }

  @Test
  void aJobWhoseWorkerDiedIsTakenUpAgainAfterTheHeartbeatTimeout() throws Exception {
    UUID id = rows.queue(1, Instant.now().minusSeconds(1), 3).get(0);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger attemptsSeen = new AtomicInteger();
    JobHandler handler =
        (job, context) -> {
          attemptsSeen.set(job.attempt());
          if (job.attempt() == 1) {
            started.countDown();
            Thread.sleep(Long.MAX_VALUE);
          }
          return () -> {};
        };
    WorkerPool doomed = pool("doomed", handler, 1);
    doomed.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    Crash.of(doomed);
    WorkerPool survivor = pool("survivor", handler, 1);
    survivor.start();

    await().atMost(WAIT).until(() -> rows.state(id).equals("SUCCEEDED"));
    assertThat(attemptsSeen.get()).isEqualTo(2);
    assertThat(rows.events(id)).containsExactly("CLAIMED", "REAPED", "CLAIMED", "SUCCEEDED");
  }

  @Test
  void onShutdownARunningJobStopsAndIsHandedBack() throws Exception {
    UUID id = rows.queue(1, Instant.now().minusSeconds(1), 3).get(0);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stepsAfterStop = new AtomicInteger();
    JobHandler handler =
        (job, context) -> {
          started.countDown();
          while (true) {
            if (context.stopRequested()) {
              stepsAfterStop.incrementAndGet();
            }
            context.checkStop();
            Thread.sleep(5);
          }
        };
    WorkerPool pool = pool("stopping", handler, 1);
    pool.start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    pool.close();

    assertThat(rows.state(id)).isEqualTo("QUEUED");
    assertThat(rows.attempts(id)).isZero();
    assertThat(rows.events(id)).containsExactly("CLAIMED", "RELEASED");
    assertThat(stepsAfterStop.get()).isEqualTo(1);
  }

  @Test
  void cancellingARunningJobStopsItWithinSeconds() throws Exception {
    UUID id = rows.queue(1, Instant.now().minusSeconds(1), 3).get(0);
    CountDownLatch started = new CountDownLatch(1);
    JobHandler handler =
        (job, context) -> {
          started.countDown();
          while (true) {
            context.checkStop();
            Thread.sleep(5);
          }
        };
    pool("cancel", handler, 1).start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    long asked = System.nanoTime();
    assertThat(queue.requestCancel(id, rows.owner())).contains("RUNNING");

    await().atMost(Duration.ofSeconds(5)).until(() -> rows.state(id).equals("CANCELLED"));
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
    assertThat(rows.events(id)).containsExactly("CLAIMED", "CANCEL_REQUESTED", "CANCELLED");
  }

  @Test
  void aPermanentFailureFailsAtOnceWhileAnUnexpectedErrorIsRetried() {
    List<UUID> ids = rows.queue(2, Instant.now().minusSeconds(1), 2);
    UUID bad = ids.get(0);
    JobHandler handler =
        (job, context) -> {
          if (job.id().equals(bad)) {
            throw JobFailedException.permanent(
                "feature-count-mismatch",
                "Feature count mismatch",
                "The model takes 4 inputs.",
                null);
          }
          if (job.attempt() == 1) {
            throw new IllegalStateException("disk hiccup");
          }
          return () -> {};
        };
    pool("failing", handler, 1).start();

    await().atMost(WAIT).until(() -> rows.state(ids.get(1)).equals("SUCCEEDED"));
    assertThat(rows.state(bad)).isEqualTo("FAILED");
    assertThat(rows.attempts(bad)).isEqualTo(1);
    assertThat(rows.failure(bad)).contains("/problems/feature-count-mismatch", "4 inputs");
    assertThat(rows.events(ids.get(1)))
        .containsExactly("CLAIMED", "RETRY_SCHEDULED", "CLAIMED", "SUCCEEDED");
  }

  @Test
  void whatAHandlerWroteForAJobItLostIsDiscardedNotStored() throws Exception {
    UUID id = rows.queue(1, Instant.now().minusSeconds(1), 3).get(0);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch taken = new CountDownLatch(1);
    AtomicBoolean stored = new AtomicBoolean();
    AtomicBoolean discarded = new AtomicBoolean();
    JobHandler handler =
        (job, context) -> {
          started.countDown();
          assertThat(taken.await(30, TimeUnit.SECONDS)).isTrue();
          return new Completion() {
            @Override
            public void store() {
              stored.set(true);
            }

            @Override
            public void discard() {
              discarded.set(true);
            }
          };
        };
    pool("losing", handler, 1).start();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    // Another worker has the job now: the row's version moved on, and its heartbeat is fresh.
    JdbcClient.create(dataSource)
        .sql(
            "update job set version = version + 1, claimed_by = 'another-worker',"
                + " heartbeat_at = now() + interval '1 hour' where id = ?")
        .param(id)
        .update();
    taken.countDown();

    await().atMost(WAIT).untilTrue(discarded);
    assertThat(stored).isFalse();
    assertThat(rows.state(id)).isEqualTo("RUNNING");
  }

  private WorkerPool pool(String name, JobHandler handler, int workers) {
    QueueProperties properties =
        new QueueProperties(
            true,
            workers,
            name + "-" + UUID.randomUUID().toString().substring(0, 6),
            Duration.ofMillis(20),
            Duration.ofMillis(100),
            Duration.ofMillis(500),
            Duration.ofMillis(100),
            3,
            Duration.ofMillis(50),
            Duration.ofSeconds(10));
    WorkerPool pool = new WorkerPool(queue, handler, properties, JsonMapper.builder().build());
    pools.add(pool);
    return pool;
  }
}
