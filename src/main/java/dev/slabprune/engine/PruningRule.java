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

  /**
   * Keep {@code density} of the weights (a fraction in (0, 1]), the most probable: {@link
   * TargetWeights} of {@code round(density * weights)}, at least one.
   */
  record TargetDensity(double density) implements PruningRule {
    public TargetDensity {
      if (!(density > 0 && density <= 1)) {
        throw new InvalidInputException("the target density must lie in (0, 1], got " + density);
      }
    }

    /** The number of weights this density keeps of {@code total}. */
    public long weights(long total) {
      return Math.max(1, Math.round(density * total));
    }
  }

  /**
   * The smallest network on the training path whose fine-tuned validation score stays within a
   * quality budget of the reference (ours, ALGORITHM.md §9): accuracy may drop by at most {@code
   * maxAccuracyDrop} (a fraction: 0.01 is one point) for classification; the RMSE may grow by at
   * most the fraction {@code maxRelativeRmseIncrease} for regression. Pruning a single posterior by
   * this rule gives the median model.
   */
  record QualityBudget(double maxAccuracyDrop, double maxRelativeRmseIncrease)
      implements PruningRule {
    public static final double DEFAULT_ACCURACY_DROP = 0.01;
    public static final double DEFAULT_RELATIVE_RMSE_INCREASE = 0.05;

    public QualityBudget {
      if (!(maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
        throw new InvalidInputException(
            "maxAccuracyDrop must lie in [0, 1], got " + maxAccuracyDrop);
      }
      if (!(maxRelativeRmseIncrease >= 0 && maxRelativeRmseIncrease <= 100)) {
        throw new InvalidInputException(
            "maxRelativeRmseIncrease must lie in [0, 100], got " + maxRelativeRmseIncrease);
      }
    }

    /** One accuracy point, or 5% of the RMSE. */
    public static QualityBudget defaults() {
      return new QualityBudget(DEFAULT_ACCURACY_DROP, DEFAULT_RELATIVE_RMSE_INCREASE);
    }

    /** The worst validation score still within the budget of {@code reference}. */
    public double limit(double reference, boolean classification) {
      return classification
          ? reference - maxAccuracyDrop
          : reference * (1 + maxRelativeRmseIncrease);
    }

    /** Whether {@code score} is at least as good as {@code limit}. */
    public static boolean within(double score, double limit, boolean classification) {
      double slack = 1e-9 * Math.max(1, Math.abs(limit));
      return classification ? score >= limit - slack : score <= limit + slack;
    }
  }

  /** Keep everything: the returned network is the posterior mean of the slab, unpruned. */
  record None() implements PruningRule {}

  /** The median probability model: PIP &gt; 0.5. */
  static PruningRule median() {
    return new Threshold(0.5);
  }
}
