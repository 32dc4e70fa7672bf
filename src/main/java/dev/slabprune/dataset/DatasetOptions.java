package dev.slabprune.dataset;

import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.Task;

/**
 * How an uploaded dataset is read: kept with it so a job reads it exactly as the upload did.
 *
 * @param task null to infer
 * @param target CSV target column by header name or 0-based index; null for the last
 * @param header CSV header row; null to detect
 * @param delimiter CSV delimiter; null to detect
 */
public record DatasetOptions(Task task, String target, Boolean header, Character delimiter) {

  CsvOptions csv() {
    CsvOptions options =
        CsvOptions.DETECT.withHeader(header).withDelimiter(delimiter).withTask(task);
    if (target == null || target.isBlank()) {
      return options;
    }
    if (target.strip().matches("-?\\d{1,9}")) {
      return options.withTargetIndex(Integer.parseInt(target.strip()));
    }
    return options.withTargetName(target);
  }
}
