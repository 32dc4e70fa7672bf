package dev.slabprune.dataset.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads NumPy arrays: a features {@code .npy} (2-D; float32, float64, signed or unsigned integers
 * or bool; C or Fortran order; either byte order) with a labels {@code .npy} (1-D, or 2-D with one
 * column), or one {@code .npz} holding both (plain or compressed). In an {@code .npz} the features
 * are the array named {@code x}, {@code X}, {@code features}, {@code data} or {@code inputs}, else
 * the first 2-D array; the labels are {@code y}, {@code Y}, {@code labels}, {@code label}, {@code
 * target} or {@code targets}, else the first 1-D array. Integer or bool labels mean classification
 * and float labels regression, unless a task is given. Shapes are checked against the limits before
 * anything is allocated.
 */
public final class NpyDatasetReader {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int MAX_HEADER = 1 << 16;
  private static final int MAX_ENTRIES = 64;
  private static final Set<String> FEATURE_NAMES = Set.of("x", "X", "features", "data", "inputs");
  private static final Set<String> LABEL_NAMES =
      Set.of("y", "Y", "labels", "label", "target", "targets");

  private final DatasetLimits limits;

  public NpyDatasetReader() {
    this(DatasetLimits.DEFAULTS);
  }

  public NpyDatasetReader(DatasetLimits limits) {
    this.limits = limits;
  }

