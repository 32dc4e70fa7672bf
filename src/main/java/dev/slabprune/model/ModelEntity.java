package dev.slabprune.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An uploaded network: who owns it, where its bytes are, and what it was parsed as. */
@Entity
@Table(name = "model")
public class ModelEntity {

  @Id private UUID id;

  @Column(nullable = false)
  private String owner;

  @Column(nullable = false)
  private String name;

  @Column(name = "file_name", nullable = false)
  private String fileName;

  @Column(name = "artifact_sha256", nullable = false)
  private String artifactSha256;

  /** The parsed summary as JSON ({@link ModelSummaryView}). */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  private String summary;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected ModelEntity() {}

  public ModelEntity(
      UUID id,
      String owner,
      String name,
      String fileName,
      String artifactSha256,
      String summary,
      Instant createdAt) {
    this.id = id;
    this.owner = owner;
    this.name = name;
    this.fileName = fileName;
    this.artifactSha256 = artifactSha256;
    this.summary = summary;
    this.createdAt = createdAt;
  }

  public UUID getId() {
    return id;
  }

  public String getOwner() {
    return owner;
  }

  public String getName() {
    return name;
  }

  public String getFileName() {
    return fileName;
  }

  public String getArtifactSha256() {
    return artifactSha256;
  }

  public String getSummary() {
    return summary;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
