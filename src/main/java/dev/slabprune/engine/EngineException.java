package dev.slabprune.engine;

/** The root of the engine's own failures; the service maps these to its own error types. */
public class EngineException extends RuntimeException {

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
