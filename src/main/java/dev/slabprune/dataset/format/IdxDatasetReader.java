package dev.slabprune.dataset.format;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST-style IDX files: an images file (magic {@code 0x00000803}: unsigned bytes, three
 * dimensions: count, rows, columns) and a labels file (magic {@code 0x00000801}: unsigned bytes,
 * one dimension), each gzipped or not (detected from the gzip magic {@code 1f 8b}). Pixels are
 * scaled from 0..255 to [0, 1] (divided by 255); an image's pixels are its features, row by row.
 * Labels become classes: the distinct label values in numeric order. Header sizes are checked
 * against the limits before anything is allocated; byte offsets in errors are those of the
 * decompressed file.
 */
public final class IdxDatasetReader {

  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private final DatasetLimits limits;

  public IdxDatasetReader() {
    this(DatasetLimits.DEFAULTS);
  }

  public IdxDatasetReader(DatasetLimits limits) {
    this.limits = limits;
  }

  public ParsedDataset read(Path images, Path labels) {
    try (InputStream i = Files.newInputStream(images);
        InputStream l = Files.newInputStream(labels)) {
      return read(i, l);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads both streams; does not close them. */
  public ParsedDataset read(InputStream imagesIn, InputStream labelsIn) {
    return read(imagesIn, labelsIn, null);
  }

  /**
   * Reads both streams (not closed) that were validated before as this shape: the pixels go into
   * one byte array allocated once, and stay bytes (features {@code v / 255f}, see {@link
   * ParsedDataset#bytes()}).
   *
   * @param expected null when not known
   */
  public ParsedDataset read(InputStream imagesIn, InputStream labelsIn, ExpectedShape expected) {
    return (ParsedDataset) parse(imagesIn, labelsIn, true, expected);
  }

  /**
   * Validates both streams (not closed) exactly as {@link #read(InputStream, InputStream)} does,
   * refusing the same input with the same problem, and describes them, without keeping the pixels
   * or labels: memory stays the same whatever the size of the files.
   */
  public DatasetSummary summarise(InputStream imagesIn, InputStream labelsIn) {
    return (DatasetSummary) parse(imagesIn, labelsIn, false, null);
  }

  private Object parse(
      InputStream imagesIn, InputStream labelsIn, boolean keep, ExpectedShape expected) {
    try {
      InputStream images = open(imagesIn, "images file");
      InputStream labels = open(labelsIn, "labels file");
      byte[] imageHeader = new byte[16];
      System.arraycopy(
          readFully(images, 4, "images file", 0, "its magic number"), 0, imageHeader, 0, 4);
      checkMagic(imageHeader, IMAGES_MAGIC, "images file");
      System.arraycopy(
          readFully(images, 12, "images file", 4, "its 16-byte header"), 0, imageHeader, 4, 12);
      long count = unsigned(imageHeader, 4);
      long height = unsigned(imageHeader, 8);
      long width = unsigned(imageHeader, 12);
      byte[] labelHeader = new byte[8];
      System.arraycopy(
          readFully(labels, 4, "labels file", 0, "its magic number"), 0, labelHeader, 0, 4);
      checkMagic(labelHeader, LABELS_MAGIC, "labels file");
      System.arraycopy(
          readFully(labels, 4, "labels file", 4, "its 8-byte header"), 0, labelHeader, 4, 4);
      long labelCount = unsigned(labelHeader, 4);
      if (count != labelCount) {
        throw new DatasetFormatException(
            DatasetFormatException.COUNT_MISMATCH,
            "Image and label counts differ",
            "The images file holds "
                + count
                + " images but the labels file "
                + labelCount
                + " labels; upload the labels that belong to these images.",
            "labels file, byte 4");
      }
      if (count == 0) {
        throw new DatasetFormatException(
            DatasetFormatException.NO_DATA_ROWS,
            "No data rows",
            "The images file holds no images.",
            "images file, byte 4");
      }
      // each dimension is below 2^32, so their product may overflow a long: check each first
      if (height > limits.maxFeatures() || width > limits.maxFeatures()) {
        throw DatasetFormatException.tooLarge(
            "maxFeatures", -1, limits.maxFeatures(), "images file, byte 8");
      }
      long features = height * width;
      limits.checkShape(count, features, "images file, byte 4");
      if (16 + count * features > limits.maxBytes()) {
        throw DatasetFormatException.tooLarge(
            "maxBytes", 16 + count * features, limits.maxBytes(), "images file, byte 4");
      }
      byte[] pixels =
          readPixels(
              images,
              (int) count,
              (int) features,
              keep,
              keep && expected != null && expected.matches(count, features));
      if (!keep) {
        long[] counts = countLabels(labels, count, "labels file", 8, count + " labels");
        return summary((int) count, (int) features, counts);
      }
      byte[] raw = readFully(labels, (int) count, "labels file", 8, count + " labels");
      return toDataset((int) count, (int) features, pixels, raw);
    } catch (java.util.zip.ZipException e) {
      throw new DatasetFormatException(
          DatasetFormatException.CORRUPT,
          "Corrupt compressed file",
          "A gzipped IDX file cannot be decompressed: " + e.getMessage() + "; upload it again.",
          "gzip stream");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ParsedDataset toDataset(int count, int features, byte[] pixels, byte[] raw) {
    boolean[] present = new boolean[256];
    for (byte b : raw) {
      present[b & 0xFF] = true;
    }
    int[] index = new int[256];
    List<String> classes = new ArrayList<>();
    for (int v = 0; v < 256; v++) {
      if (present[v]) {
        index[v] = classes.size();
        classes.add(Integer.toString(v));
      }
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = index[raw[i] & 0xFF];
    }
    return ParsedDataset.classification(
        count, features, pixels, ParsedDataset.PIXEL_VALUES, List.of(), labels, classes);
  }

  private static DatasetSummary summary(int count, int features, long[] byValue) {
    List<String> classes = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    for (int v = 0; v < 256; v++) {
      if (byValue[v] > 0) {
        classes.add(Integer.toString(v));
        counts.add(byValue[v]);
      }
    }
    long[] c = counts.stream().mapToLong(Long::longValue).toArray();
    return DatasetSummary.classification(count, features, classes, c, List.of());
  }

  /**
   * Reads the pixels: when {@code keep}, into one byte array, which unless {@code exact} (sized
   * from a shape known to be true) grows with the data actually present, so a header that claims
   * more images than the file holds fails as truncated without allocating for its claim; else only
   * through a small buffer (null is returned).
   */
  private static byte[] readPixels(
      InputStream in, int count, int features, boolean keep, boolean exact) throws IOException {
    long total = (long) count * features;
    byte[] chunk = new byte[1 << 16];
    byte[] kept = !keep ? null : new byte[(int) (exact ? total : Math.min(total, chunk.length))];
    long done = 0;
    while (done < total) {
      int want = (int) Math.min(chunk.length, total - done);
      byte[] into = chunk;
      int at = 0;
      if (kept != null) {
        if (done + want > kept.length) {
          kept =
              Arrays.copyOf(kept, (int) Math.min(total, Math.max(done + want, 2L * kept.length)));
        }
        into = kept;
        at = (int) done;
      }
      int got;
      try {
        got = in.readNBytes(into, at, want);
      } catch (java.io.EOFException e) {
        throw truncated(
            "images file", 16 + done, count + " images (the compressed stream ends early)");
      }
      done += got;
      if (got < want) {
        throw truncated(
            "images file",
            16 + done,
            count + " images of " + features + " pixels (" + total + " bytes after the header)");
      }
    }
    return kept;
  }

  /**
   * How many of the {@code n} label bytes hold each value, read in blocks: refuses a short file as
   * {@link #readFully} does, at the same byte.
   */
  private static long[] countLabels(
      InputStream in, long n, String what, long offset, String expected) throws IOException {
    long[] counts = new long[256];
    byte[] block = new byte[1 << 16];
    long done = 0;
    while (done < n) {
      int want = (int) Math.min(block.length, n - done);
      int got;
      try {
        got = in.readNBytes(block, 0, want);
      } catch (java.io.EOFException e) {
        throw truncated(what, offset, expected);
      }
      for (int i = 0; i < got; i++) {
        counts[block[i] & 0xFF]++;
      }
      done += got;
      if (got < want) {
        throw truncated(what, offset + done, expected);
      }
    }
    return counts;
  }

  private InputStream open(InputStream in, String what) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream plain = buffered;
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        plain = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
      } catch (java.io.EOFException e) {
        throw truncated(what, 0, "its gzip header (the compressed stream ends early)");
      }
    }
    return new CountingInputStream(plain, limits.maxBytes(), what);
  }

  private static byte[] readFully(InputStream in, int n, String what, long offset, String expected)
      throws IOException {
    byte[] b;
    try {
      // grows with the bytes actually present, so a header that claims more costs nothing
      b = in.readNBytes(n);
    } catch (java.io.EOFException e) {
      throw truncated(what, offset, expected);
    }
    int got = b.length;
    if (got < n) {
      if (offset == 0 && got == 0) {
        throw new DatasetFormatException(
            DatasetFormatException.EMPTY_FILE,
            "Empty file",
            "The " + what + " is empty.",
            what + ", byte 0");
      }
      throw truncated(what, offset + got, expected);
    }
    return b;
  }

  private static void checkMagic(byte[] header, int expected, String what) {
    int magic =
        ((header[0] & 0xFF) << 24)
            | ((header[1] & 0xFF) << 16)
            | ((header[2] & 0xFF) << 8)
            | (header[3] & 0xFF);
    if (magic == expected) {
      return;
    }
    String hint;
    if (magic == IMAGES_MAGIC || magic == LABELS_MAGIC) {
      hint =
          "it looks like the "
              + (magic == IMAGES_MAGIC ? "images" : "labels")
              + " file; swap the two files";
    } else if (header[0] == 0 && header[1] == 0 && (header[2] & 0xFF) != 0x08) {
      hint =
          "element type 0x"
              + Integer.toHexString(header[2] & 0xFF)
              + " is not supported, only unsigned bytes (0x08)";
    } else {
      hint = "this is not an IDX file";
    }
    throw new DatasetFormatException(
        DatasetFormatException.BAD_MAGIC,
        "Wrong magic number",
        "The "
            + what
            + " starts with magic number 0x"
            + String.format("%08x", magic)
            + ", expected 0x"
            + String.format("%08x", expected)
            + ": "
            + hint
            + ".",
        what + ", byte 0");
  }

  private static long unsigned(byte[] b, int at) {
    return ((long) (b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  private static DatasetFormatException truncated(String what, long offset, String expected) {
    return new DatasetFormatException(
        DatasetFormatException.TRUNCATED,
        "Truncated file",
        "The "
            + what
            + " ends at byte "
            + offset
            + ", before the end of "
            + expected
            + "; upload the complete file.",
        what + ", byte " + offset);
  }
}
