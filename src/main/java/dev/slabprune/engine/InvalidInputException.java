package dev.slabprune.engine;

/** A configuration, data set or network that the engine cannot work with; retrying won't help. */
public class InvalidInputException extends EngineException {

  public InvalidInputException(String message) {
    super(message);
  }
}
