package dev.slabprune.api;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Resolves the owner of the current request, as the API key filter recorded it. Controllers ask
 * this component, never a header, so access control has one place.
 */
@Component
public class CurrentOwner {

  /** The request attribute that holds the {@link Owner}. */
  public static final String ATTRIBUTE = CurrentOwner.class.getName() + ".owner";

  public Owner get() {
    Object owner =
        RequestContextHolder.currentRequestAttributes()
            .getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    if (owner instanceof Owner known) {
      return known;
    }
    throw new IllegalStateException("no owner was recorded for this request");
  }
}
