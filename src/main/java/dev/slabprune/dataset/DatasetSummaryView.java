package dev.slabprune.dataset;

import dev.slabprune.dataset.format.DatasetSummary;
import dev.slabprune.dataset.format.Task;
import java.util.List;

/**
 * What a dataset was found to hold when it was validated, in the shape the API shows it. The
 * target's minimum and maximum are null in summaries stored before they were recorded.
 */
public record DatasetSummaryView(
    int rows,
    int features,
    Task task,
    List<String> classes,
    List<Long> classCounts,
    Double targetMean,
    Double targetSd,
    Double targetMin,
    Double targetMax,
    List<String> featureNames) {

  static DatasetSummaryView of(DatasetSummary summary) {
    return new DatasetSummaryView(
        summary.rows(),
        summary.features(),
        summary.task(),
        summary.classes(),
        summary.classCounts(),
        summary.target() == null ? null : summary.target().mean(),
        summary.target() == null ? null : summary.target().sd(),
        summary.target() == null ? null : summary.target().min(),
        summary.target() == null ? null : summary.target().max(),
        summary.featureNames());
  }

  /**
   * Whether a regression target holds exactly two distinct values (0 and 1, say): its population
   * variance then equals (mean - min)(max - mean), the most any values between the two can have,
   * and is below it otherwise (up to the rounding of a summary made from standardised targets).
   * False when the minimum and maximum were not recorded.
   */
  public boolean twoValuedTarget() {
    if (targetMin == null || targetMax == null || targetMean == null || targetSd == null) {
      return false;
    }
    double range = targetMax - targetMin;
    double most = (targetMean - targetMin) * (targetMax - targetMean);
    return range > 0 && Math.abs(most - targetSd * targetSd) <= 1e-6 * range * range;
  }
}
