package dev.slabprune.dataset;

/** The file formats a dataset can be uploaded in, and the parts each one needs. */
public enum DatasetFormat {
  CSV("file"),
  IDX("images", "labels"),
  NPY("features", "labels"),
  NPZ("file");

  private final String[] parts;

  DatasetFormat(String... parts) {
    this.parts = parts;
  }

  /** The multipart part names this format needs, in reading order. */
  public String[] parts() {
    return parts.clone();
  }
}
