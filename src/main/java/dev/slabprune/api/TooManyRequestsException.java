package dev.slabprune.api;

import java.util.List;

/** A limit on how much or how fast an owner may ask: 429, with when to try again. */
public class TooManyRequestsException extends BadInputException {

  private final long retryAfterSeconds;

  /**
   * @param setting the setting that holds the limit, named in {@code errors[]}
   * @param retryAfterSeconds when a retry may succeed, for the {@code Retry-After} header
   */
  public TooManyRequestsException(
      String slug, String title, String detail, String setting, long retryAfterSeconds) {
    super(slug, title, detail, 429, List.of(new Violation(setting, "limit reached")), null);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
