package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import dev.slabprune.dataset.DatasetSummaryView;
import dev.slabprune.dataset.DatasetView;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.job.run.Splits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a job's held-out dataset must be: rows the uploaded network never saw, in the shape of the
 * job's dataset, so that its rows can be the validation and test splits.
 */
final class HeldOut {

  static final String FIELD = "heldOutDatasetId";

  private HeldOut() {}

  /** Every reason the held-out dataset cannot serve the job; empty when it can. */
  static List<BadInputException.Violation> violations(
      JobRequest request, DatasetView dataset, DatasetView heldOut) {
    List<BadInputException.Violation> errors = new ArrayList<>();
    String why =
        "cannot be given with heldOutDatasetId: the held-out rows are the validation and test"
            + " splits, half each, and every row of datasetId trains";
    if (request.validationFraction() != null) {
      errors.add(new BadInputException.Violation("validationFraction", why));
    }
    if (request.testFraction() != null) {
      errors.add(new BadInputException.Violation("testFraction", why));
    }
    if (heldOut.id().equals(dataset.id()) || sameFiles(dataset, heldOut)) {
      errors.add(
          violation(
              (heldOut.id().equals(dataset.id()) ? "is datasetId itself" : "holds the same files")
                  + ": held-out rows are rows the model never saw, and the rows it was trained"
                  + " on would judge the budget as they do without them. Give another dataset,"
                  + " or leave heldOutDatasetId out and the job holds out rows of datasetId"));
      return errors;
    }
    DatasetSummaryView data = dataset.summary();
    DatasetSummaryView held = heldOut.summary();
    if (held.rows() < 2) {
      errors.add(
          violation(
              "has "
                  + held.rows()
                  + " row(s): the validation and test splits need at least one each"));
    }
    if (held.features() != data.features()) {
      errors.add(
          violation(
              "has "
                  + held.features()
                  + " features but datasetId has "
                  + data.features()
                  + ": upload the held-out rows with the same columns"));
    } else if (!names(held).isEmpty()
        && !names(data).isEmpty()
        && !names(held).equals(names(data))) {
      errors.add(
          violation(
              "names its features "
                  + held.featureNames()
                  + " but datasetId names them "
                  + data.featureNames()
                  + ": the columns must be the same, in the same order"));
    }
    if (held.task() != data.task()) {
      errors.add(
          violation(
              "is a "
                  + held.task().name().toLowerCase(Locale.ROOT)
                  + " task but datasetId is a "
                  + data.task().name().toLowerCase(Locale.ROOT)
                  + " task: upload it with the same task"));
    } else if (data.task() == Task.CLASSIFICATION) {
      int[] index = Splits.classIndex(data.classes(), held.classes());
      List<String> unknown = new ArrayList<>();
      for (int c = 0; c < index.length; c++) {
        if (index[c] < 0) {
          unknown.add(held.classes().get(c));
        }
      }
      if (!unknown.isEmpty()) {
        errors.add(
            violation(
                "has class label(s) "
                    + unknown
                    + " that datasetId does not have (its classes: "
                    + data.classes()
                    + "): labels are matched by name, so the held-out rows may hold some of the"
                    + " classes, in any order, but no others"));
      }
    }
    return errors;
  }

  private static List<String> names(DatasetSummaryView summary) {
    return summary.featureNames() == null ? List.of() : summary.featureNames();
  }

  private static BadInputException.Violation violation(String message) {
    return new BadInputException.Violation(FIELD, message);
  }

  private static boolean sameFiles(DatasetView a, DatasetView b) {
    Set<String> first = new HashSet<>();
    a.files().forEach(f -> first.add(f.sha256()));
    Set<String> second = new HashSet<>();
    b.files().forEach(f -> second.add(f.sha256()));
    return first.equals(second);
  }
}
