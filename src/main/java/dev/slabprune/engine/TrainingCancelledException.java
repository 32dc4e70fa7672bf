package dev.slabprune.engine;

/** The run was cancelled between two steps; the last completed epoch is {@link #epoch()}. */
public class TrainingCancelledException extends EngineException {

  private final int epoch;

  public TrainingCancelledException(int epoch) {
    super("training cancelled after " + epoch + " completed epochs");
    this.epoch = epoch;
  }

  public int epoch() {
    return epoch;
  }
}
