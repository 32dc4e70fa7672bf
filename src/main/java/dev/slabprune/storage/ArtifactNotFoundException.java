package dev.slabprune.storage;

import dev.slabprune.api.NotFoundException;

/** No artifact has the given hash. */
public class ArtifactNotFoundException extends NotFoundException {

  public ArtifactNotFoundException(String sha256) {
    super("artifact", sha256);
  }
}
