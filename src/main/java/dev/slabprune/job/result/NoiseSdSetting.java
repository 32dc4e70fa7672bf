package dev.slabprune.job.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The noise sd of a regression's Gaussian likelihood, on the standardised target: a positive
 * number, or {@code "auto"} (the default) for the uploaded network's own residuals on the training
 * rows. Jobs stored before the choice existed hold a number.
 *
 * @param value the fixed sd, or null for the estimate from the upload
 */
public record NoiseSdSetting(Double value) {

  public static final NoiseSdSetting AUTO = new NoiseSdSetting(null);

  public NoiseSdSetting {
    if (value != null && !(value > 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException("a noise sd is a positive number: " + value);
    }
  }

  public boolean auto() {
    return value == null;
  }

  @JsonValue
  Object json() {
    return value == null ? "auto" : value;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static NoiseSdSetting of(Object json) {
    if (json instanceof Number number) {
      return new NoiseSdSetting(number.doubleValue());
    }
    if (json == null || "auto".equals(json)) {
      return AUTO;
    }
    throw new IllegalArgumentException("noiseSd is a positive number or \"auto\": " + json);
  }
}
