package dev.slabprune.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Access to the API. With no keys configured the service runs open, for local use: every request
 * acts for one owner, and the service binds to localhost unless {@code server.address} says
 * otherwise.
 *
 * @param apiKeys keys given in configuration, as {@code owner:sha256-of-the-key}; more are minted
 *     through the admin endpoints
 * @param adminKeys SHA-256 hashes of the keys that may mint and revoke API keys
 */
@ConfigurationProperties("slabprune.security")
public record SecurityProperties(
    @DefaultValue List<String> apiKeys, @DefaultValue List<String> adminKeys) {

  public SecurityProperties {
    apiKeys = List.copyOf(apiKeys);
    adminKeys = List.copyOf(adminKeys);
    for (String entry : apiKeys) {
      int colon = entry.indexOf(':');
      if (colon < 1 || !ApiKeys.isSha256(entry.substring(colon + 1))) {
        throw new IllegalArgumentException(
            "slabprune.security.api-keys takes owner:sha256 entries (64 lower-case hex digits of"
                + " the key's SHA-256), got '"
                + entry.replaceAll("[^:]{6}$", "******")
                + "'");
      }
    }
    for (String hash : adminKeys) {
      if (!ApiKeys.isSha256(hash)) {
        throw new IllegalArgumentException(
            "slabprune.security.admin-keys takes SHA-256 hashes of keys (64 lower-case hex digits)");
      }
    }
  }

  /** Whether requests must carry a key. */
  public boolean enforced() {
    return !apiKeys.isEmpty() || !adminKeys.isEmpty();
  }
}
