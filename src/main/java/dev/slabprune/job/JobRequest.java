package dev.slabprune.job;

import java.util.UUID;

/**
 * What a client sends to start a job.
 *
 * @param validationFraction share of the rows held out for early stopping; default 0.1
 * @param testFraction share of the rows held out for the report; default 0.2
 * @param seed null for a random one, which is then recorded with the job
 * @param reducedInput give the pruned model only the kept inputs, instead of a Gather in front
 * @param heldOutDatasetId a dataset of the owner's holding rows the uploaded network never saw: the
 *     job then trains on every row of {@code datasetId} and takes its validation and test splits
 *     from these rows, half each (no fractions with it)
 */
public record JobRequest(
    UUID modelId,
    UUID datasetId,
    EngineSettings settings,
    Double validationFraction,
    Double testFraction,
    Long seed,
    Boolean reducedInput,
    UUID heldOutDatasetId) {}
