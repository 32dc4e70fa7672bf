package dev.slabprune.storage;

import java.time.Instant;

/**
 * Stored bytes, named by the SHA-256 of their content.
 *
 * @param sha256 64 lower-case hex digits
 * @param sizeBytes the content length
 * @param mediaType as given when the content was first stored
 * @param createdAt when the content was first stored
 */
public record Artifact(String sha256, long sizeBytes, String mediaType, Instant createdAt) {}
