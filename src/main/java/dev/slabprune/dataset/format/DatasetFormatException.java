package dev.slabprune.dataset.format;

import dev.slabprune.api.BadInputException;
import java.util.List;

/**
 * An uploaded dataset that cannot be read. The detail names the place (row and column, or file and
 * byte offset) and says how to fix it; {@link #violations()} carries the same place as a location.
 */
public class DatasetFormatException extends BadInputException {

  public static final String EMPTY_FILE = "dataset-empty-file";
  public static final String NO_DATA_ROWS = "dataset-no-data-rows";
  public static final String RAGGED_ROW = "csv-ragged-row";
  public static final String NOT_A_NUMBER = "csv-non-numeric";
  public static final String NOT_FINITE = "dataset-non-finite";
  public static final String UNKNOWN_TARGET = "csv-unknown-target";
  public static final String UNCLOSED_QUOTE = "csv-unclosed-quote";
  public static final String TOO_MANY_CLASSES = "dataset-too-many-classes";
  public static final String TOO_LARGE = "dataset-too-large";
  public static final String BAD_MAGIC = "dataset-bad-magic";
  public static final String TRUNCATED = "dataset-truncated";
  public static final String COUNT_MISMATCH = "dataset-count-mismatch";
  public static final String CORRUPT = "dataset-corrupt-archive";
  public static final String BAD_HEADER = "npy-bad-header";
  public static final String UNSUPPORTED_DTYPE = "npy-unsupported-dtype";
  public static final String BAD_SHAPE = "npy-bad-shape";
  public static final String MISSING_ARRAY = "npz-missing-array";

  public DatasetFormatException(String slug, String title, String detail, String location) {
    this(slug, title, detail, location, 400);
  }

  public DatasetFormatException(
      String slug, String title, String detail, String location, int status) {
    super(
        slug,
        title,
        detail,
        status,
        location == null ? List.of() : List.of(new Violation(location, detail)),
        null);
  }

  /** A configured limit was exceeded: 413, and the detail names the limit. */
  static DatasetFormatException tooLarge(String limit, long value, long max, String location) {
    return new DatasetFormatException(
        TOO_LARGE,
        "Dataset too large",
        "The dataset exceeds the limit "
            + limit
            + " = "
            + max
            + " (found "
            + (value < 0 ? "more" : Long.toString(value))
            + "); upload a smaller dataset or raise the limit.",
        location,
        413);
  }
}
