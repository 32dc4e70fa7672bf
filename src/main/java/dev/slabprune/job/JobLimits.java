package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.api.Owner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** How many jobs an owner may have at once, and how fast they may create them. */
@Component
class JobLimits {

  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final JdbcClient jdbc;
  private final JobProperties properties;
  private final Clock clock;
  private final Map<String, Deque<Instant>> recent = new ConcurrentHashMap<>();

  JobLimits(JdbcClient jdbc, JobProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Counts a job creation against the owner's limits.
   *
   * @throws BadInputException with status 429 when a limit is reached
   */
  void admit(Owner owner) {
    Instant now = clock.instant();
    Deque<Instant> times = recent.computeIfAbsent(owner.name(), name -> new ArrayDeque<>());
    synchronized (times) {
      while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(WINDOW))) {
        times.pollFirst();
      }
      if (times.size() >= properties.perOwnerPerMinute()) {
        throw limit(
            "job-rate-limit",
            "Too many jobs created",
            "You created "
                + times.size()
                + " jobs in the last minute; the limit is "
                + properties.perOwnerPerMinute()
                + " (slabprune.jobs.per-owner-per-minute). Wait a minute and try again.",
            "slabprune.jobs.per-owner-per-minute");
      }
      long active =
          jdbc.sql("select count(*) from job where owner = ? and state in ('QUEUED', 'RUNNING')")
              .param(owner.name())
              .query(Long.class)
              .single();
      if (active >= properties.maxActivePerOwner()) {
        throw limit(
            "too-many-active-jobs",
            "Too many active jobs",
            "You have "
                + active
                + " queued or running jobs; the limit is "
                + properties.maxActivePerOwner()
                + " (slabprune.jobs.max-active-per-owner). Wait for some to finish or cancel"
                + " them.",
            "slabprune.jobs.max-active-per-owner");
      }
      times.addLast(now);
    }
  }

  private static BadInputException limit(String slug, String title, String detail, String name) {
    return new BadInputException(
        slug,
        title,
        detail,
        429,
        List.of(new BadInputException.Violation(name, "limit reached")),
        null);
  }
}
