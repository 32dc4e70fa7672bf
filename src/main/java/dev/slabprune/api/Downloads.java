package dev.slabprune.api;

import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Artifact downloads: streamed from the database, never held whole in memory, with the content hash
 * as a strong ETag so clients can cache and revalidate.
 */
public final class Downloads {

  private Downloads() {}

  public static ResponseEntity<StreamingResponseBody> attachment(
      ArtifactStore store, Artifact artifact, String fileName, String ifNoneMatch) {
    String etag = "\"" + artifact.sha256() + "\"";
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
    }
    StreamingResponseBody body = out -> store.copyTo(artifact.sha256(), out);
    return ResponseEntity.ok()
        .eTag(etag)
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .contentLength(artifact.sizeBytes())
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(fileName).build().toString())
        .body(body);
  }
}
