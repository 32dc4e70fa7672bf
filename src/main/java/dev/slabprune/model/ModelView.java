package dev.slabprune.model;

import java.time.Instant;
import java.util.UUID;

/** An uploaded model as the API shows it. */
public record ModelView(
    UUID id,
    String name,
    String sha256,
    long sizeBytes,
    Instant createdAt,
    ModelSummaryView summary) {}
