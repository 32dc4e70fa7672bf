package dev.slabprune.dataset;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An uploaded dataset: its files, how to read them, and what they were parsed as. */
@Entity
@Table(name = "dataset")
public class DatasetEntity {

  @Id private UUID id;

  @Column(nullable = false)
  private String owner;

  @Column(nullable = false)
  private String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private DatasetFormat format;

  /** How to read the files again ({@link DatasetOptions} as JSON). */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  private String options;

  /** What the files were parsed as ({@link DatasetSummaryView} as JSON). */
  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, columnDefinition = "jsonb")
  private String summary;

  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "dataset_file", joinColumns = @JoinColumn(name = "dataset_id"))
  private List<DatasetFile> files = new ArrayList<>();

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected DatasetEntity() {}

  public DatasetEntity(
      UUID id,
      String owner,
      String name,
      DatasetFormat format,
      String options,
      String summary,
      List<DatasetFile> files,
      Instant createdAt) {
    this.id = id;
    this.owner = owner;
    this.name = name;
    this.format = format;
    this.options = options;
    this.summary = summary;
    this.files = new ArrayList<>(files);
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

  public DatasetFormat getFormat() {
    return format;
  }

  public String getOptions() {
    return options;
  }

  public String getSummary() {
    return summary;
  }

  /** The files in upload order. */
  public List<DatasetFile> getFiles() {
    return files.stream().sorted(Comparator.comparingInt(DatasetFile::getPosition)).toList();
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
