package dev.slabprune.job.queue;

/**
 * A failure the handler has classified: its problem detail for the owner, and whether trying again
 * could help.
 */
public class JobFailedException extends RuntimeException {

  private final String slug;
  private final String title;
  private final boolean retryable;

  public JobFailedException(
      String slug, String title, String detail, boolean retryable, Throwable cause) {
    super(detail, cause);
    this.slug = slug;
    this.title = title;
    this.retryable = retryable;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public boolean retryable() {
    return retryable;
  }
}
