package dev.slabprune.job;

/**
 * A job's settings as stored with it, every default resolved, so a retry or a resume runs with
 * exactly what the first attempt ran with.
 */
public record JobParameters(
    EngineSettings settings,
    double validationFraction,
    double testFraction,
    long seed,
    boolean reducedInput,
    String modelSha256) {}
