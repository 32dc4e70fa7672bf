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
 * @param referenceSource {@code upload}; {@code upload-less-optimism} when the upload's score is
 *     made worse by its estimated optimism (it scores as well on the validation rows as on its
 *     training rows, where a network trained on the training rows alone loses more: it saw them);
 *     {@code largest-candidate} when that correction reaches the largest candidate's score, which
 *     bounds it (see {@code PathSearch.Gaps}); {@code upload-held-out} when the validation and test
 *     rows are held out from the upload ({@link CompressionConfig#heldOut()}): its own score,
 *     honest, uncorrected
 * @param limit the worst validation score still within the budget
 * @param magnitudeLimit the same for candidates made of the upload's own weights (magnitude
 *     pruning): the upload's own validation score less the budget where that is stricter, since
 *     they keep the upload's memory of rows it learned ({@code PathSearch.Limit})
 * @param met whether the delivered network is within the budget
 * @param delivered the delivered network's point on the path
 * @param advice when not met, what to try; null otherwise
 * @param confirmationReference the reference on the confirmation examples (the job's test split),
 *     chosen as {@code reference} is; NaN without a confirmation
 * @param confirmationLimit the worst score within the budget on the confirmation examples
 * @param confirmationScore the delivered network's score on the confirmation examples
 * @param confirmationMargin the allowance for the confirmation rows' noise the delivered network
 *     was confirmed with: one standard error of its paired difference with the reference network,
 *     in the score's units (the score made worse by it is held against the limit)
 * @param confirmationRows rows of the confirmation examples; 0 without a confirmation
 * @param pathSeconds wall time spent recording the path at epoch ends
 * @param searchSeconds wall time spent pruning, fine-tuning and scoring candidates at the end
 * @param candidatesFineTuned how many candidates were fine-tuned and scored (a candidate that is
 *     the same network as another, from the other ranking, shares its fine-tuning)
 */
public record BudgetResult(
    boolean classification,
    PruningRule.QualityBudget budget,
    double uploadScore,
    double largestCandidateScore,
    double reference,
    String referenceSource,
    double limit,
    double magnitudeLimit,
    boolean met,
    PathPoint delivered,
    String advice,
    double confirmationReference,
    double confirmationLimit,
    double confirmationScore,
    double confirmationMargin,
    int confirmationRows,
    double pathSeconds,
    double searchSeconds,
    int candidatesFineTuned) {}
