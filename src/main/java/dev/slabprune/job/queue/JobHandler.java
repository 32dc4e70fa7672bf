package dev.slabprune.job.queue;

/** The work a job does once claimed: compression, in the service; something small in tests. */
@FunctionalInterface
public interface JobHandler {

  /**
   * Runs the job, checking {@link JobContext#stopRequested()} between steps and throwing {@link
   * JobStoppedException} when it is set.
   *
   * @return what stores the result (in the transaction that marks the job succeeded, and only if
   *     this worker still holds the job) and what removes it otherwise
   * @throws JobFailedException for a failure the handler has classified; a {@linkplain
   *     JobFailedException#permanent permanent} one fails the job at once, without retries
   * @throws Exception anything else is taken as transient and retried while attempts remain
   */
  Completion run(ClaimedJob job, JobContext context) throws Exception;
}
