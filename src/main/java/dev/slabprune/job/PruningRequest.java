package dev.slabprune.job;

/** A new pruning rule for a finished job: exactly one of threshold and targetWeights. */
public record PruningRequest(
    Double threshold, Long targetWeights, Boolean pruneNodes, Boolean selectInputs) {}
