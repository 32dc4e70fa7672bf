package dev.slabprune.api;

import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The owner the current request acts for, as access control authenticated it. Controllers ask this
 * component, never a header, so access control has one place.
 */
@Component
public class CurrentOwner {

  /**
   * @throws BadInputException (403) when the request acts for no owner; the access rules let no
   *     such request reach a controller that asks
   */
  public Owner get() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof Owner owner) {
      return owner;
    }
    throw new BadInputException(
        "owner-required",
        "Owner required",
        "This operation acts for an owner: send an owner's API key as 'Authorization: Bearer"
            + " <key>'.",
        403,
        List.of(),
        null);
  }
}
