package dev.slabprune.engine;

import java.util.List;

/**
 * The outcome of a compression run (ALGORITHM.md §7): the deployable network and how it compares
 * with the uploaded one, with the Bayesian model average of Bai, Song &amp; Cheng (NeurIPS 2020)
 * and with magnitude pruning to the same size; node and input PIPs as in Saha, Liu &amp; Liang
 * (arXiv 2411.00273). Latencies are measured and vary between runs; everything else is a function
 * of the inputs and the seed.
 *
 * @param network the network to deploy: pruned (weights = mu) and then fine-tuned when {@code
 *     fineTuneEpochs > 0}; it takes the inputs {@code pruning.keptInputs()}
 * @param pruning the pruned network before fine-tuning, its PIPs and per-layer summary
 * @param uploaded scores of the uploaded network on the test examples
 * @param prunedBeforeFineTuning scores of the pruned network before fine-tuning
 * @param pruned scores of {@code network}
 * @param modelAverage scores of the average over K posterior samples, with predictive uncertainty
 * @param magnitude scores of the uploaded network pruned by weight magnitude to the same kept
 *     weights and surviving nodes, after the same fine-tuning
 * @param uploadedParameters weights and biases of the uploaded network
 * @param prunedParameters non-zero weights plus biases of {@code network}
 * @param uploadedFlops multiply-adds times two plus bias adds of a dense forward pass, per example
 * @param prunedFlops the same for {@code network} as dense matrices
 * @param prunedSparseFlops the same counting only non-zero weights
 * @param uploadedLatencyMicros measured forward time per example, batches of up to 256
 * @param prunedLatencyMicros the same for {@code network}
 * @param lambda prior inclusion probability used
 * @param noiseSd noise sd of the Gaussian likelihood on the standardised target the posterior was
 *     trained with (regression; unused by a classification)
 * @param history per-epoch ELBO, KL, NLL, density and validation metric
 * @param provenance configuration, data hash, library versions, platform
 * @param budget how the delivered network stands against the quality budget (ours)
 * @param path the networks evaluated along training: the median model of every epoch end, the
 *     fine-tuned upload (epoch 0) and the fine-tuned candidates, by epoch then weights
 */
public record CompressionReport(
    DenseNetwork network,
    PruningResult pruning,
    Scores uploaded,
    Scores prunedBeforeFineTuning,
    Scores pruned,
    Scores modelAverage,
    Scores magnitude,
    long uploadedParameters,
    long prunedParameters,
    long uploadedFlops,
    long prunedFlops,
    long prunedSparseFlops,
    double uploadedLatencyMicros,
    double prunedLatencyMicros,
    double lambda,
    double noiseSd,
    List<EpochSummary> history,
    Provenance provenance,
    BudgetResult budget,
    List<PathPoint> path) {}
