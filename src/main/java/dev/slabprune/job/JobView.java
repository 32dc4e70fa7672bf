package dev.slabprune.job;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A job as the API shows it. */
public record JobView(
    UUID id,
    JobState state,
    UUID modelId,
    UUID datasetId,
    Map<String, Object> parameters,
    Map<String, Object> progress,
    int attempts,
    int maxAttempts,
    boolean cancelRequested,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Map<String, Object> failure) {}
