package dev.slabprune.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits and habits of compression jobs.
 *
 * @param maxEpochs the most variational epochs a job may ask for
 * @param checkpointEvery epochs between checkpoints of a running job's training state
 */
@ConfigurationProperties("slabprune.jobs")
public record JobProperties(
    @DefaultValue("1000") int maxEpochs, @DefaultValue("1") int checkpointEvery) {

  public JobProperties {
    if (maxEpochs < 1 || checkpointEvery < 1) {
      throw new IllegalArgumentException(
          "slabprune.jobs.max-epochs and checkpoint-every must be at least 1");
    }
  }
}
