package dev.slabprune.api;

import org.springframework.stereotype.Component;

/**
 * Resolves the owner of the current request. Until API keys exist every request acts for {@link
 * Owner#LOCAL}; controllers ask this component, never a header, so access control has one place to
 * change.
 */
@Component
public class CurrentOwner {

  public Owner get() {
    return Owner.LOCAL;
  }
}