  public ParsedDataset read(Path features, Path labels, Task task) {
    try (InputStream f = Files.newInputStream(features);
        InputStream l = Files.newInputStream(labels)) {
      return read(f, l, task);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param task null to infer from the labels' dtype
   */
  public ParsedDataset read(InputStream featuresIn, InputStream labelsIn, Task task) {
    return read(featuresIn, labelsIn, task, null);
  }

  /**
   * Reads streams (not closed) that were validated before as this shape: the features go into one
   * array allocated once.
   *
   * @param task null to infer from the labels' dtype
   * @param expected null when not known
   */
  public ParsedDataset read(
      InputStream featuresIn, InputStream labelsIn, Task task, ExpectedShape expected) {
    return (ParsedDataset) parse(featuresIn, labelsIn, task, new Mode(true, expected));
  }

  /**
   * Validates both streams (not closed) exactly as {@link #read(InputStream, InputStream, Task)}
   * does, refusing the same input with the same problem, and describes them without keeping their
   * values.
   */
  public DatasetSummary summarise(InputStream featuresIn, InputStream labelsIn, Task task) {
    return (DatasetSummary) parse(featuresIn, labelsIn, task, new Mode(false, null));
  }

  private Object parse(InputStream featuresIn, InputStream labelsIn, Task task, Mode mode) {
    try {
      Features x = readFeatures(counted(featuresIn, "features file"), "features file", mode);
      InputStream labels = counted(labelsIn, "labels file");
      Header h = readHeader(labels, "labels file");
      checkLabelShape(h, "labels file", x.rows);
      return finish(x, readValues(labels, h, "labels file", task, mode), mode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ParsedDataset readNpz(Path npz, Task task) {
    try (InputStream in = Files.newInputStream(npz)) {
      return readNpz(in, task);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a zip of {@code .npy} arrays; does not close the stream. */
  public ParsedDataset readNpz(InputStream in, Task task) {
    return readNpz(in, task, null);
  }

  /**
   * Reads a zip of {@code .npy} arrays (not closed) that was validated before as this shape: the
   * features go into one array allocated once.
   *
   * @param expected null when not known
   */
  public ParsedDataset readNpz(InputStream in, Task task, ExpectedShape expected) {
    return (ParsedDataset) parseNpz(in, task, new Mode(true, expected));
  }

  /**
   * Validates a zip of {@code .npy} arrays (not closed) exactly as {@link #readNpz(InputStream,
   * Task)} does, refusing the same input with the same problem, and describes it without keeping
   * its values.
   */
  public DatasetSummary summariseNpz(InputStream in, Task task) {
    return (DatasetSummary) parseNpz(in, task, new Mode(false, null));
  }

  /**
   * What a pass keeps.
   *
   * @param keep whether values are kept (a dataset) or only described (a summary)
   * @param expected the shape known to be true, or null
   */
  private record Mode(boolean keep, ExpectedShape expected) {}

  private Object parseNpz(InputStream in, Task task, Mode mode) {
    ZipInputStream zip = new ZipInputStream(new BufferedInputStream(in, 1 << 16));
    InputStream data = new CountingInputStream(zip, limits.maxBytes(), "npz file");
    Features features = null;
    Labels labels = null;
    List<String> seen = new ArrayList<>();
    try {
      ZipEntry entry;
      while ((entry = nextEntry(zip)) != null) {
        String name = entry.getName();
        if (!name.endsWith(".npy")) {
          drain(data);
          continue;
        }
        if (seen.size() >= MAX_ENTRIES) {
          throw DatasetFormatException.tooLarge(
              "arrays in one npz", -1, MAX_ENTRIES, "npz entry " + name);
        }
        String base = name.substring(0, name.length() - 4);
        seen.add(base);
        String where = "npz entry " + name;
        Header header = readHeader(data, where);
        boolean labelNamed = LABEL_NAMES.contains(base);
        boolean featureNamed = FEATURE_NAMES.contains(base);
        boolean wantFeatures =
            featureNamed
                || (!labelNamed
                    && header.shape.length == 2
                    && (features == null || !features.named));
        boolean wantLabels =
            labelNamed
                || (!featureNamed && header.shape.length == 1 && (labels == null || !labels.named));
        if (wantFeatures && (features == null || (featureNamed && !features.named))) {
          features = null; // a better candidate replaces the one read before
          features = readFeatures(data, header, where, mode);
          features.named = featureNamed;
        } else if (wantLabels && (labels == null || (labelNamed && !labels.named))) {
          labels = null;
          labels =
              new Labels(readValues(data, header, where, task, mode), header, where, labelNamed);
        }
        drain(data);
      }
    } catch (ZipException e) {
      throw corruptNpz(e.getMessage());
    } catch (java.io.EOFException e) {
      throw corruptNpz("the archive ends early");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (features == null || labels == null) {
      throw new DatasetFormatException(
          DatasetFormatException.MISSING_ARRAY,
          "Missing array",
          "The npz file holds the arrays "
              + seen
              + " but no "
              + (features == null ? "2-D features array" : "1-D labels array")
              + "; save it as np.savez(file, x=features, y=labels).",
          "npz file");
    }
    checkLabelShape(labels.header, labels.where, features.rows);
    return finish(features, labels.values, mode);
  }

  /**
   * Reads the rest of the current entry through the byte count: the zip stream would otherwise
   * decompress it uncounted when it moves to the next entry, so a small entry followed by a
   * compressed bomb, or a bomb in an entry that is not an array, could take unbounded time.
   */
  private static void drain(InputStream data) throws IOException {
    data.transferTo(java.io.OutputStream.nullOutputStream());
  }

  private static ZipEntry nextEntry(ZipInputStream zip) throws IOException {
    try {
      return zip.getNextEntry();
    } catch (IllegalArgumentException e) { // an entry name that is not valid in its charset
      throw corruptNpz("an entry name cannot be decoded (" + e.getMessage() + ")");
    }
  }

  private static DatasetFormatException corruptNpz(String why) {
    return new DatasetFormatException(
        DatasetFormatException.CORRUPT,
        "Corrupt npz file",
        "The npz file is not a readable zip archive: " + why + "; upload it again.",
        "npz file");
  }

  // ---------------------------------------------------------------- arrays

  private InputStream counted(InputStream in, String what) {
    return new CountingInputStream(new BufferedInputStream(in, 1 << 16), limits.maxBytes(), what);
  }

  private static final class Features {
    int rows;
    int cols;
    float[] x; // null when not kept
    boolean named;
  }

  private record Labels(NumericLabels values, Header header, String where, boolean named) {}

  private Features readFeatures(InputStream in, String where, Mode mode) throws IOException {
    return readFeatures(in, readHeader(in, where), where, mode);
  }

  private Features readFeatures(InputStream in, Header h, String where, Mode mode)
      throws IOException {
    if (h.shape.length != 2) {
      throw new DatasetFormatException(
          DatasetFormatException.BAD_SHAPE,
          "Features must be 2-D",
          "The features array in the "
              + where
              + " has shape "
              + h.shapeText()
              + "; save a 2-D array of shape (examples, features).",
          where + ", header");
    }
    limits.checkShape(h.shape[0], h.shape[1], where + ", header");
    Features f = new Features();
    f.rows = (int) h.shape[0];
    f.cols = (int) h.shape[1];
    if (f.rows == 0) {
      throw new DatasetFormatException(
          DatasetFormatException.NO_DATA_ROWS,
          "No data rows",
          "The features array in the " + where + " has no rows.",
          where + ", header");
    }
    long n = (long) f.rows * f.cols;
    if (n * h.size > limits.maxBytes()) {
      throw DatasetFormatException.tooLarge("maxBytes", n * h.size, limits.maxBytes(), where);
    }
    // unless the shape is known to be true, grows with the data actually present, so a header
    // that lies about the shape costs nothing
    boolean sized =
        mode.keep() && mode.expected() != null && mode.expected().matches(f.rows, f.cols);
    // Fortran order into its place in row-major order as it is read: no second array
    float[] transposed = sized && h.fortran ? new float[(int) n] : null;
    FloatBuilder read =
        !mode.keep() || transposed != null
            ? FloatBuilder.discarding()
            : sized ? FloatBuilder.exact(n) : new FloatBuilder();
    ValueReader values = new ValueReader(in, h, where, n);
    for (long k = 0; k < n; k++) {
      double v = values.next();
      float fv = (float) v;
      if (!Float.isFinite(fv)) {
        long r = h.fortran ? k % f.rows : k / f.cols;
        long c = h.fortran ? k / f.rows : k % f.cols;
        throw new DatasetFormatException(
            DatasetFormatException.NOT_FINITE,
            "Value not finite",
            "The features in the "
                + where
                + " hold "
                + v
                + " at row "
                + (r + 1)
                + ", column "
                + (c + 1)
                + " (NaN, infinite or outside the float32 range); replace or drop it.",
            where + ", row " + (r + 1) + ", column " + (c + 1));
      }
      if (transposed != null) {
        transposed[(int) ((k % f.rows) * f.cols + k / f.rows)] = fv;
      } else {
        read.add(fv);
      }
    }
    if (transposed != null) {
      f.x = transposed;
      return f;
    }
    if (!mode.keep()) {
      return f;
    }
    float[] inFileOrder = read.toArray();
    if (!h.fortran) {
      f.x = inFileOrder;
    } else {
      f.x = new float[inFileOrder.length];
      for (int c = 0; c < f.cols; c++) {
        for (int r = 0; r < f.rows; r++) {
          f.x[r * f.cols + c] = inFileOrder[c * f.rows + r];
        }
      }
    }
    return f;
  }

  private void checkLabelShape(Header h, String where, int rows) {
    boolean column = h.shape.length == 1 || (h.shape.length == 2 && h.shape[1] == 1);
    if (!column) {
      throw new DatasetFormatException(
          DatasetFormatException.BAD_SHAPE,
          "Labels must be 1-D",
          "The labels array in the "
              + where
              + " has shape "
              + h.shapeText()
              + "; save a 1-D array with one label per example.",
          where + ", header");
    }
    if (h.shape[0] != rows) {
      throw new DatasetFormatException(
          DatasetFormatException.COUNT_MISMATCH,
          "Feature and label counts differ",
          "The features have "
              + rows
              + " rows but the labels array in the "
              + where
              + " holds "
              + h.shape[0]
              + " labels; save one label per example.",
          where + ", header");
    }
  }

  private NumericLabels readValues(InputStream in, Header h, String where, Task task, Mode mode)
      throws IOException {
    long n = 1;
    for (long d : h.shape) {
      if (d != 0 && n > limits.maxRows() / d) {
        throw DatasetFormatException.tooLarge("maxRows", -1, limits.maxRows(), where + ", header");
      }
      n *= d;
    }
    limits.checkShape(n, 1, where + ", header");
    if (n * h.size > limits.maxBytes()) {
      throw DatasetFormatException.tooLarge("maxBytes", n * h.size, limits.maxBytes(), where);
    }
    Task resolved = task != null ? task : h.kind != 'f' ? Task.CLASSIFICATION : Task.REGRESSION;
    long expected = mode.expected() != null && mode.expected().matchesRows(n) ? n : -1;
    // unless the count is known to be true, grows with the labels actually present, so a header
    // that lies about the shape costs nothing
    NumericLabels out = new NumericLabels(resolved, mode.keep(), limits.maxClasses(), expected, n);
    ValueReader values = new ValueReader(in, h, where, n);
    for (long i = 0; i < n; i++) {
      double v = values.next();
      if (!Double.isFinite(v)) {
        throw new DatasetFormatException(
            DatasetFormatException.NOT_FINITE,
            "Value not finite",
            "The labels in the " + where + " hold " + v + " at row " + (i + 1) + ".",
            where + ", row " + (i + 1));
      }
      out.add(v);
    }
    return out;
  }

  private Object finish(Features f, NumericLabels labels, Mode mode) {
    if (labels.tooManyClasses()) {
      throw new DatasetFormatException(
          DatasetFormatException.TOO_MANY_CLASSES,
          "Too many classes",
          "The labels hold more than "
              + limits.maxClasses()
              + " distinct values (limit maxClasses); choose regression for these targets.",
          "labels");
    }
    return mode.keep() ? labels.dataset(f.rows, f.cols, f.x) : labels.summary(f.rows, f.cols);
  }

  // ---------------------------------------------------------------- header

  /** A parsed {@code .npy} header. */
  static final class Header {
    char kind; // f, i, u, b
    int size;
    ByteOrder order;
    boolean fortran;
    long[] shape;
    long dataOffset;

    String shapeText() {
      StringBuilder s = new StringBuilder("(");
      for (int i = 0; i < shape.length; i++) {
        s.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
      }
      return s.append(")").toString();
    }
  }

  private Header readHeader(InputStream in, String where) throws IOException {
    byte[] start = in.readNBytes(8);
    if (start.length == 0) {
      throw new DatasetFormatException(
          DatasetFormatException.EMPTY_FILE, "Empty file", "The " + where + " is empty.", where);
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (i >= start.length || start[i] != MAGIC[i]) {
        throw new DatasetFormatException(
            DatasetFormatException.BAD_MAGIC,
            "Not a NumPy file",
            "The "
                + where
                + " does not start with the .npy magic \\x93NUMPY; save the array with"
                + " numpy.save.",
            where + ", byte 0");
      }
    }
    if (start.length < 8) {
      throw truncated(where, start.length, "the header");
    }
    int major = start[6] & 0xFF;
    int lengthBytes = major == 1 ? 2 : 4;
    if (major < 1 || major > 3) {
      throw badHeader(where, "format version " + major + " is not supported (1, 2 or 3 are)");
    }
    byte[] lengthField = in.readNBytes(lengthBytes);
    if (lengthField.length < lengthBytes) {
      throw truncated(where, 8 + lengthField.length, "the header length");
    }
    ByteBuffer lb = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN);
    long length = lengthBytes == 2 ? lb.getShort() & 0xFFFF : lb.getInt() & 0xFFFFFFFFL;
    if (length > MAX_HEADER) {
      throw badHeader(where, "the header claims " + length + " bytes (at most " + MAX_HEADER + ")");
    }
    byte[] text = in.readNBytes((int) length);
    if (text.length < length) {
      throw truncated(where, 8 + lengthBytes + text.length, "the " + length + "-byte header");
    }
    String dict =
        new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Header h = parseDict(dict, where);
    h.dataOffset = 8 + lengthBytes + length;
    return h;
  }

  private Header parseDict(String text, String where) {
    DictParser p = new DictParser(text, where);
    Map<String, Object> dict = p.parse();
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shape = dict.get("shape");
    if (!(descr instanceof String) || !(fortran instanceof Boolean) || !(shape instanceof long[])) {
      if (descr != null && !(descr instanceof String)) {
        throw unsupportedDtype(where, "a structured dtype " + descr);
      }
      throw badHeader(
          where, "the header needs 'descr', 'fortran_order' and 'shape', got " + dict.keySet());
    }
    Header h = new Header();
    String d = (String) descr;
    if (d.length() < 3) {
      throw unsupportedDtype(where, "'" + d + "'");
    }
    char byteOrder = d.charAt(0);
    h.kind = d.charAt(1);
    try {
      h.size = Integer.parseInt(d.substring(2));
    } catch (NumberFormatException e) {
      throw unsupportedDtype(where, "'" + d + "'");
    }
    h.order = byteOrder == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    boolean ok =
        (byteOrder == '<' || byteOrder == '>' || byteOrder == '|' || byteOrder == '=')
            && switch (h.kind) {
              case 'f' -> h.size == 4 || h.size == 8;
              case 'i', 'u' -> h.size == 1 || h.size == 2 || h.size == 4 || h.size == 8;
              case 'b' -> h.size == 1;
              default -> false;
            };
    if (!ok) {
      throw unsupportedDtype(where, "'" + d + "'");
    }
    h.fortran = (Boolean) fortran;
    h.shape = (long[]) shape;
    for (long s : h.shape) {
      if (s < 0) {
        throw badHeader(where, "negative dimension in shape");
      }
    }
    return h;
  }

  /** Reads a Python dict literal with string keys and string, bool or int-tuple values. */
  private static final class DictParser {
    private final String s;
    private final String where;
    private int i;

    DictParser(String s, String where) {
      this.s = s;
      this.where = where;
    }

    Map<String, Object> parse() {
      Map<String, Object> out = new LinkedHashMap<>();
      expect('{');
      while (true) {
        skip();
        if (peek() == '}') {
          i++;
          return out;
        }
        String key = string();
        expect(':');
        out.put(key, value());
        skip();
        if (peek() == ',') {
          i++;
        } else if (peek() != '}') {
          throw error("',' or '}' expected");
        }
      }
    }

    private Object value() {
      skip();
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        i++;
        List<Long> dims = new ArrayList<>();
        while (true) {
          skip();
          if (peek() == ')') {
            i++;
            break;
          }
          int start = i;
          while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
          }
          if (start == i) {
            throw error("a dimension expected");
          }
          try {
            dims.add(Long.parseLong(s.substring(start, i)));
          } catch (NumberFormatException e) {
            throw error("dimension too large");
          }
          skip();
          if (peek() == ',') {
            i++;
          }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
      }
      if (s.startsWith("True", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      if (c == '[') {
        int depth = 0;
        int start = i;
        do {
          char d = peek();
          depth += d == '[' ? 1 : d == ']' ? -1 : 0;
          i++;
        } while (depth > 0);
        return List.of(s.substring(start, i));
      }
      throw error("unexpected '" + c + "'");
    }

    private String string() {
      skip();
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("a quoted key expected");
      }
      int end = s.indexOf(quote, i + 1);
      if (end < 0) {
        throw error("unclosed string");
      }
      String out = s.substring(i + 1, end);
      i = end + 1;
      return out;
    }

    private void expect(char c) {
      skip();
      if (peek() != c) {
        throw error("'" + c + "' expected");
      }
      i++;
    }

    private char peek() {
      if (i >= s.length()) {
        throw error("the header ends early");
      }
      return s.charAt(i);
    }

    private void skip() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private DatasetFormatException error(String what) {
      return badHeader(where, what + " at character " + i + " of " + abbreviate(s.trim()));
    }
  }

  /** Reads numbers of one dtype from a stream in chunks. */
  private final class ValueReader {
    private final InputStream in;
    private final Header h;
    private final String where;
    private final ByteBuffer buffer;
    private long remaining;
    private long consumed;

    ValueReader(InputStream in, Header h, String where, long count) {
      this.in = in;
      this.h = h;
      this.where = where;
      this.remaining = count * h.size;
      this.buffer = ByteBuffer.allocate(1 << 16).order(h.order);
      buffer.limit(0);
    }

    double next() throws IOException {
      if (buffer.remaining() < h.size) {
        refill();
      }
      return switch (h.kind) {
        case 'f' -> h.size == 4 ? buffer.getFloat() : buffer.getDouble();
        case 'b' -> buffer.get() != 0 ? 1 : 0;
        case 'i' ->
            switch (h.size) {
              case 1 -> buffer.get();
              case 2 -> buffer.getShort();
              case 4 -> buffer.getInt();
              default -> buffer.getLong();
            };
        default ->
            switch (h.size) {
              case 1 -> buffer.get() & 0xFF;
              case 2 -> buffer.getShort() & 0xFFFF;
              case 4 -> buffer.getInt() & 0xFFFFFFFFL;
              default -> unsignedLong(buffer.getLong());
            };
      };
    }

    private void refill() throws IOException {
      buffer.compact();
      int want = (int) Math.min(buffer.remaining(), remaining);
      int got = in.readNBytes(buffer.array(), buffer.position(), want);
      consumed += got;
      remaining -= got;
      buffer.position(buffer.position() + got);
      buffer.flip();
      if (got < want || buffer.remaining() < h.size) {
        throw truncated(
            where,
            h.dataOffset + consumed,
            "the data: shape " + h.shapeText() + " of " + h.size + "-byte values");
      }
    }
  }

  private static double unsignedLong(long v) {
    double d = (double) (v >>> 1) * 2;
    return d + (v & 1);
  }

  private static DatasetFormatException truncated(String where, long offset, String expected) {
    return new DatasetFormatException(
        DatasetFormatException.TRUNCATED,
        "Truncated file",
        "The " + where + " ends at byte " + offset + ", before the end of " + expected + ".",
        where + ", byte " + offset);
  }

  private static DatasetFormatException badHeader(String where, String why) {
    return new DatasetFormatException(
        DatasetFormatException.BAD_HEADER,
        "Bad NumPy header",
        "The .npy header of the " + where + " cannot be read: " + why + ".",
        where + ", header");
  }

  private static DatasetFormatException unsupportedDtype(String where, String dtype) {
    return new DatasetFormatException(
        DatasetFormatException.UNSUPPORTED_DTYPE,
        "Unsupported NumPy dtype",
        "The array in the "
            + where
            + " has dtype "
            + dtype
            + "; float32, float64, integers or bool are supported (convert with"
            + " array.astype(numpy.float32)).",
        where + ", header");
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
