package dev.slabprune.dataset.format;

import java.util.List;

/**
 * A short description of a parsed dataset.
 *
 * @param rows examples
 * @param features values per example
 * @param task classification or regression
 * @param classes classification: the labels in index order; otherwise empty
 * @param classCounts classification: examples per class, in index order; otherwise empty
 * @param target regression: statistics of the raw targets; otherwise null
 */
public record DatasetSummary(
    int rows,
    int features,
    Task task,
    List<String> classes,
    List<Long> classCounts,
    TargetStatistics target) {

  public DatasetSummary {
    classes = List.copyOf(classes);
    classCounts = List.copyOf(classCounts);
  }

  /** Raw (unstandardised) regression targets: mean, population standard deviation, range. */
  public record TargetStatistics(double mean, double sd, double min, double max) {}
}
