package dev.slabprune.dataset.format;

/**
 * How to read a CSV file. Every field may be left null to detect or default it.
 *
 * @param header whether the first row names the columns; null to detect (a header is a first row
 *     with a non-numeric value in a column that is numeric in the second row)
 * @param delimiter the field separator; null to detect among comma, semicolon, tab and pipe from
 *     the first line (the most frequent outside quotes; comma if none occurs)
 * @param targetName the target column by its header name; takes precedence over {@code targetIndex}
 * @param targetIndex the target column by 0-based index, negative counting from the end; null (and
 *     no name) for the last column
 * @param task classification or regression; null to infer: non-numeric labels mean classification,
 *     numeric ones {@code numericTargetTask}
 * @param numericTargetTask the task inferred for an all-numeric target column; null for regression
 */
public record CsvOptions(
    Boolean header,
    Character delimiter,
    String targetName,
    Integer targetIndex,
    Task task,
    Task numericTargetTask) {

  public static final CsvOptions DETECT = new CsvOptions(null, null, null, null, null, null);

  public CsvOptions {
    if (delimiter != null
        && (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter > 127)) {
      throw new IllegalArgumentException(
          "a delimiter is an ASCII character other than a quote or a line break");
    }
  }

  public CsvOptions withHeader(Boolean value) {
    return new CsvOptions(value, delimiter, targetName, targetIndex, task, numericTargetTask);
  }

  public CsvOptions withDelimiter(Character value) {
    return new CsvOptions(header, value, targetName, targetIndex, task, numericTargetTask);
  }

  public CsvOptions withTargetName(String value) {
    return new CsvOptions(header, delimiter, value, targetIndex, task, numericTargetTask);
  }

  public CsvOptions withTargetIndex(Integer value) {
    return new CsvOptions(header, delimiter, targetName, value, task, numericTargetTask);
  }

  public CsvOptions withTask(Task value) {
    return new CsvOptions(header, delimiter, targetName, targetIndex, value, numericTargetTask);
  }

  public CsvOptions withNumericTargetTask(Task value) {
    return new CsvOptions(header, delimiter, targetName, targetIndex, task, value);
  }
}
