package dev.slabprune.dataset.format;

import java.util.List;

/**
 * A short description of a dataset: what a reader finds when it validates the file, also without
 * keeping its values.
 *
 * @param rows examples
 * @param features values per example
 * @param task classification or regression
 * @param classes classification: the labels in index order; otherwise empty
 * @param classCounts classification: examples per class, in index order; otherwise empty
 * @param target regression: statistics of the raw targets; otherwise null
 * @param featureNames one per feature when the file names them, else empty
 */
public record DatasetSummary(
    int rows,
    int features,
    Task task,
    List<String> classes,
    List<Long> classCounts,
    TargetStatistics target,
    List<String> featureNames) {

  public DatasetSummary {
    classes = List.copyOf(classes);
    classCounts = List.copyOf(classCounts);
    featureNames = List.copyOf(featureNames);
  }

  static DatasetSummary classification(
      int rows, int features, List<String> classes, long[] counts, List<String> featureNames) {
    List<Long> countList = new java.util.ArrayList<>(counts.length);
    for (long c : counts) {
      countList.add(c);
    }
    return new DatasetSummary(
        rows, features, Task.CLASSIFICATION, classes, countList, null, featureNames);
  }

  static DatasetSummary regression(
      int rows, int features, TargetMoments targets, List<String> featureNames) {
    return new DatasetSummary(
        rows, features, Task.REGRESSION, List.of(), List.of(), targets.statistics(), featureNames);
  }

  /** Raw (unstandardised) regression targets: mean, population standard deviation, range. */
  public record TargetStatistics(double mean, double sd, double min, double max) {}
}
