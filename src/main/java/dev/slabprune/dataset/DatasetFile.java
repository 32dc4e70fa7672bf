package dev.slabprune.dataset;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One uploaded part of a dataset: its role, its name as uploaded and its stored bytes. */
@Embeddable
public class DatasetFile {

  @Column(nullable = false)
  private String role;

  @Column(name = "file_name", nullable = false)
  private String fileName;

  @Column(nullable = false)
  private int position;

  @Column(name = "artifact_sha256", nullable = false)
  private String artifactSha256;

  protected DatasetFile() {}

  public DatasetFile(String role, String fileName, int position, String artifactSha256) {
    this.role = role;
    this.fileName = fileName;
    this.position = position;
    this.artifactSha256 = artifactSha256;
  }

  public String getRole() {
    return role;
  }

  public String getFileName() {
    return fileName;
  }

  public int getPosition() {
    return position;
  }

  public String getArtifactSha256() {
    return artifactSha256;
  }
}
