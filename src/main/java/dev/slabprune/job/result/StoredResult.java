package dev.slabprune.job.result;

/**
 * What a finished job keeps: its pruned ONNX model, the posterior it was pruned from (shared with
 * the jobs that re-prune it), the report and the inclusion probabilities.
 */
public record StoredResult(
    String prunedSha256,
    String posteriorSha256,
    JobReport report,
    InclusionProbabilities inclusionProbabilities) {}
