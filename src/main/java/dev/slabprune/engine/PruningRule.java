package dev.slabprune.engine;

/**
 * Which weights, nodes and input features to keep, decided from posterior inclusion probabilities
 * (PIPs). The default is the median probability model (keep PIP &gt; 0.5), as used for the pruned
 * network of Saha, Liu &amp; Liang (arXiv 2411.00273) and Bai, Song &amp; Cheng (NeurIPS 2020).
 */
public sealed interface PruningRule {

  /** Keep every weight, node and input whose PIP exceeds {@code threshold}. */
  record Threshold(double threshold) implements PruningRule {
    public Threshold {
      if (!(threshold >= 0 && threshold < 1)) {
        throw new InvalidInputException("the PIP threshold must lie in [0, 1), got " + threshold);
      }
    }
  }

  /**
   * Keep the {@code weights} weights with the largest PIPs (ties broken by position); nodes and
   * inputs left without a live path are removed.
   */
  record TargetWeights(long weights) implements PruningRule {
    public TargetWeights {
      if (weights < 1) {
        throw new InvalidInputException("the target number of weights must be at least 1");
      }
    }
  }

  /** Keep everything: the returned network is the posterior mean of the slab, unpruned. */
  record None() implements PruningRule {}

  /** The median probability model: PIP &gt; 0.5. */
  static PruningRule median() {
    return new Threshold(0.5);
  }
}
