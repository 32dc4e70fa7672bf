package dev.slabprune.api;

import java.util.Objects;

/**
 * Whom a request acts for: every model, dataset and job belongs to one owner, and another owner's
 * ids answer 404 exactly as missing ones do.
 *
 * @param name the owner's stable name
 */
public record Owner(String name) {

  /** The owner of everything while the service runs without API keys (local use). */
  public static final Owner LOCAL = new Owner("local");

  public Owner {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an owner needs a name");
    }
  }
}
