package dev.slabprune.security;

import dev.slabprune.api.Owner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Checks a bearer API key against the SHA-256 hashes of the configured and minted keys: a user key
 * acts for its owner with the authority {@value SecurityConfiguration#USER}; an admin key has
 * {@value SecurityConfiguration#ADMIN}, which mints and revokes keys.
 */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

  /** Whom an admin key that is no owner's key acts as, in logs. */
  static final String ADMIN_PRINCIPAL = "admin";

  private final ApiKeys keys;

  ApiKeyAuthenticationProvider(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String key = (String) authentication.getCredentials();
    if (key == null || key.isEmpty()) {
      throw new BadCredentialsException(
          "The Authorization header holds no key: send 'Authorization: Bearer <key>'.");
    }
    Optional<String> owner = keys.owner(key);
    boolean admin = keys.isAdmin(key);
    List<GrantedAuthority> authorities = new ArrayList<>(2);
    owner.ifPresent(o -> authorities.add(new SimpleGrantedAuthority(SecurityConfiguration.USER)));
    if (admin) {
      authorities.add(new SimpleGrantedAuthority(SecurityConfiguration.ADMIN));
    }
    if (authorities.isEmpty()) {
      throw new BadCredentialsException(
          "The API key is not known or was revoked. Ask your administrator for a key.");
    }
    return ApiKeyAuthentication.authenticated(
        owner.<Object>map(Owner::new).orElse(ADMIN_PRINCIPAL), authorities);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return ApiKeyAuthentication.class.isAssignableFrom(authentication);
  }
}
