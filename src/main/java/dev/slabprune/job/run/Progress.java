package dev.slabprune.job.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How far a job has come. While it runs its worker reports it with each heartbeat; once the job
 * ends, its phase says how it ended.
 *
 * @param phase what the job is doing, or how it ended
 * @param epoch the training epoch under way (0 before training, and for re-prunings)
 * @param totalEpochs the epochs the job trains for (0 for re-prunings)
 * @param fraction of the training done, from 0 to 1
 * @param elbo the last finished epoch's evidence lower bound; null before the first or when not
 *     finite
 * @param kl the last finished epoch's KL divergence of the posterior to the prior; null as elbo
 * @param nll the last finished epoch's mean negative log-likelihood per example; null as elbo
 * @param density the last finished epoch's weight density at inclusion probability 0.5
 * @param validationMetric the last finished epoch's validation accuracy or RMSE
 * @param etaSeconds estimated seconds of training left; null while unknown
 * @param resumedFromEpoch the checkpoint's epoch when this attempt resumed from one; else null
 */
public record Progress(
    Phase phase,
    int epoch,
    int totalEpochs,
    double fraction,
    Double elbo,
    Double kl,
    Double nll,
    Double density,
    Double validationMetric,
    Double etaSeconds,
    Integer resumedFromEpoch) {

  /** What a job is doing, or how it ended. */
  public enum Phase {
    QUEUED,
    LOADING,
    TRAINING,
    PRUNING,
    WRITING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A job that has not started yet, or is back in the queue without any progress. */
  public static Progress queued() {
    return new Progress(Phase.QUEUED, 0, 0, 0, null, null, null, null, null, null, null);
  }

  /**
   * This progress in another phase: the figures stay as they were; a finished job's fraction is 1
   * and no phase but a running one has an estimate of time left.
   */
  public Progress in(Phase next) {
    return new Progress(
        next,
        epoch,
        totalEpochs,
        next == Phase.SUCCEEDED ? 1 : fraction,
        elbo,
        kl,
        nll,
        density,
        validationMetric,
        null,
        resumedFromEpoch);
  }
}
