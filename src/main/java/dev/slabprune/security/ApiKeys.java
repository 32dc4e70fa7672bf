package dev.slabprune.security;

import dev.slabprune.api.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** API keys: the configured ones and those minted here, each mapped to its owner. */
@Service
public class ApiKeys {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A minted key: the key itself is in {@code key} only in the answer to the mint request. */
  public record Minted(UUID id, String owner, String key, Instant createdAt) {}

  /** A key as listed: never the key, only who owns it and when. */
  public record Listed(UUID id, String owner, Instant createdAt, Instant revokedAt) {}

  private final JdbcClient jdbc;
  private final SecurityProperties properties;
  private final Clock clock;

  public ApiKeys(JdbcClient jdbc, SecurityProperties properties, Clock clock) {
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /** The owner of a presented key, if it is a live key. */
  public Optional<String> owner(String key) {
    String hash = sha256(key);
    for (String entry : properties.apiKeys()) {
      int colon = entry.indexOf(':');
      if (MessageDigest.isEqual(
          entry.substring(colon + 1).getBytes(StandardCharsets.US_ASCII),
          hash.getBytes(StandardCharsets.US_ASCII))) {
        return Optional.of(entry.substring(0, colon));
      }
    }
    return jdbc.sql("select owner from api_key where key_sha256 = ? and revoked_at is null")
        .param(hash)
        .query(String.class)
        .optional();
  }

  public boolean isAdmin(String key) {
    String hash = sha256(key);
    return properties.adminKeys().stream()
        .anyMatch(
            admin ->
                MessageDigest.isEqual(
                    admin.getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII)));
  }

  public Minted mint(String owner) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = "sp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    UUID id = UUID.randomUUID();
    Instant now = clock.instant();
    jdbc.sql("insert into api_key (id, owner, key_sha256, created_at) values (?, ?, ?, ?)")
        .params(id, owner, sha256(key), OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
        .update();
    return new Minted(id, owner, key, now);
  }

  public List<Listed> list() {
    return jdbc.sql("select id, owner, created_at, revoked_at from api_key order by created_at")
        .query(
            (row, i) ->
                new Listed(
                    row.getObject(1, UUID.class),
                    row.getString(2),
                    row.getObject(3, OffsetDateTime.class).toInstant(),
                    Optional.ofNullable(row.getObject(4, OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)
                        .orElse(null)))
        .list();
  }

  public void revoke(UUID id) {
    int revoked =
        jdbc.sql("update api_key set revoked_at = coalesce(revoked_at, ?) where id = ?")
            .params(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), id)
            .update();
    if (revoked == 0) {
      throw new NotFoundException("api key", id.toString());
    }
  }

  public static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  static boolean isSha256(String value) {
    return SHA256.matcher(value).matches();
  }
}
