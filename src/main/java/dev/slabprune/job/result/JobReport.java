package dev.slabprune.job.result;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.UUID;

/**
 * What a finished job says about its network: why each part was kept or cut, how the pruned network
 * scores against the uploaded one, the model average and magnitude pruning, its size, the training
 * history, where it came from, and warnings when it falls short. Its schema is {@code Report} in
 * {@code openapi/openapi.yaml}.
 *
 * @param jobId the job the report belongs to
 * @param kind a compression, or a re-pruning of {@code sourceJobId}'s posterior
 * @param sourceJobId the re-pruned job; null for a compression (and once that job is deleted)
 * @param priorInclusion the prior inclusion probability lambda the posterior was trained with; null
 *     only in re-prunings stored before re-pruning became a job of its own
 * @param noiseSd the noise sd of a regression's likelihood the posterior was trained with, in units
 *     of the target's sd (the setting, or the upload's residuals on the training rows); null for a
 *     classification and in results stored before the service reported it
 * @param history per-epoch figures of the training that made the posterior
 * @param warnings where the pruned network falls short, or nothing was pruned, in words
 * @param budget how the delivered network stands against the quality budget; null in results stored
 *     before the service kept a budget
 * @param path the networks evaluated along training, by epoch then weights, the delivered one
 *     flagged; empty in results stored before the service kept a path
 * @param phases the wall seconds of each phase of the run, in the order they ran (reading the
 *     inputs, training, the path, the search, the scores, writing the model); null in results
 *     stored before the service timed them
 */
