package dev.slabprune.job;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Prometheus metrics of the queue: jobs by state and queue depth, read from the job table, so every
 * replica reports the cluster's numbers. Workers time their jobs in {@code RunMetrics}.
 */
@Component
public class JobMetrics {

  private static final Duration FRESH = Duration.ofSeconds(5);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final MeterRegistry registry;
  private volatile Snapshot snapshot = new Snapshot(Instant.MIN, new EnumMap<>(JobState.class), 0);

  private record Snapshot(Instant at, Map<JobState, Long> byState, long due) {}

  public JobMetrics(JdbcClient jdbc, Clock clock, MeterRegistry registry) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.registry = registry;
    for (JobState state : JobState.values()) {
      Gauge.builder("slabprune.jobs", () -> current().byState().getOrDefault(state, 0L))
          .description("Jobs in each state")
          .tag("state", state.name())
          .register(registry);
    }
    Gauge.builder("slabprune.queue.depth", () -> current().due())
        .description("Queued jobs that are due to run")
        .register(registry);
  }

  private Snapshot current() {
    Snapshot last = snapshot;
    Instant now = clock.instant();
    if (last.at().plus(FRESH).isAfter(now)) {
      return last;
    }
    Map<JobState, Long> byState = new EnumMap<>(JobState.class);
    jdbc.sql("select state, count(*) from job group by state")
        .query((row, i) -> byState.put(JobState.valueOf(row.getString(1)), row.getLong(2)))
        .list();
    long due =
        jdbc.sql("select count(*) from job where state = 'QUEUED' and run_after <= ?")
            .param(OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .query(Long.class)
            .single();
    Snapshot fresh = new Snapshot(now, byState, due);
    snapshot = fresh;
    return fresh;
  }
}
