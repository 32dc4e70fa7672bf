package dev.slabprune.job.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The prior inclusion probability a job runs with: a number in (0, 1), or {@code "auto"} for the
 * automatic choice from the architecture and the number of training rows.
 *
 * @param value the fixed probability, or null for automatic
 */
public record PriorInclusionSetting(Double value) {

  public static final PriorInclusionSetting AUTO = new PriorInclusionSetting(null);

  public PriorInclusionSetting {
    if (value != null && !(value > 0 && value < 1)) {
      throw new IllegalArgumentException("a prior inclusion probability lies in (0, 1): " + value);
    }
  }

  public boolean auto() {
    return value == null;
  }

  /** {@code "auto"} or the number, as in the job request. */
  @JsonValue
  public Object json() {
    return value == null ? "auto" : value;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PriorInclusionSetting of(Object json) {
    if (json instanceof Number number) {
      return new PriorInclusionSetting(number.doubleValue());
    }
    if ("auto".equals(json)) {
      return AUTO;
    }
    throw new IllegalArgumentException("priorInclusion is a number in (0, 1) or \"auto\": " + json);
  }
}
