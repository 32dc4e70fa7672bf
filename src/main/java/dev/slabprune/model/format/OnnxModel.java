package dev.slabprune.model.format;

import dev.slabprune.engine.DenseNetwork;

/**
 * A model read from ONNX.
 *
 * @param network the computation from the graph's input to its output; a Gather in front of the
 *     first layer is folded into that layer's weights (dropped columns get zero weights), so the
 *     network takes the graph's full input width
 * @param summary what the file holds
 */
public record OnnxModel(DenseNetwork network, OnnxModelSummary summary) {}
