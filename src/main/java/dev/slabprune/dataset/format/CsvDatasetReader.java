package dev.slabprune.dataset.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV file in one streaming pass: UTF-8 bytes are scanned from a buffer (delimiters, quotes
 * and line breaks are ASCII, which never occurs inside a multi-byte UTF-8 sequence), numbers parsed
 * straight from the bytes into a chunked float array, so the text is never held in memory; only
 * header names and class labels become Strings. Handles RFC 4180 quoting (a quoted field may hold
 * the delimiter, doubled quotes and line breaks), LF, CRLF and CR line ends, a UTF-8 byte order
 * mark, and blank lines (skipped). Rows and columns in errors are 1-based; "line" is the physical
 * line in the file.
 */
public final class CsvDatasetReader {

  private static final int[] DELIMITERS = {',', ';', '\t', '|'};

  private final DatasetLimits limits;

  public CsvDatasetReader() {
    this(DatasetLimits.DEFAULTS);
  }

  public CsvDatasetReader(DatasetLimits limits) {
    this.limits = limits;
  }

  public ParsedDataset read(Path file, CsvOptions options) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the stream to its end; does not close it. */
  public ParsedDataset read(InputStream in, CsvOptions options) {
    return read(in, options, null);
  }

  /**
   * Reads a stream (to its end, not closed) that was validated before as this shape: the features
   * go into one array allocated once.
   *
   * @param expected null when not known
   */
  public ParsedDataset read(InputStream in, CsvOptions options, ExpectedShape expected) {
    return parse(in, options, true, expected).dataset();
  }

  /**
   * Validates the stream (to its end, not closed) exactly as {@link #read(InputStream, CsvOptions)}
   * does, refusing the same input with the same problem, and describes it, without keeping its
   * values: memory grows with the number of distinct class labels only.
   */
  public DatasetSummary summarise(InputStream in, CsvOptions options) {
    return parse(in, options, false, null).summary();
  }

