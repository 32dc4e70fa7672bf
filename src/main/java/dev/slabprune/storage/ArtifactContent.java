package dev.slabprune.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An open artifact: its metadata and a stream over its bytes. It holds a database connection until
 * closed, so close it promptly (try-with-resources).
 */
public final class ArtifactContent implements AutoCloseable {

  private final Artifact artifact;
  private final InputStream stream;
  private final AutoCloseable release;

  ArtifactContent(Artifact artifact, InputStream stream, AutoCloseable release) {
    this.artifact = artifact;
    this.stream = stream;
    this.release = release;
  }

  public Artifact artifact() {
    return artifact;
  }

  /** The bytes, read in chunks from the database as they are consumed. */
  public InputStream stream() {
    return stream;
  }

  @Override
  public void close() throws IOException {
    try {
      stream.close();
    } finally {
      try {
        release.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("could not release the artifact's connection", e);
      }
    }
  }
}
