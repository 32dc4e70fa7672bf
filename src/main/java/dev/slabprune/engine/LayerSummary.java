package dev.slabprune.engine;

/**
 * One layer of a pruned network.
 *
 * @param layer 0-based layer index
 * @param inputsKept fan-in after pruning
 * @param outputsKept fan-out after pruning
 * @param weightsKept kept weights (non-zero after pruning) of the layer
 * @param weightDensity kept weights over the original layer's weights
 * @param pipHistogram counts of the weights' inclusion probabilities in ten equal bins over [0, 1]
 */
public record LayerSummary(
    int layer,
    int inputsKept,
    int outputsKept,
    long weightsKept,
    double weightDensity,
    long[] pipHistogram) {}
