package dev.slabprune.api;

import java.util.List;
import java.util.Objects;

/**
 * Input that cannot succeed as given: answered with a 4xx problem detail (RFC 9457) and, inside a
 * job, a permanent failure that is never retried.
 *
 * <p>Subclasses name the input's kind; each instance carries a stable problem {@link #slug()},
 * which becomes the problem's {@code type} URI, a short human {@link #title()}, and a {@code
 * detail} message (the exception message) that says what is wrong and how to fix it.
 */
public class BadInputException extends RuntimeException {

  /** One thing wrong with the input, at a named place (a field, or a row and column). */
  public record Violation(String location, String message) {
    public Violation {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(message, "message");
    }
  }

  private final String slug;
  private final String title;
  private final int status;
  private final List<Violation> violations;

  public BadInputException(String slug, String title, String detail) {
    this(slug, title, detail, 400, List.of(), null);
  }

  public BadInputException(
      String slug,
      String title,
      String detail,
      int status,
      List<Violation> violations,
      Throwable cause) {
    super(detail, cause);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("a bad-input status is 4xx, got " + status);
    }
    this.slug = Objects.requireNonNull(slug, "slug");
    this.title = Objects.requireNonNull(title, "title");
    this.status = status;
    this.violations = List.copyOf(violations);
  }

  /** Stable identifier of the problem, such as {@code csv-ragged-row}. */
  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  /** HTTP status: 400 unless a subclass says otherwise (413 for size limits, for example). */
  public int status() {
    return status;
  }

  public List<Violation> violations() {
    return violations;
  }
}