  private Parse parse(InputStream in, CsvOptions options, boolean keep, ExpectedShape expected) {
    InputStream reader = new CountingInputStream(in, limits.maxBytes(), "CSV file");
    try {
      Parse parse = new Parse(reader, options, keep, expected);
      parse.run();
      return parse;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Parse {
    private static final int DELIM = 0;
    private static final int NEWLINE = 1;
    private static final int EOF = 2;
    private static final int NOTHING = 3;

    private final InputStream reader;
    private final CsvOptions options;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long line = 1;
    private int delimiter;

    private byte[] field = new byte[64];
    private int fieldLength;
    private boolean fieldQuoted;

    private byte[] scanned;
    private int scannedOffset;
    private int scannedLength;
    private boolean scannedQuoted;

    private final NumberParser numbers = new NumberParser();
    private final boolean keep;
    private final ExpectedShape expected;
    private FloatBuilder x;
    private List<String> names = List.of();
    private int columns;
    private int target;
    private Task task;
    private long rows;
    private long rowLine;

    // targets: numeric values (kept, or only their moments) while they may be numeric, and a label
    // dictionary while it may be classification, with each row's label id (kept) or each id's count
    private boolean numericPossible;
    private FloatBuilder numericTargets;
    private TargetMoments moments;
    private boolean allNumeric = true;
    private Map<String, Integer> dictionary;
    private int[] labelIds;
    private long[] idCounts;
    private boolean dictionaryOverflow;
    private Task resolved;
    private List<String> featureNames;

    Parse(InputStream reader, CsvOptions options, boolean keep, ExpectedShape expected) {
      this.reader = reader;
      this.options = options;
      this.keep = keep;
      this.expected = expected;
    }

    void run() throws IOException {
      fillFirst();
      if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
        pos = 3;
      }
      delimiter = options.delimiter() != null ? options.delimiter() : detectDelimiter();
      List<String> first = readRowAsStrings();
      if (first == null) {
        throw new DatasetFormatException(
            DatasetFormatException.EMPTY_FILE,
            "Empty file",
            "The CSV file is empty; upload a file with one row per example.",
            "line 1");
      }
      long firstLine = rowLine;
      List<String> second = readRowAsStrings();
      long secondLine = rowLine;
      boolean header = options.header() != null ? options.header() : looksLikeHeader(first, second);
      columns = first.size();
      limits.checkShape(0, columns - 1, "line " + firstLine);
      if (columns < 2) {
        throw new DatasetFormatException(
            DatasetFormatException.RAGGED_ROW,
            "One column only",
            "Line "
                + firstLine
                + " has a single column with delimiter '"
                + printable(delimiter)
                + "'; a dataset needs feature columns and a target column. Check the delimiter.",
            "line " + firstLine);
      }
      if (header) {
        names = first;
      }
      target = resolveTarget();
      task = options.task();
      boolean sized = keep && expected != null && expected.features() == columns - 1;
      x =
          !keep
              ? FloatBuilder.discarding()
              : sized
                  ? FloatBuilder.smallIntegers((long) expected.rows() * (columns - 1))
                  : new FloatBuilder();
      if (task != Task.CLASSIFICATION) {
        numericPossible = true;
        moments = new TargetMoments();
        if (keep) {
          numericTargets = sized ? FloatBuilder.exact(expected.rows()) : new FloatBuilder();
        }
      }
      if (task != Task.REGRESSION) {
        dictionary = new HashMap<>();
        if (keep) {
          labelIds = new int[sized ? Math.max(1, expected.rows()) : 1024];
        } else {
          idCounts = new long[16];
        }
      }
      if (!header) {
        rowLine = firstLine;
        addRow(first);
      }
      if (second != null) {
        rowLine = secondLine;
        addRow(second);
        streamRest();
      }
      if (rows == 0) {
        throw new DatasetFormatException(
            DatasetFormatException.NO_DATA_ROWS,
            "No data rows",
            "The CSV file has a header but no data rows; add one row per example.",
            "line " + (firstLine + 1));
      }
      finish();
    }

    private void streamRest() throws IOException {
      while (true) {
        int col = 0;
        int code;
        rowLine = line;
        code = scan();
        if (code == NOTHING) {
          return;
        }
        if (code != DELIM && scannedLength == 0 && !scannedQuoted) {
          if (code == EOF) {
            return;
          }
          continue; // blank line
        }
        checkRows();
        while (true) {
          if (col >= columns) {
            throw ragged(col + 1);
          }
          take(col, scanned, scannedOffset, scannedLength);
          col++;
          if (code != DELIM) {
            break;
          }
          code = scan();
        }
        if (col != columns) {
          throw ragged(col);
        }
        rows++;
        if (code == EOF) {
          return;
        }
      }
    }

    /**
     * The next field, in {@link #scanned} from {@link #scannedOffset} for {@link #scannedLength}
     * bytes: read in place from the buffer when it is unquoted and ends inside the buffer (the
     * common case), else copied by {@link #nextField()}.
     */
    private int scan() throws IOException {
      int code = fieldInBuffer();
      if (code >= 0) {
        return code;
      }
      code = nextField();
      scanned = field;
      scannedOffset = 0;
      scannedLength = fieldLength;
      scannedQuoted = fieldQuoted;
      return code;
    }

    private int fieldInBuffer() {
      int start = pos;
      if (start >= limit || buf[start] == '"') {
        return -1;
      }
      byte d = (byte) delimiter;
      for (int i = start; i < limit; i++) {
        byte b = buf[i];
        if (b == d || b == '\n' || b == '\r') {
          int code;
          if (b == d) {
            pos = i + 1;
            code = DELIM;
          } else if (b == '\n') {
            pos = i + 1;
            line++;
            code = NEWLINE;
          } else if (i + 1 < limit) {
            pos = buf[i + 1] == '\n' ? i + 2 : i + 1;
            line++;
            code = NEWLINE;
          } else {
            return -1; // a CR at the end of the buffer: the slow path looks past it
          }
          scanned = buf;
          scannedOffset = start;
          scannedLength = i - start;
          scannedQuoted = false;
          return code;
        }
      }
      return -1;
    }

    private void addRow(List<String> values) {
      if (values.size() != columns) {
        throw ragged(values.size());
      }
      checkRows();
      for (int col = 0; col < columns; col++) {
        byte[] bytes = values.get(col).getBytes(StandardCharsets.UTF_8);
        take(col, bytes, 0, bytes.length);
      }
      rows++;
    }

    private void checkRows() {
      if ((rows + 1) * (columns - 1) > DatasetLimits.MAX_VALUES) {
        throw DatasetFormatException.tooLarge(
            "rows x features (one float array)", -1, DatasetLimits.MAX_VALUES, "line " + rowLine);
      }
      if (rows >= limits.maxRows()) {
        throw DatasetFormatException.tooLarge("maxRows", -1, limits.maxRows(), "line " + rowLine);
      }
    }

    private void take(int col, byte[] chars, int off, int len) {
      if (col == target) {
        takeTarget(col, chars, off, len);
        return;
      }
      float v = numbers.parse(chars, off, len);
      if (numbers.status != NumberParser.Status.OK) {
        throw badValue(col, new String(chars, off, len, StandardCharsets.UTF_8), "feature");
      }
      x.add(v);
    }

    private void takeTarget(int col, byte[] chars, int off, int len) {
      String label = new String(chars, off, len, StandardCharsets.UTF_8).trim();
      if (numericPossible) {
        float v = numbers.parse(chars, off, len);
        boolean numeric = numbers.status == NumberParser.Status.OK;
        if (!numeric
            && (task == Task.REGRESSION
                || numbers.status == NumberParser.Status.NOT_FINITE
                || dictionary == null)) {
          throw badValue(col, label, "regression target");
        }
        if (numeric) {
          moments.add(v);
          if (numericTargets != null) {
            numericTargets.add(v);
          }
        } else {
          allNumeric = false;
          numericPossible = false;
          numericTargets = null;
          moments = null;
        }
      }
      if (dictionary != null) {
        if (label.isEmpty()) {
          numbers.status = NumberParser.Status.EMPTY;
          throw badValue(col, label, "class label");
        }
        Integer id = dictionary.get(label);
        if (id == null) {
          if (dictionary.size() >= limits.maxClasses()) {
            if (!numericPossible) {
              throw new DatasetFormatException(
                  DatasetFormatException.TOO_MANY_CLASSES,
                  "Too many classes",
                  "The target column "
                      + columnName(col)
                      + " has more than "
                      + limits.maxClasses()
                      + " distinct labels (limit maxClasses) by line "
                      + rowLine
                      + "; choose another target column, or a regression task for numeric"
                      + " targets.",
                  "line " + rowLine + ", column " + (col + 1));
            }
            dictionary = null;
            labelIds = null;
            idCounts = null;
            dictionaryOverflow = true;
            return;
          }
          id = dictionary.size();
          dictionary.put(label, id);
        }
        if (labelIds != null) {
          if (rows == labelIds.length) {
            labelIds = Arrays.copyOf(labelIds, labelIds.length * 2);
          }
          labelIds[(int) rows] = id;
        } else {
          if (id == idCounts.length) {
            idCounts = Arrays.copyOf(idCounts, idCounts.length * 2);
          }
          idCounts[id]++;
        }
      }
    }

    /** Resolves the task and refuses what only the whole file shows. */
    private void finish() {
      featureNames = new ArrayList<>();
      for (int c = 0; c < names.size(); c++) {
        if (c != target) {
          featureNames.add(names.get(c));
        }
      }
      resolved = task;
      if (resolved == null) {
        resolved =
            allNumeric
                ? (options.numericTargetTask() == null
                    ? Task.REGRESSION
                    : options.numericTargetTask())
                : Task.CLASSIFICATION;
      }
      if (resolved == Task.CLASSIFICATION && dictionaryOverflow) {
        throw new DatasetFormatException(
            DatasetFormatException.TOO_MANY_CLASSES,
            "Too many classes",
            "The target column "
                + columnName(target)
                + " has more than "
                + limits.maxClasses()
                + " distinct labels (limit maxClasses); choose regression for this target.",
            "column " + (target + 1));
      }
    }

    ParsedDataset dataset() {
      int n = (int) rows;
      int features = columns - 1;
      // features that are all whole numbers in [0, 255] stay one byte each
      byte[] bytes = x.toBytes();
      float[] values = bytes == null ? x.toArray() : null;
      float[] byteValues = ParsedDataset.INTEGER_VALUES;
      if (resolved == Task.REGRESSION) {
        return bytes != null
            ? ParsedDataset.regression(
                n, features, bytes, byteValues, featureNames, numericTargets.toArray())
            : ParsedDataset.regression(n, features, values, featureNames, numericTargets.toArray());
      }
      int[] remap = classOrder();
      int[] labels = new int[n];
      for (int r = 0; r < n; r++) {
        labels[r] = remap[labelIds[r]];
      }
      return bytes != null
          ? ParsedDataset.classification(
              n, features, bytes, byteValues, featureNames, labels, classes)
          : ParsedDataset.classification(n, features, values, featureNames, labels, classes);
    }

    DatasetSummary summary() {
      int n = (int) rows;
      int features = columns - 1;
      if (resolved == Task.REGRESSION) {
        return DatasetSummary.regression(n, features, moments, featureNames);
      }
      int[] remap = classOrder();
      long[] counts = new long[remap.length];
      for (int id = 0; id < remap.length; id++) {
        counts[remap[id]] = idCounts[id];
      }
      return DatasetSummary.classification(n, features, classes, counts, featureNames);
    }

    private List<String> classes;

    /** Sorts the labels into {@link #classes}; returns each dictionary id's class index. */
    private int[] classOrder() {
      classes = new ArrayList<>(dictionary.keySet());
      boolean numericLabels = classes.stream().allMatch(this::isFiniteNumber);
      Comparator<String> order =
          numericLabels
              ? Comparator.<String>comparingDouble(Double::parseDouble).thenComparing(s -> s)
              : Comparator.naturalOrder();
      classes.sort(order);
      int[] remap = new int[classes.size()];
      for (int i = 0; i < classes.size(); i++) {
        remap[dictionary.get(classes.get(i))] = i;
      }
      return remap;
    }

    private int resolveTarget() {
      if (options.targetName() != null) {
        if (names.isEmpty()) {
          throw new DatasetFormatException(
              DatasetFormatException.UNKNOWN_TARGET,
              "Unknown target column",
              "The target column '"
                  + options.targetName()
                  + "' was given by name but the file has no header row; give the target by"
                  + " index or add a header.",
              "target");
        }
        int found = names.indexOf(options.targetName());
        if (found < 0) {
          for (int i = 0; i < names.size(); i++) {
            if (names.get(i).trim().equalsIgnoreCase(options.targetName().trim())) {
              found = i;
              break;
            }
          }
        }
        if (found < 0) {
          throw new DatasetFormatException(
              DatasetFormatException.UNKNOWN_TARGET,
              "Unknown target column",
              "There is no column named '"
                  + options.targetName()
                  + "'; the columns are "
                  + names
                  + ".",
              "target");
        }
        return found;
      }
      int index = options.targetIndex() == null ? -1 : options.targetIndex();
      int resolved = index < 0 ? columns + index : index;
      if (resolved < 0 || resolved >= columns) {
        throw new DatasetFormatException(
            DatasetFormatException.UNKNOWN_TARGET,
            "Unknown target column",
            "Target column index "
                + index
                + " is outside the file's "
                + columns
                + " columns (0-based; negative counts from the end).",
            "target");
      }
      return resolved;
    }

    private boolean looksLikeHeader(List<String> first, List<String> second) {
      for (int c = 0; c < first.size(); c++) {
        boolean firstNumeric = isNumber(first.get(c));
        if (second == null) {
          if (!firstNumeric && c != first.size() - 1) {
            return true;
          }
        } else if (!firstNumeric && c < second.size() && isNumber(second.get(c))) {
          return true;
        }
      }
      return false;
    }

    private boolean isFiniteNumber(String s) {
      byte[] c = s.getBytes(StandardCharsets.UTF_8);
      numbers.parse(c, 0, c.length);
      return numbers.status == NumberParser.Status.OK;
    }

    private boolean isNumber(String s) {
      byte[] c = s.getBytes(StandardCharsets.UTF_8);
      numbers.parse(c, 0, c.length);
      return numbers.status == NumberParser.Status.OK
          || numbers.status == NumberParser.Status.NOT_FINITE;
    }

    private int detectDelimiter() {
      int[] counts = new int[DELIMITERS.length];
      boolean quoted = false;
      for (int i = pos; i < limit; i++) {
        int c = buf[i];
        if (c == '"') {
          quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
          break;
        } else if (!quoted) {
          for (int d = 0; d < DELIMITERS.length; d++) {
            if (c == DELIMITERS[d]) {
              counts[d]++;
            }
          }
        }
      }
      int best = 0;
      for (int d = 1; d < DELIMITERS.length; d++) {
        if (counts[d] > counts[best]) {
          best = d;
        }
      }
      return DELIMITERS[best];
    }

    /** The next non-blank row as strings, or null at the end; sets {@link #rowLine}. */
    private List<String> readRowAsStrings() throws IOException {
      while (true) {
        rowLine = line;
        int code = nextField();
        if (code == NOTHING) {
          return null;
        }
        if (code != DELIM && fieldLength == 0 && !fieldQuoted) {
          if (code == EOF) {
            return null;
          }
          continue;
        }
        List<String> values = new ArrayList<>();
        values.add(new String(field, 0, fieldLength, StandardCharsets.UTF_8));
        while (code == DELIM) {
          code = nextField();
          values.add(new String(field, 0, fieldLength, StandardCharsets.UTF_8));
          if (values.size() > limits.maxFeatures() + 1) {
            throw DatasetFormatException.tooLarge(
                "maxFeatures", -1, limits.maxFeatures(), "line " + rowLine);
          }
        }
        return values;
      }
    }

    /** Scans one field into {@link #field}; returns what ended it. */
    private int nextField() throws IOException {
      fieldLength = 0;
      fieldQuoted = false;
      int c = read();
      if (c < 0) {
        return NOTHING;
      }
      if (c == '"') {
        fieldQuoted = true;
        long opened = line;
        while (true) {
          c = read();
          if (c < 0) {
            throw new DatasetFormatException(
                DatasetFormatException.UNCLOSED_QUOTE,
                "Unclosed quote",
                "The quoted field that opens on line "
                    + opened
                    + " is never closed; close it with a double quote (write a quote inside a"
                    + " quoted field as two quotes).",
                "line " + opened);
          }
          if (c == '"') {
            c = read();
            if (c != '"') {
              break;
            }
          } else if (c == '\n') {
            line++;
          }
          append((byte) c);
        }
      }
      while (c >= 0 && c != delimiter && c != '\n' && c != '\r') {
        append((byte) c);
        c = read();
      }
      if (c == delimiter) {
        return DELIM;
      }
      if (c < 0) {
        return EOF;
      }
      if (c == '\r') {
        int d = read();
        if (d >= 0 && d != '\n') {
          pos--;
        }
      }
      line++;
      return NEWLINE;
    }

    private void append(byte c) {
      if (fieldLength == field.length) {
        if (field.length >= 1 << 24) {
          throw DatasetFormatException.tooLarge(
              "field length (bytes)", -1, 1 << 24, "line " + line);
        }
        field = Arrays.copyOf(field, field.length * 2);
      }
      field[fieldLength++] = c;
    }

    private int read() throws IOException {
      if (pos == limit) {
        limit = reader.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return -1;
        }
      }
      return buf[pos++] & 0xFF;
    }

    private void fillFirst() throws IOException {
      while (limit < buf.length) {
        int n = reader.read(buf, limit, buf.length - limit);
        if (n < 0) {
          break;
        }
        limit += n;
      }
    }

    private DatasetFormatException ragged(int found) {
      return new DatasetFormatException(
          DatasetFormatException.RAGGED_ROW,
          "Ragged row",
          "Line "
              + rowLine
              + " has "
              + found
              + " fields but the first row has "
              + columns
              + "; every row needs the same columns (check for a stray or missing delimiter '"
              + printable(delimiter)
              + "' or an unquoted field that contains it).",
          "line " + rowLine);
    }

    private DatasetFormatException badValue(int col, String value, String role) {
      String where = "line " + rowLine + ", column " + (col + 1);
      NumberParser.Status status = numbers.status;
      if (status == NumberParser.Status.NOT_FINITE) {
        return new DatasetFormatException(
            DatasetFormatException.NOT_FINITE,
            "Value not finite",
            "Line "
                + rowLine
                + ", column "
                + columnName(col)
                + ": the "
                + role
                + " '"
                + value.trim()
                + "' is NaN or infinite (or outside the float32 range); replace or drop it.",
            where);
      }
      return new DatasetFormatException(
          DatasetFormatException.NOT_A_NUMBER,
          "Value not numeric",
          "Line "
              + rowLine
              + ", column "
              + columnName(col)
              + ": the "
              + role
              + " '"
              + abbreviate(value.trim())
              + "' is "
              + (status == NumberParser.Status.EMPTY ? "empty" : "not a number")
              + "; features must be numbers (encode categories and fill missing values first).",
          where);
    }

    private String columnName(int col) {
      return (col + 1) + (names.isEmpty() ? "" : " ('" + names.get(col) + "')");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String printable(int c) {
    return c == '\t' ? "\\t" : String.valueOf((char) c);
  }
}
