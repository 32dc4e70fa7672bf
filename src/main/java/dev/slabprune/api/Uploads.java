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
    checkText("name", name);
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
    if (hasControlCharacter(name)) {
      throw invalidFileName();
    }
    // Browsers may send a full client path; keep only its last segment.
    return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  }

  /** The refusal of an uploaded file's name that holds a control character. */
  static BadInputException invalidFileName() {
    return new BadInputException(
        "invalid-file-name",
        "Invalid file name",
        "The uploaded file's name holds a control character (such as NUL or a line break):"
            + " rename the file, or send the part with a plain filename.");
  }

  /**
   * @throws BadInputException when a text parameter holds a control character (NUL, line breaks),
   *     which no name, column or delimiter needs
   */
  public static void checkText(String parameter, String value) {
    if (value != null && hasControlCharacter(value) && !value.equals("\t")) {
      throw new BadInputException(
          "invalid-text",
          "Invalid text",
          parameter + " holds a control character (such as NUL or a line break): remove it.");
    }
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars().anyMatch(Character::isISOControl);
  }
}
