package dev.slabprune.dataset.format;

/**
 * Caps on what the dataset readers accept, checked before anything of that size is allocated.
 *
 * @param maxRows most examples
 * @param maxFeatures most features per example
 * @param maxBytes most bytes read from one input (after decompression)
 * @param maxClasses most distinct class labels
 */
public record DatasetLimits(long maxRows, int maxFeatures, long maxBytes, int maxClasses) {

  /** Features live in one float array, so rows x features is capped by Java's array size. */
  public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  /** 50 million rows, 100,000 features, 8 GiB, 10,000 classes. */
  public static final DatasetLimits DEFAULTS =
      new DatasetLimits(50_000_000L, 100_000, 8L << 30, 10_000);

  public DatasetLimits {
    if (maxRows <= 0 || maxFeatures <= 0 || maxBytes <= 0 || maxClasses <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** Refuses a rows x features table that exceeds a limit, before it is allocated. */
  void checkShape(long rows, long features, String location) {
    if (rows > maxRows) {
      throw DatasetFormatException.tooLarge("maxRows", rows, maxRows, location);
    }
    if (features > maxFeatures) {
      throw DatasetFormatException.tooLarge("maxFeatures", features, maxFeatures, location);
    }
    if (rows * features > MAX_VALUES) {
      throw DatasetFormatException.tooLarge(
          "rows x features (one float array)", rows * features, MAX_VALUES, location);
    }
  }
}
