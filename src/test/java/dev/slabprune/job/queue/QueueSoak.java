package dev.slabprune.job.queue;

import dev.slabprune.support.NamedArgs;
import dev.slabprune.support.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue soak benchmark ({@code bench/run queue}): many short jobs over several worker pools on
 * one database, as several replicas would run them. Checks from {@code job_event} that every job
 * ran exactly once, and reports claims per second and the latency of the claim statement and of the
 * pick-up (from due to claimed). Prints one JSON line.
 *
 * <p>Arguments (all optional, {@code name=value}): {@code jobs} (10000), {@code pools} (3), {@code
 * workers} per pool (4), {@code pollMillis} (20).
 */
public final class QueueSoak {

  private QueueSoak() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = NamedArgs.parse(args);
    int jobs = Integer.parseInt(options.getOrDefault("jobs", "10000"));
    int poolCount = Integer.parseInt(options.getOrDefault("pools", "3"));
    int workers = Integer.parseInt(options.getOrDefault("workers", "4"));
    long pollMillis = Long.parseLong(options.getOrDefault("pollMillis", "20"));

    DataSource dataSource = TestDatabase.get().pooledDataSource();
    JdbcClient jdbc = JdbcClient.create(dataSource);
    JobRows rows = new JobRows(dataSource);
    List<UUID> ids = rows.queueMany(jobs);

    ConcurrentLinkedQueue<Long> claimNanos = new ConcurrentLinkedQueue<>();
    Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    JobHandler handler =
        (job, context) -> {
          runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
          return () -> {};
        };
    QueueProperties properties =
        new QueueProperties(
            true,
            workers,
            "",
            Duration.ofMillis(pollMillis),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            3,
            Duration.ofSeconds(10),
            Duration.ofSeconds(20));
    List<WorkerPool> pools = new ArrayList<>();
    for (int p = 0; p < poolCount; p++) {
      JobQueue timed =
          new JobQueue(
              jdbc,
              new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
              Clock.systemUTC()) {
            @Override
            public List<ClaimedJob> claim(String worker, int limit) {
              long t0 = System.nanoTime();
              List<ClaimedJob> claimed = super.claim(worker, limit);
              if (!claimed.isEmpty()) {
                claimNanos.add(System.nanoTime() - t0);
              }
              return claimed;
            }
          };
      pools.add(new WorkerPool(timed, handler, properties, JsonMapper.builder().build()));
    }

    long started = System.nanoTime();
    pools.forEach(WorkerPool::start);
    long deadline = started + Duration.ofMinutes(30).toNanos();
    while (unfinished(jdbc, rows.owner()) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the jobs did not finish within 30 minutes");
      }
      Thread.sleep(50);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pools.forEach(WorkerPool::close);

    long ranOnce = runs.values().stream().filter(c -> c.get() == 1).count();
    long ranTwice = runs.values().stream().filter(c -> c.get() > 1).count();
    // The truth is the event log: exactly one CLAIMED and one SUCCEEDED per job, nothing else.
    Map<String, Object> events =
        jdbc.sql(
                """
                select count(*) filter (where claimed = 1 and succeeded = 1 and others = 0)
                           as exactly_once,
                       count(*) filter (where claimed <> 1 or succeeded <> 1 or others <> 0)
                           as anomalies
                from (select e.job_id,
                             count(*) filter (where e.type = 'CLAIMED') as claimed,
                             count(*) filter (where e.type = 'SUCCEEDED') as succeeded,
                             count(*) filter (where e.type not in ('CLAIMED', 'SUCCEEDED'))
                                 as others
                      from job_event e join job j on j.id = e.job_id
                      where j.owner = ?
                      group by e.job_id) per_job
                """)
            .param(rows.owner())
            .query()
            .singleRow();
    double[] pickup =
        jdbc
            .sql(
                """
                select extract(epoch from (e.at - j.run_after)) * 1000
                from job_event e join job j on j.id = e.job_id
                where j.owner = ? and e.type = 'CLAIMED'
                """)
            .param(rows.owner())
            .query(Double.class)
            .list()
            .stream()
            .mapToDouble(Double::doubleValue)
            .sorted()
            .toArray();
    double[] claims = claimNanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    Map<String, Object> perPool = new LinkedHashMap<>();
    for (WorkerPool pool : pools) {
      perPool.put(
          pool.workerId(),
          jdbc.sql(
                  "select count(*) from job_event e join job j on j.id = e.job_id"
                      + " where j.owner = ? and e.type = 'CLAIMED' and e.detail->>'worker' = ?")
              .params(rows.owner(), pool.workerId())
              .query(Long.class)
              .single());
    }

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "queue");
    out.put("database", TestDatabase.get().source());
    out.put("jobs", ids.size());
    out.put("pools", poolCount);
    out.put("workers_per_pool", workers);
    out.put("poll_millis", pollMillis);
    out.put("seconds", round(seconds));
    out.put("jobs_per_second", round(ids.size() / seconds));
    out.put("claim_statements", claims.length);
    out.put("claim_statement_ms_p50", round(percentile(claims, 0.50)));
    out.put("claim_statement_ms_p99", round(percentile(claims, 0.99)));
    out.put("queue_wait_ms_p50", round(percentile(pickup, 0.50)));
    out.put("queue_wait_ms_p99", round(percentile(pickup, 0.99)));
    out.put("ran_exactly_once_by_handler", ranOnce);
    out.put("ran_more_than_once_by_handler", ranTwice);
    out.put("exactly_once_in_event_log", events.get("exactly_once"));
    out.put("event_log_anomalies", events.get("anomalies"));
    out.put("claims_per_pool", perPool);
    out.put(
        "ok",
        ranOnce == ids.size()
            && ranTwice == 0
            && ((Number) events.get("exactly_once")).longValue() == ids.size()
            && ((Number) events.get("anomalies")).longValue() == 0);
    System.out.println(JsonMapper.builder().build().writeValueAsString(out));
    System.exit(0);
  }

  private static long unfinished(JdbcClient jdbc, String owner) {
    return jdbc.sql("select count(*) from job where owner = ? and state <> 'SUCCEEDED'")
        .param(owner)
        .query(Long.class)
        .single();
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double round(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
