package dev.slabprune.engine;

/**
 * One epoch of variational training.
 *
 * @param epoch 1-based
 * @param elbo the evidence lower bound over the training set, {@code -(n * nll + kl)}
 * @param kl the exact KL of the variational posterior to the spike-and-slab prior, at epoch end
 * @param nll mean negative log-likelihood per example over the epoch's steps (one sample each)
 * @param density fraction of weights (biases excluded) with inclusion probability above 0.5
 * @param validationMetric accuracy (classification) or RMSE (regression) of the median model on the
 *     validation examples; NaN without validation examples
 * @param seconds wall time of the epoch
 */
public record EpochSummary(
    int epoch,
    double elbo,
    double kl,
    double nll,
    double density,
    double validationMetric,
    double seconds) {}
