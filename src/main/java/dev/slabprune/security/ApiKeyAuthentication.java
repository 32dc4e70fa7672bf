package dev.slabprune.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * A bearer API key: before authentication it carries only the key as presented; after, whom it acts
 * for (an {@link dev.slabprune.api.Owner}, or the name of an admin key) and its authorities. The
 * key itself is erased once it has been checked.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

  private final Object principal;
  private String key;

  private ApiKeyAuthentication(
      Object principal, String key, Collection<? extends GrantedAuthority> authorities) {
    super(authorities);
    this.principal = principal;
    this.key = key;
    setAuthenticated(!authorities.isEmpty());
  }

  /** A key as presented, not yet checked. */
  static ApiKeyAuthentication presented(String key) {
    return new ApiKeyAuthentication("api-key", key, List.of());
  }

  /** A checked key, acting for {@code principal} with {@code authorities}. */
  static ApiKeyAuthentication authenticated(
      Object principal, Collection<? extends GrantedAuthority> authorities) {
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("an authenticated key grants at least one authority");
    }
    return new ApiKeyAuthentication(principal, null, authorities);
  }

  @Override
  public Object getCredentials() {
    return key;
  }

  @Override
  public Object getPrincipal() {
    return principal;
  }

  @Override
  public void eraseCredentials() {
    super.eraseCredentials();
    key = null;
  }
}
