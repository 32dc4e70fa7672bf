package dev.slabprune.engine;

/**
 * One network on the path of prunable networks along training (ours, ALGORITHM.md §9): pruned from
 * the posterior as it stood at the end of {@code epoch} (0: the uploaded network), scored on the
 * validation examples.
 *
 * @param epoch the epoch whose posterior it was pruned from; 0 for the uploaded network
 * @param weights non-zero weights kept (biases excluded)
 * @param nodes hidden nodes kept, per hidden layer
 * @param inputs input features kept
 * @param density {@code weights} over the network's weights
 * @param validationScore accuracy (classification) or RMSE (regression) on the validation examples
 * @param fineTuned whether it was fine-tuned (with the job's budget) before it was scored
 * @param withinBudget whether {@code validationScore} stays within the quality budget
 * @param delivered whether it is the delivered network
 * @param source {@code posterior} (top-k by inclusion probability of the posterior at {@code
 *     epoch}), {@code posterior-nodes} (the same top-k gathered on fewer hidden nodes, {@link
 *     Pruner#concentrated}), {@code magnitude} (the upload's weights of largest magnitude, at the
 *     same size as a posterior candidate) or {@code upload} (the uploaded network, unpruned)
 */
public record PathPoint(
    int epoch,
    long weights,
    int[] nodes,
    int inputs,
    double density,
    double validationScore,
    boolean fineTuned,
    boolean withinBudget,
    boolean delivered,
    String source) {

  static final String POSTERIOR = "posterior";
  static final String POSTERIOR_NODES = "posterior-nodes";
  static final String MAGNITUDE = "magnitude";
  static final String MAGNITUDE_NODES = "magnitude-nodes";
  static final String UPLOAD = "upload";

  PathPoint judged(boolean within, boolean isDelivered) {
    return new PathPoint(
        epoch,
        weights,
        nodes,
        inputs,
        density,
        validationScore,
        fineTuned,
        within,
        isDelivered,
        source);
  }

  static PathPoint of(
      int epoch, PruningResult pruning, double score, boolean fineTuned, String source) {
    int[] nodes = new int[pruning.keptNodes().size()];
    for (int l = 0; l < nodes.length; l++) {
      nodes[l] = pruning.keptNodes().get(l).length;
    }
    return new PathPoint(
        epoch,
        pruning.keptWeights(),
        nodes,
        pruning.keptInputs().length,
        pruning.weightDensity(),
        score,
        fineTuned,
        false,
        false,
        source);
  }
}
