package dev.slabprune.job.queue;

import java.util.UUID;

/**
 * A job as a worker holds it: every write back names the {@code version} it was claimed at, so a
 * worker that lost the job (reaped, cancelled, taken by another) cannot overwrite it.
 *
 * @param attempt which start this is, from 1
 * @param kind what the job does, as its handler names it (the queue does not interpret it)
 * @param sourceJobId the job this one works on, for kinds that derive from another job; else null
 * @param heldOutDatasetId the dataset whose rows give the validation and test splits; else null
 * @param parameters the job's settings as JSON
 */
public record ClaimedJob(
    UUID id,
    long version,
    int attempt,
    int maxAttempts,
    String owner,
    String kind,
    UUID sourceJobId,
    UUID modelId,
    UUID datasetId,
    UUID heldOutDatasetId,
    String parameters) {}
