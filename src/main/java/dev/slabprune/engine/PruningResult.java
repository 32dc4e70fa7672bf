package dev.slabprune.engine;

import java.util.List;

/**
 * A pruned network and the inclusion probabilities it was decided from (Saha, Liu &amp; Liang,
 * arXiv 2411.00273: node and input-feature PIPs from a weight-level spike-and-slab network).
 *
 * @param network the physically smaller network: kept weights = mu, removed nodes gone, constant
 *     nodes folded into the next biases
 * @param keptInputs indices (into the original inputs) of the inputs {@code network} takes
 * @param keptNodes per hidden layer, indices (into the original layer) of the nodes kept
 * @param maskedNetwork the original architecture with every removed weight set to 0; computes the
 *     same function as {@code network} on the kept inputs
 * @param keptWeights non-zero weights of {@code network} (biases excluded)
 * @param totalWeights weights of the original network
 * @param inputPips per original input, {@code 1 - prod(1 - phi)} over its first-layer weights
 * @param nodePips per hidden layer, closed form {@code P(fed) * P(used)}
 * @param nodePipsMonteCarlo per hidden layer, the fraction of joint mask draws in which the node
 *     lies on a live input-to-output path
 * @param layers per-layer counts and PIP histograms
 * @param rule the rule applied
 */
public record PruningResult(
    DenseNetwork network,
    int[] keptInputs,
    List<int[]> keptNodes,
    DenseNetwork maskedNetwork,
    long keptWeights,
    long totalWeights,
    double[] inputPips,
    List<double[]> nodePips,
    List<double[]> nodePipsMonteCarlo,
    List<LayerSummary> layers,
    PruningRule rule) {

  public double weightDensity() {
    return (double) keptWeights / totalWeights;
  }
}
