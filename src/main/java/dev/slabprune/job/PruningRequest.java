package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A re-pruning of a finished job: one rule, chosen from the job's path of snapshots. Either one of
 * threshold, targetWeights and targetDensity, or a quality budget (maxAccuracyDrop or
 * maxRelativeRmseIncrease); the rest default to what the job ran with.
 *
 * @param fineTuneEpochs epochs of fine-tuning the re-pruned network (and its magnitude baseline)
 */
public record PruningRequest(
    Double threshold,
    Long targetWeights,
    Boolean pruneNodes,
    Boolean selectInputs,
    Integer fineTuneEpochs,
    Double targetDensity,
    Double maxAccuracyDrop,
    Double maxRelativeRmseIncrease) {

  /** Whether the request asks for the smallest network within a quality budget. */
  boolean budget() {
    return maxAccuracyDrop != null || maxRelativeRmseIncrease != null;
  }

  /** Everything wrong with the request, from the settings table's ranges. */
  List<BadInputException.Violation> violations() {
    List<BadInputException.Violation> errors = new ArrayList<>();
    int rules =
        (threshold != null ? 1 : 0)
            + (targetWeights != null ? 1 : 0)
            + (targetDensity != null ? 1 : 0)
            + (budget() ? 1 : 0);
    if (rules != 1) {
      errors.add(
          new BadInputException.Violation(
              "threshold",
              "give exactly one rule: threshold, targetWeights, targetDensity, or a budget"
                  + " (maxAccuracyDrop, maxRelativeRmseIncrease)"));
    }
    check(errors, JobSetting.THRESHOLD, threshold);
    check(errors, JobSetting.TARGET_WEIGHTS, targetWeights);
    check(errors, JobSetting.TARGET_DENSITY, targetDensity);
    check(errors, JobSetting.MAX_ACCURACY_DROP, maxAccuracyDrop);
    check(errors, JobSetting.MAX_RELATIVE_RMSE_INCREASE, maxRelativeRmseIncrease);
    check(errors, JobSetting.FINE_TUNE_EPOCHS, fineTuneEpochs);
    return errors;
  }

  private static void check(
      List<BadInputException.Violation> errors, JobSetting setting, Object value) {
    String problem = setting.check(value);
    if (problem != null) {
      errors.add(new BadInputException.Violation(setting.json(), problem));
    }
  }
}
