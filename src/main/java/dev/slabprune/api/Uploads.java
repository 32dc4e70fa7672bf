package dev.slabprune.api;

import org.springframework.web.multipart.MultipartFile;

/** Helpers for multipart uploads. */
public final class Uploads {

  private Uploads() {}

  /** The most characters a shown name may have. */
  public static final int MAX_NAME = 200;

  /**
   * @throws BadInputException when the name given for an upload is too long
   */
  public static void checkName(String name) {
    if (name != null && name.length() > MAX_NAME) {
      throw new BadInputException(
          "name-too-long",
          "Name too long",
          "The name may have at most " + MAX_NAME + " characters.");
    }
  }

  /** The uploaded file's own name, without any client path; the fallback when it has none. */
  public static String fileName(MultipartFile file, String fallback) {
    String name = file.getOriginalFilename();
    if (name == null || name.isBlank()) {
      return fallback;
    }
    // Browsers may send a full client path; keep only its last segment.
    return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  }
}
