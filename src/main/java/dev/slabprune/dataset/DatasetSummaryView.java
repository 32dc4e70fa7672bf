package dev.slabprune.dataset;

import dev.slabprune.dataset.format.DatasetSummary;
import dev.slabprune.dataset.format.Task;
import java.util.List;

/** What a dataset was found to hold when it was validated, in the shape the API shows it. */
public record DatasetSummaryView(
    int rows,
    int features,
    Task task,
    List<String> classes,
    List<Long> classCounts,
    Double targetMean,
    Double targetSd,
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
        summary.featureNames());
  }
}
