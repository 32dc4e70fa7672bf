package dev.slabprune.api;

/** The request is valid but the resource's current state forbids it: answered with 409. */
public class ConflictException extends RuntimeException {

  private final String slug;
  private final String title;

  public ConflictException(String slug, String title, String detail) {
    super(detail);
    this.slug = slug;
    this.title = title;
  }

  /**
   * The uploaded input cannot go while jobs use it.
   *
   * @param kind {@code model} or {@code dataset}
   */
  public static ConflictException inUse(String kind, Object id, long activeJobs) {
    String title = Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    return new ConflictException(
        kind + "-in-use",
        title + " in use",
        title
            + " "
            + id
            + " is used by "
            + activeJobs
            + " queued or running job(s). Cancel them or wait for them to finish, then delete"
            + " the "
            + kind
            + ".");
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }
}
