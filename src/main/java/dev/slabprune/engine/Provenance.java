package dev.slabprune.engine;

/**
 * Where a result came from, saved with it.
 *
 * @param config the full configuration, seed included
 * @param trainSha256 SHA-256 of the training features and labels or targets
 * @param nd4jVersion version of the numerical library
 * @param javaVersion runtime version
 * @param os operating system name, version and architecture
 * @param cpu processor model and available cores
 */
public record Provenance(
    CompressionConfig config,
    String trainSha256,
    String nd4jVersion,
    String javaVersion,
    String os,
    String cpu) {}
