package dev.slabprune.job.run;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Prometheus timers of the jobs a worker runs: run time by outcome, and epoch time. */
@Component
public class RunMetrics {

  private final MeterRegistry registry;

  public RunMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records how long one attempt of a job ran, and how it ended. */
  void jobRan(Duration duration, String outcome) {
    Timer.builder("slabprune.job.duration")
        .description("Time a job attempt ran, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .record(duration);
  }

  void epoch(double seconds) {
    Timer.builder("slabprune.epoch.duration")
        .description("Time of one variational training epoch")
        .register(registry)
        .record(Duration.ofNanos((long) (seconds * 1e9)));
  }
}
