package dev.slabprune.engine;

/** The loss became NaN or infinite; a smaller learning rate usually helps. */
public class TrainingDivergedException extends EngineException {

  public TrainingDivergedException(String message) {
    super(message);
  }
}
