package dev.slabprune.security;

import dev.slabprune.api.BadInputException;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Minting, listing and revoking API keys; access control lets only admin keys through. */
@RestController
@ConditionalOnProperty(name = "slabprune.api.enabled", havingValue = "true", matchIfMissing = true)
@RequestMapping("/api/v1/admin/api-keys")
class AdminController {

  private final ApiKeys keys;

  AdminController(ApiKeys keys) {
    this.keys = keys;
  }

  /** What minting takes: whom the key acts for. */
  record MintRequest(String owner) {}

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ApiKeys.Minted> mint(@RequestBody MintRequest body) {
    String owner = body.owner();
    if (owner == null || !owner.matches("[A-Za-z0-9._@-]{1,100}")) {
      throw new BadInputException(
          "invalid-owner",
          "Invalid owner",
          "owner must be 1 to 100 letters, digits or . _ @ -, such as 'team-vision'.");
    }
    ApiKeys.Minted minted = keys.mint(owner);
    return ResponseEntity.created(URI.create("/api/v1/admin/api-keys/" + minted.id())).body(minted);
  }

  @GetMapping
  List<ApiKeys.Listed> list() {
    return keys.list();
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> revoke(@PathVariable UUID id) {
    keys.revoke(id);
    return ResponseEntity.noContent().build();
  }
}
