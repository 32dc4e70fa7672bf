package dev.slabprune.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the service removes on its own, and when.
 *
 * @param interval how often this instance looks for expired jobs and unused bytes; zero turns
 *     housekeeping off on this instance
 * @param jobRetention finished jobs (succeeded, failed or cancelled) older than this are deleted
 *     with their results and artifacts; zero keeps them until their owner deletes them
 * @param artifactGrace stored bytes nothing refers to are removed once they have been untouched for
 *     this long: longer than the slowest upload, so that bytes stored moments before the row that
 *     refers to them are never taken
 */
@ConfigurationProperties("slabprune.housekeeping")
public record HousekeepingProperties(
    @DefaultValue("10m") Duration interval,
    @DefaultValue("0s") Duration jobRetention,
    @DefaultValue("6h") Duration artifactGrace) {

  public HousekeepingProperties {
    if (interval.isNegative() || jobRetention.isNegative()) {
      throw new IllegalArgumentException(
          "slabprune.housekeeping.interval and job-retention cannot be negative");
    }
    if (artifactGrace.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "slabprune.housekeeping.artifact-grace must be at least one minute, longer than the"
              + " slowest upload");
    }
  }
}
