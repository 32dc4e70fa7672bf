package dev.slabprune.storage;

/** No artifact has the given hash. */
public class ArtifactNotFoundException extends RuntimeException {

  private final String sha256;

  public ArtifactNotFoundException(String sha256) {
    super("There is no artifact with id " + sha256 + ".");
    this.sha256 = sha256;
  }

  public String sha256() {
    return sha256;
  }
}
