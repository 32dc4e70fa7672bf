package dev.slabprune.api;

import dev.slabprune.storage.Artifact;
import dev.slabprune.storage.ArtifactStore;
import java.nio.charset.StandardCharsets;
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
        .header(HttpHeaders.CONTENT_DISPOSITION, contentDisposition(fileName))
        .body(body);
  }

  /**
   * {@code attachment} with the name as ASCII in {@code filename} (other characters become '_')
   * and, when it is not plain ASCII, whole in {@code filename*} as UTF-8 (RFC 6266, RFC 5987).
   */
  public static String contentDisposition(String fileName) {
    StringBuilder ascii = new StringBuilder();
    boolean plain = true;
    for (int i = 0; i < fileName.length(); i++) {
      char c = fileName.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        plain = false;
        if (Character.isHighSurrogate(c)) {
          i++;
        }
        ascii.append('_');
      } else {
        if (c == '"' || c == '\\') {
          ascii.append('\\');
        }
        ascii.append(c);
      }
    }
    String header = "attachment; filename=\"" + ascii + "\"";
    if (plain) {
      return header;
    }
    StringBuilder encoded = new StringBuilder("UTF-8''");
    for (byte b : fileName.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return header + "; filename*=" + encoded;
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
