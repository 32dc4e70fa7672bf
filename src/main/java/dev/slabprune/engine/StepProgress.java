package dev.slabprune.engine;

/**
 * Progress within an epoch.
 *
 * @param epoch 1-based epoch in progress
 * @param step steps done in this epoch
 * @param stepsPerEpoch steps in a full epoch
 * @param nll mean negative log-likelihood of the last batch
 */
public record StepProgress(int epoch, int step, int stepsPerEpoch, double nll) {}
