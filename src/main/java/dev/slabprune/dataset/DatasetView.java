package dev.slabprune.dataset;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An uploaded dataset as the API shows it. */
public record DatasetView(
    UUID id,
    String name,
    DatasetFormat format,
    List<FileView> files,
    Instant createdAt,
    DatasetSummaryView summary) {

  public record FileView(String role, String fileName, String sha256, long sizeBytes) {}
}
