package dev.slabprune.job.result;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a job does. */
public enum JobKind {
  /** Trains the posterior of an uploaded network, prunes it, fine-tunes and reports. */
  COMPRESSION,
  /** Prunes the posterior of a finished job again with another rule, without training. */
  REPRUNE;

  /** The name in JSON documents: {@code compression} or {@code reprune}. */
  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind stored in {@code job.kind}. */
  public static JobKind ofColumn(String column) {
    return valueOf(column);
  }
}
