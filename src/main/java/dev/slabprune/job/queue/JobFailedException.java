package dev.slabprune.job.queue;

/**
 * A failure the handler has classified: its problem detail for the owner, and whether trying again
 * could help. A {@linkplain #permanent permanent} failure (input that can never succeed) fails the
 * job at once, without retries.
 */
public class JobFailedException extends RuntimeException {

  private final String slug;
  private final String title;
  private final int status;
  private final boolean retryable;

  public JobFailedException(
      String slug, String title, String detail, boolean retryable, Throwable cause) {
    this(slug, title, detail, 500, retryable, cause);
  }

  private JobFailedException(
      String slug, String title, String detail, int status, boolean retryable, Throwable cause) {
    super(detail, cause);
    this.slug = slug;
    this.title = title;
    this.status = status;
    this.retryable = retryable;
  }

  /**
   * The job's input can never succeed as given (a deleted model, a dataset the engine refuses): the
   * job fails at once with a 422 problem that says what to change.
   */
  public static JobFailedException permanent(
      String slug, String title, String detail, Throwable cause) {
    return new JobFailedException(slug, title, detail, 422, false, cause);
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  /** 422 for a permanent failure of the input, 500 for a failure of the service. */
  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }

  Failure failure() {
    return Failure.of(slug, title, status, getMessage());
  }
}
