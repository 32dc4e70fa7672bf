package dev.slabprune.job.run;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a worker runs a job.
 *
 * @param checkpointInterval the least time between two checkpoints of a running job's training
 *     state, taken at epoch ends; zero checkpoints every epoch
 */
@ConfigurationProperties("slabprune.jobs")
public record RunProperties(@DefaultValue("30s") Duration checkpointInterval) {

  public RunProperties {
    if (checkpointInterval.isNegative()) {
      throw new IllegalArgumentException("slabprune.jobs.checkpoint-interval cannot be negative");
    }
  }
}
