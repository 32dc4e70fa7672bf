package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A re-pruning of a finished job: exactly one of threshold and targetWeights; the rest default to
 * what the job ran with.
 *
 * @param fineTuneEpochs epochs of fine-tuning the re-pruned network (and its magnitude baseline)
 */
public record PruningRequest(
    Double threshold,
    Long targetWeights,
    Boolean pruneNodes,
    Boolean selectInputs,
    Integer fineTuneEpochs) {

  /** Everything wrong with the request, from the settings table's ranges. */
  List<BadInputException.Violation> violations() {
    List<BadInputException.Violation> errors = new ArrayList<>();
    if ((threshold == null) == (targetWeights == null)) {
      errors.add(
          new BadInputException.Violation(
              "threshold", "give exactly one of threshold and targetWeights"));
    }
    check(errors, JobSetting.THRESHOLD, threshold);
    check(errors, JobSetting.TARGET_WEIGHTS, targetWeights);
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
