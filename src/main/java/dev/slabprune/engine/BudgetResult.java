package dev.slabprune.engine;

/**
 * How the delivered network stands against the quality budget (ours, ALGORITHM.md §9).
 *
 * @param classification whether the score is accuracy (higher is better) rather than RMSE
 * @param budget the budget the delivery was measured against (the defaults when the job chose a
 *     size of its own)
 * @param uploadScore validation score of the uploaded network
 * @param largestCandidateScore validation score of the largest median model on the path,
 *     fine-tuned: a network trained on the training examples alone, as every candidate is
 * @param reference the score the budget is measured against
 * @param referenceSource {@code upload}, or {@code largest-candidate} when the largest candidate
 *     scores worse than the upload (the upload saw the validation rows, or the variational training
 *     itself costs): every candidate pays that cost too
 * @param limit the worst validation score still within the budget
 * @param met whether the delivered network is within the budget
 * @param delivered the delivered network's point on the path
 * @param advice when not met, what to try; null otherwise
 * @param pathSeconds wall time spent recording the path at epoch ends
 * @param searchSeconds wall time spent pruning, fine-tuning and scoring candidates at the end
 * @param candidatesFineTuned how many candidates were fine-tuned and scored
 */
public record BudgetResult(
    boolean classification,
    PruningRule.QualityBudget budget,
    double uploadScore,
    double largestCandidateScore,
    double reference,
    String referenceSource,
    double limit,
    boolean met,
    PathPoint delivered,
    String advice,
    double pathSeconds,
    double searchSeconds,
    int candidatesFineTuned) {}
