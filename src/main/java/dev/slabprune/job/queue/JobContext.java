package dev.slabprune.job.queue;

/**
 * What a running job sees of its worker: where to report progress, and whether to stop. The
 * worker's heartbeat carries the latest progress to the database and brings back cancellation.
 */
public final class JobContext {

  /** Why a job must stop. */
  public enum StopReason {
    /** The owner cancelled the job. */
    CANCELLED,
    /** This instance is shutting down: checkpoint, and the job resumes elsewhere. */
    SHUTDOWN,
    /** The job was taken back (reaped or claimed again): stop without writing anything. */
    LOST
  }

  private volatile String progress;
  private volatile StopReason stop;

  /** Sets the progress (JSON) that the next heartbeat stores. */
  public void progress(String progressJson) {
    this.progress = progressJson;
  }

  String progress() {
    return progress;
  }

  public boolean stopRequested() {
    return stop != null;
  }

  /** Throws {@link JobStoppedException} when the job must stop; call it between steps. */
  public void checkStop() {
    StopReason reason = stop;
    if (reason != null) {
      throw new JobStoppedException(reason);
    }
  }

  public StopReason stopReason() {
    return stop;
  }

  void stop(StopReason reason) {
    // A lost job stays lost; cancellation outranks a shutdown.
    if (stop == StopReason.LOST
        || (stop == StopReason.CANCELLED && reason == StopReason.SHUTDOWN)) {
      return;
    }
    stop = reason;
  }
}
