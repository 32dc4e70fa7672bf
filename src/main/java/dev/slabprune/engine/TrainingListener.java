package dev.slabprune.engine;

import java.util.function.Supplier;

/** Receives training events; throwing from a callback ends the run with that exception. */
public interface TrainingListener {

  /**
   * After every epoch. {@code checkpoint} serialises the complete training state at this point;
   * resuming from it reproduces the uninterrupted run bit for bit.
   */
  default void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {}

  /**
   * Asked after every epoch, once every listener has seen {@link #onEpochEnd}: answering true ends
   * the variational phase there (the run then prunes and reports as after its last epoch).
   */
  default boolean stopAfterEpoch(EpochSummary summary) {
    return false;
  }

  /** Every {@link CompressionConfig#stepEventInterval()} steps. */
  default void onSteps(StepProgress progress) {}

  /** A listener that fails the run as soon as a batch loss or an epoch's ELBO is not finite. */
  static TrainingListener failOnNaN() {
    return new TrainingListener() {
      @Override
      public void onSteps(StepProgress progress) {
        if (!Double.isFinite(progress.nll())) {
          throw new TrainingDivergedException(
              "the loss became "
                  + progress.nll()
                  + " in epoch "
                  + progress.epoch()
                  + " at step "
                  + progress.step());
        }
      }

      @Override
      public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
        if (!Double.isFinite(summary.elbo())) {
          throw new TrainingDivergedException(
              "the ELBO became " + summary.elbo() + " in epoch " + summary.epoch());
        }
      }
    };
  }
}
