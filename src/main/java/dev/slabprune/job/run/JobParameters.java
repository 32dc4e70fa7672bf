package dev.slabprune.job.run;

import dev.slabprune.job.result.JobReport;
import dev.slabprune.job.result.RunSettings;
import java.util.List;

/**
 * What a job runs with, every default resolved, stored with the job so that a retry, a resume or a
 * re-pruning runs with exactly what the first attempt ran with.
 *
 * @param settings the engine settings
 * @param validationFraction share of the rows held out for the per-epoch metric and early stopping
 * @param testFraction share of the rows held out for the report
 * @param seed the only source of randomness
 * @param reducedInput whether the pruned model takes only the kept inputs (else a Gather in front)
 * @param modelSha256 SHA-256 of the uploaded ONNX file
 * @param datasetFiles SHA-256 of each uploaded dataset file
 * @param heldOutDatasetFiles SHA-256 of each file of the held-out dataset, whose rows give the
 *     validation and test splits (the fractions are then 0.5 each, of those rows, and every row of
 *     the dataset trains); null for a job without one
 */
public record JobParameters(
    RunSettings settings,
    double validationFraction,
    double testFraction,
    long seed,
    boolean reducedInput,
    String modelSha256,
    List<JobReport.DatasetFile> datasetFiles,
    List<JobReport.DatasetFile> heldOutDatasetFiles) {

  /** Whether the validation and test rows come from a held-out dataset. */
  public boolean heldOut() {
    return heldOutDatasetFiles != null;
  }

  /** These parameters with other settings, as a re-pruning of the job runs with. */
  public JobParameters withSettings(RunSettings other) {
    return new JobParameters(
        other,
        validationFraction,
        testFraction,
        seed,
        reducedInput,
        modelSha256,
        datasetFiles,
        heldOutDatasetFiles);
  }
}