public record JobReport(
    UUID jobId,
    JobKind kind,
    UUID sourceJobId,
    Pruning pruning,
    ScoreSet scores,
    Size size,
    ArtifactInfo artifact,
    Double priorInclusion,
    Double noiseSd,
    List<Epoch> history,
    Provenance provenance,
    List<String> warnings,
    Budget budget,
    List<PathEntry> path,
    List<Phase> phases) {

  public JobReport {
    path = path == null ? List.of() : path;
  }

  /**
   * Wall time of one phase of the run.
   *
   * @param name {@code readModel}, {@code readDataset}, {@code split}, {@code training}, {@code
   *     pathRecording}, {@code checkpoints}, {@code pathSearch}, {@code nodePips}, {@code
   *     finalScoring}, {@code magnitudeBaseline}, {@code modelAverage}, {@code latency}, {@code
   *     storePosterior}, {@code writeOnnx}; a re-pruning reads the posterior ({@code
   *     readPosterior}) instead of training
   * @param seconds wall seconds, summed where the phase ran more than once
   * @param cpuSeconds CPU seconds of the job's thread in the phase: the work itself, whatever else
   *     ran on the machine (below {@code seconds} when it shared its cores or waited on the
   *     database); null where the JVM does not measure it
   */
  public record Phase(String name, double seconds, Double cpuSeconds) {}

  /**
   * The quality budget and the network delivered within it.
   *
   * @param metric {@code accuracy} or {@code rmse}, on the validation split
   * @param maxAccuracyDrop accuracy lost at most, a fraction (0.01 = one point); null for
   *     regression
   * @param maxRelativeRmseIncrease RMSE gained at most, a fraction; null for classification
   * @param reference the validation score the budget is measured against
   * @param referenceSource {@code upload}, {@code upload-less-optimism} (the upload's score made
   *     worse by its estimated optimism on rows it saw) or {@code largest-candidate} (that
   *     correction bounded by the largest median model on the path, trained and fine-tuned on the
   *     training split alone as every candidate is)
   * @param limit the worst validation score still within the budget
   * @param magnitudeLimit the worst validation score within the budget for networks made of the
   *     upload's own weights (magnitude pruning): stricter than {@code limit} when the reference is
   *     corrected for the upload's optimism, since they keep its memory of the rows it learned
   * @param met whether the delivered network is within the budget
   * @param delivered the delivered network's point on the path
   * @param advice when not met, what to try, in a sentence; null otherwise
   * @param confirmationReference the reference on the test split, which confirms the search's
   *     choice (chosen as {@code reference} is); null when the job delivered a target size
   * @param confirmationLimit the worst test-split score still within the budget
   * @param confirmationScore the delivered network's score on the test split, when confirmed
   * @param confirmationMargin the margin for the test split's noise that score was held to: one
   *     standard error of the paired difference with the reference network on the same rows (in
   *     accuracy, or RMSE); the score made worse by it is within {@code confirmationLimit}
   * @param confirmationRows rows of the test split the choice was confirmed on; 0 when none
   * @param uploadScore the upload's validation score
   * @param largestCandidateScore the largest candidate's validation score
   * @param pathSeconds spent recording the path at epoch ends
   * @param searchSeconds spent pruning, fine-tuning and scoring candidates at the end
   * @param candidatesFineTuned candidates fine-tuned and scored, the largest one included (one that
   *     is the same network as another shares its fine-tuning)
   */
  public record Budget(
      String metric,
      Double maxAccuracyDrop,
      Double maxRelativeRmseIncrease,
      Double reference,
      String referenceSource,
      Double limit,
      Double magnitudeLimit,
      boolean met,
      PathEntry delivered,
      String advice,
      Double confirmationReference,
      Double confirmationLimit,
      Double confirmationScore,
      Double confirmationMargin,
      int confirmationRows,
      Double uploadScore,
      Double largestCandidateScore,
      Double pathSeconds,
      Double searchSeconds,
      int candidatesFineTuned) {}

  /**
   * One network on the path.
   *
   * @param epoch the epoch whose posterior it was pruned from; 0 for the uploaded network
   * @param weights non-zero weights kept
   * @param nodes hidden nodes kept, per hidden layer
   * @param inputs input features kept
   * @param density weights kept over the network's weights
   * @param validationScore accuracy or RMSE on the validation split
   * @param fineTuned whether it was fine-tuned before it was scored
   * @param withinBudget whether its score stays within the budget
   * @param delivered whether it is the delivered network
   * @param source {@code posterior} (the most probable weights of the posterior at {@code epoch}),
   *     {@code magnitude} (the upload's largest weights, at the size of a posterior candidate) or
   *     {@code upload} (the uploaded network itself)
   */
  public record PathEntry(
      int epoch,
      long weights,
      List<Integer> nodes,
      int inputs,
      double density,
      Double validationScore,
      boolean fineTuned,
      boolean withinBudget,
      boolean delivered,
      String source) {}

  /**
   * What was kept and cut.
   *
   * @param nothingPruned true when every weight and input was kept
   * @param droppedInputs indices of the input features removed
   */
  public record Pruning(
      Rule rule,
      List<Integer> survivingArchitecture,
      List<Integer> originalArchitecture,
      long keptWeights,
      long totalWeights,
      double weightDensity,
      boolean nothingPruned,
      int keptInputs,
      int totalInputs,
      List<Integer> droppedInputs,
      List<Layer> layers) {}

  /**
   * The pruning rule applied.
   *
   * @param threshold set for {@code threshold}
   * @param targetWeights set for {@code targetWeights}
   * @param targetDensity set for {@code targetDensity}
   */
  public record Rule(RuleKind kind, Double threshold, Long targetWeights, Double targetDensity) {}

  /** How the rule chose. */
  public enum RuleKind {
    @JsonProperty("threshold")
    THRESHOLD,
    @JsonProperty("targetWeights")
    TARGET_WEIGHTS,
    @JsonProperty("targetDensity")
    TARGET_DENSITY,
    /** The smallest network on the path within the quality budget. */
    @JsonProperty("budget")
    BUDGET,
    @JsonProperty("none")
    NONE
  }

  /**
   * One layer after pruning.
   *
   * @param pipHistogram the weights' inclusion probabilities counted in ten equal bins over [0, 1]
   */
  public record Layer(
      int layer,
      int inputsKept,
      int outputsKept,
      long weightsKept,
      double weightDensity,
      List<Long> pipHistogram) {}

  /**
   * Test-split scores of each network compared.
   *
   * @param uploaded the network as uploaded
   * @param prunedBeforeFineTuning the pruned network before fine-tuning
   * @param pruned the delivered network (after fine-tuning, when there was any)
   * @param modelAverage the average over posterior samples
   * @param magnitudeBaseline the uploaded network pruned by weight magnitude to the same kept
   *     weights and surviving nodes, with the same fine-tuning; null only in re-prunings stored
   *     before re-pruning became a job of its own, which did not measure it
   */
  public record ScoreSet(
      Scores uploaded,
      Scores prunedBeforeFineTuning,
      Scores pruned,
      Scores modelAverage,
      Scores magnitudeBaseline) {}

  /**
   * Held-out quality; null where a score does not apply to the task.
   *
   * @param accuracy fraction of correct classes (classification)
   * @param nll mean negative log-likelihood per example
   * @param ece expected calibration error (classification)
   * @param rmse root mean squared error in the target's units (regression)
   * @param uncertainty mean predictive entropy (classification) or sd (regression)
   */
  public record Scores(Double accuracy, Double nll, Double ece, Double rmse, Double uncertainty) {}

  /**
   * Size and speed before and after.
   *
   * <p>Only {@code prunedParameters} is set in re-prunings stored before re-pruning became a job of
   * its own; the other figures are null there.
   *
   * @param prunedParameters non-zero weights plus biases of the delivered network
   * @param uploadedFlops multiply-adds times two plus bias adds per example, dense
   * @param prunedSparseFlops the same for the delivered network, counting only non-zero weights
   * @param uploadedLatencyMicros measured forward time per example; null when not measurable
   * @param measuredSpeedup uploaded over pruned latency
   */
  public record Size(
      Long uploadedParameters,
      long prunedParameters,
      Long uploadedFlops,
      Long prunedFlops,
      Long prunedSparseFlops,
      Double uploadedLatencyMicros,
      Double prunedLatencyMicros,
      Double measuredSpeedup) {}

  /**
   * The delivered ONNX file.
   *
   * @param sizeRatio its size over the uploaded file's
   */
  public record ArtifactInfo(
      String sha256, long sizeBytes, long originalSizeBytes, Double sizeRatio) {}

  /** One epoch of the variational training; null where a figure was not finite. */
  public record Epoch(
      int epoch,
      Double elbo,
      Double kl,
      Double nll,
      Double density,
      Double validationMetric,
      Double seconds) {}

  /**
   * Where the result came from.
   *
   * @param serviceVersion the version of the service that ran the job; null in results stored
   *     before the service recorded it
   * @param modelSha256 SHA-256 of the uploaded ONNX file
   * @param datasetFiles SHA-256 of each uploaded dataset file
   * @param heldOutDatasetFiles SHA-256 of each file of the held-out dataset whose rows gave the
   *     validation and test splits; null for a job without one
   * @param splits how the rows were split; null in results stored before the service recorded it
   * @param settings the engine settings the job ran with, every default resolved
   * @param trainSha256 SHA-256 of the training split's features and targets, as the engine saw them
   */
  public record Provenance(
      String serviceVersion,
      String modelSha256,
      List<DatasetFile> datasetFiles,
      List<DatasetFile> heldOutDatasetFiles,
      Splits splits,
      RunSettings settings,
      long seed,
      String trainSha256,
      String nd4jVersion,
      String javaVersion,
      String os,
      String cpu) {}

  /** One uploaded dataset file, by the part it was uploaded as. */
  public record DatasetFile(String role, String sha256) {}

  /**
   * How the rows were split: the fractions asked for and the rows each split got.
   *
   * @param heldOut whether the validation and test rows are the held-out dataset's (half each, the
   *     fractions 0.5 of its rows) and every row of the dataset trained
   */
  public record Splits(
      double validationFraction,
      double testFraction,
      int trainRows,
      int validationRows,
      int testRows,
      boolean heldOut) {}
}
