package dev.slabprune.dataset.format;

/**
 * Mean, population standard deviation and range of raw regression targets, accumulated one value at
 * a time (Welford's update in double), so that a pass that keeps no targets and one that
 * standardises them agree to the last bit.
 */
final class TargetMoments {

  private long count;
  private double mean;
  private double m2;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;

  void add(float raw) {
    count++;
    double d = raw - mean;
    mean += d / count;
    m2 += d * (raw - mean);
    min = Math.min(min, raw);
    max = Math.max(max, raw);
  }

  double mean() {
    return mean;
  }

  /** The population standard deviation, or 1 when there are no targets or they are all equal. */
  double sd() {
    double sd = count == 0 ? 1 : Math.sqrt(m2 / count);
    return sd > 0 ? sd : 1;
  }

  DatasetSummary.TargetStatistics statistics() {
    return new DatasetSummary.TargetStatistics(mean(), sd(), min, max);
  }
}
