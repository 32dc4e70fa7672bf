package dev.slabprune.dataset.format;

/**
 * The shape a dataset was found to have when it was uploaded and validated. Reading the same bytes
 * again with it, a reader allocates its arrays once at their final size instead of growing them;
 * without it (an upload, whose header may lie), arrays grow with the data actually present. Where
 * the file disagrees with it, the reader grows its arrays as without it.
 *
 * @param rows examples
 * @param features values per example
 */
public record ExpectedShape(int rows, int features) {

  /** Whether a table of {@code rows} by {@code features} is this shape. */
  boolean matches(long rows, long features) {
    return this.rows == rows && this.features == features;
  }

  /** Whether {@code rows} is this shape's row count. */
  boolean matchesRows(long rows) {
    return this.rows == rows;
  }
}
