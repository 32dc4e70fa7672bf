package dev.slabprune.engine;

/**
 * Held-out quality of one set of predictions; NaN where a score does not apply to the task.
 *
 * @param accuracy fraction of correct classes (classification)
 * @param nll mean negative log-likelihood per example (cross-entropy, or Gaussian with the noise sd
 *     in original units)
 * @param ece expected calibration error over 15 confidence bins (classification)
 * @param rmse root mean squared error in the target's units (regression)
 * @param uncertainty mean predictive entropy in nats (classification) or mean predictive sd
 *     (regression); for the model average it includes the spread over posterior samples
 */
public record Scores(double accuracy, double nll, double ece, double rmse, double uncertainty) {}
