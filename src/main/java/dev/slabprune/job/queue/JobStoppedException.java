package dev.slabprune.job.queue;

/** Thrown by a handler that stopped because its context asked it to. */
public class JobStoppedException extends RuntimeException {

  public JobStoppedException(JobContext.StopReason reason) {
    super("job stopped: " + reason);
  }
}
