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

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }
}
