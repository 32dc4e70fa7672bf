package dev.slabprune.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits and habits of compression jobs.
 *
 * @param maxEpochs the most variational epochs a job may ask for, at most 100,000
 * @param maxActivePerOwner the most jobs one owner may have queued or running at once, over all
 *     instances
 * @param perOwnerPerMinute the most jobs one owner may create in any minute, over all instances
 */
@ConfigurationProperties("slabprune.jobs")
public record JobProperties(
    @DefaultValue("1000") int maxEpochs,
    @DefaultValue("50") int maxActivePerOwner,
    @DefaultValue("30") int perOwnerPerMinute) {

  public JobProperties {
    if (maxEpochs < 1 || maxActivePerOwner < 1 || perOwnerPerMinute < 1) {
      throw new IllegalArgumentException(
          "slabprune.jobs.max-epochs, max-active-per-owner and per-owner-per-minute must be at"
              + " least 1");
    }
    if (maxEpochs > JobSetting.EPOCHS.max().intValue()) {
      throw new IllegalArgumentException(
          "slabprune.jobs.max-epochs cannot exceed " + JobSetting.EPOCHS.max() + " epochs");
    }
  }
}
