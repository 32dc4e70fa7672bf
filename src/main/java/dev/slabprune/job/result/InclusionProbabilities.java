package dev.slabprune.job.result;

import java.util.List;

/**
 * The posterior inclusion probabilities a job's pruning was decided from: per layer, the hidden
 * nodes' (closed form and Monte Carlo) and a histogram of the weights'; per input feature, its own.
 * Its schema is {@code InclusionProbabilities} in {@code openapi/openapi.yaml}.
 */
public record InclusionProbabilities(List<Layer> layers, List<Input> inputs) {

  /**
   * One layer of the original network.
   *
   * @param nodePips the output nodes' inclusion probabilities (closed form); null for the output
   *     layer, whose nodes are never pruned
   * @param nodePipsMonteCarlo the same, estimated from joint mask draws; null for the output layer
   * @param keptNodes indices of the output nodes kept; null for the output layer
   * @param weightsNpy where the layer's weight inclusion probabilities are, as NPY
   */
  public record Layer(
      int layer,
      int inputs,
      int outputs,
      List<Double> nodePips,
      List<Double> nodePipsMonteCarlo,
      List<Integer> keptNodes,
      List<Long> weightPipHistogram,
      String weightsNpy) {}

  /**
   * One input feature.
   *
   * @param name its name in the dataset, or null when the dataset has none
   */
  public record Input(int index, String name, double pip, boolean kept) {}
}
