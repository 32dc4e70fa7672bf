package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.fuzz.Hostile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-written hostile datasets, read with the default limits unless a test says otherwise: each is
 * refused with a {@link DatasetFormatException} that names the limit or the defect, quickly,
 * allocating a small fraction of what it claims. Large inputs are generated while they are read,
 * never held in memory. Each prints a row of the "Hostile input" table in docs/formats.md.
 */
class DatasetHostileInputTest {

  private static final long DEADLINE_MILLIS = 10_000;

  /** Loads the readers' classes, so that they are not counted as allocations. */
  @BeforeAll
  static void warmUp() {
    new IdxDatasetReader()
        .read(
            Resources.stream("tiny-images-idx3-ubyte"), Resources.stream("tiny-labels-idx1-ubyte"));
    new CsvDatasetReader().read(Resources.stream("iris_sample.csv"), CsvOptions.DETECT);
    new NpyDatasetReader().readNpz(Resources.stream("xy.npz"), null);
  }

  // ---------------------------------------------------------------- IDX

  @Test
  void anIdxHeaderClaimingTwoBillionImagesOf65536SquaredPixelsIsRefusedByTheRowLimit() {
    byte[] images = idxHeader(0x803, 1L << 31, 1 << 16, 1 << 16);
    byte[] labels = idxHeader(0x801, 1L << 31);

    Hostile.Refusal r =
        Hostile.refusal(
            "IDX header claiming 2^31 images of 2^16 x 2^16 pixels (2^63 bytes)",
            DEADLINE_MILLIS,
            () -> new IdxDatasetReader().read(in(images), in(labels)));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxRows = 50000000");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void
      anIdxHeaderClaimingFiftyMillionLabelsInAnEightByteFileIsRefusedAsTruncatedWithoutAllocatingThem() {
    byte[] images = idxHeader(0x803, 50_000_000, 0, 0);
    byte[] labels = idxHeader(0x801, 50_000_000);

    Hostile.Refusal r =
        Hostile.refusal(
            "IDX headers claiming 50,000,000 images of 0x0 pixels and as many labels, none stored",
            DEADLINE_MILLIS,
            () -> new IdxDatasetReader().read(in(images), in(labels)));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TRUNCATED);
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  // ---------------------------------------------------------------- CSV

  @Test
  void aMillionColumnLineIsRefusedByTheFeatureLimitWhileItStreams() {
    InputStream csv = new Generated("", "1,", 1_000_000, "1\n");

    Hostile.Refusal r =
        Hostile.refusal(
            "CSV first line of 1,000,000 columns (2 MB, streamed)",
            DEADLINE_MILLIS,
            () -> new CsvDatasetReader().read(csv, CsvOptions.DETECT));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxFeatures = 100000");
    assertThat(r.allocatedBytes()).isLessThan(64L << 20);
  }

  @Test
  void aMillionColumnLineAfterTwoRowsOfTwoColumnsIsRefusedAtItsThirdField() {
    InputStream csv = new Generated("a,b\n1,2\n", "1,", 1_000_000, "1\n");

    Hostile.Refusal r =
        Hostile.refusal(
            "CSV line of 1,000,000 columns after a 2-column header and row",
            DEADLINE_MILLIS,
            () -> new CsvDatasetReader().read(csv, CsvOptions.DETECT));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.RAGGED_ROW);
    assertThat(r.error()).hasMessageContaining("has 3 fields but the first row has 2");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void aOneGibibyteFieldIsRefusedByTheFieldLengthLimitAfterSixteenMebibytes() {
    InputStream csv = new Generated("1,", "1111111111111111", 1 << 26, "\n");

    Hostile.Refusal r =
        Hostile.refusal(
            "CSV with one 1 GiB field (streamed)",
            DEADLINE_MILLIS,
            () -> new CsvDatasetReader().read(csv, CsvOptions.DETECT));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("field length (bytes) = 16777216");
    assertThat(r.allocatedBytes()).isLessThan(48L << 20);
  }

  @Test
  void anEndlessStreamOfRowsIsCutAtTheByteLimit() {
    DatasetLimits limits = new DatasetLimits(50_000_000, 100_000, 16L << 20, 10_000);
    InputStream csv = new Generated("x,y\n", "1,2\n", Long.MAX_VALUE, "");

    Hostile.Refusal r =
        Hostile.refusal(
            "CSV endless stream of rows, maxBytes = 16 MiB",
            DEADLINE_MILLIS,
            () -> new CsvDatasetReader(limits).read(csv, CsvOptions.DETECT));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxBytes = 16777216");
    // kept: features, targets and label ids (4 floats or ints a row, a row is 4 bytes); the rest
    // is short-lived: a String per row for its label
    assertThat(r.allocatedBytes()).isLessThan(20 * limits.maxBytes());
  }

  // ---------------------------------------------------------------- NPY / NPZ

  @Test
  void anNpyShapeClaiming2To60ElementsIsRefusedByTheRowLimit() {
    byte[] features = npy("<f4", "(1073741824, 1073741824)", new byte[16]);
    byte[] labels = npy("<i8", "(1073741824,)", new byte[16]);

    Hostile.Refusal r =
        Hostile.refusal(
            "NPY shape (2^30, 2^30): 2^60 float32 values claimed",
            DEADLINE_MILLIS,
            () -> new NpyDatasetReader().read(in(features), in(labels), null));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxRows = 50000000");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void anNpyHeaderLengthOfFourGibibytesIsRefusedAsABadHeader() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(-1).putInt(0);
    byte[] features = b.array();

    Hostile.Refusal r =
        Hostile.refusal(
            "NPY v2 header length field 2^32-1",
            DEADLINE_MILLIS,
            () -> new NpyDatasetReader().read(in(features), in(features), null));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.BAD_HEADER);
    assertThat(r.error()).hasMessageContaining("claims 4294967295 bytes (at most 65536)");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void anNpzArrayFollowedByAZipBombIsCutAtTheByteLimit() {
    DatasetLimits limits = new DatasetLimits(50_000_000, 100_000, 4L << 20, 10_000);
    // x claims one value, then 256 MiB of zeros follow in the same entry
    byte[] x = npy("<f4", "(1, 1)", new byte[4]);
    byte[] npz = zip("x.npy", x, 256L << 20, "y.npy", npy("<i8", "(1,)", new byte[8]));

    Hostile.Refusal r =
        Hostile.refusal(
            "NPZ entry of 256 MiB zeros behind a 1-value array ("
                + (npz.length >> 10)
                + " KiB compressed), maxBytes = 4 MiB",
            DEADLINE_MILLIS,
            () -> new NpyDatasetReader(limits).readNpz(in(npz), null));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxBytes = 4194304");
    assertThat(r.allocatedBytes()).isLessThan(8L << 20);
  }

  @Test
  void anNpzWithAZipBombInAnEntryThatIsNotAnArrayIsCutAtTheByteLimit() {
    DatasetLimits limits = new DatasetLimits(50_000_000, 100_000, 4L << 20, 10_000);
    byte[] npz =
        zip("notes.txt", new byte[0], 256L << 20, "x.npy", npy("<f4", "(1, 1)", new byte[4]));

    Hostile.Refusal r =
        Hostile.refusal(
            "NPZ non-array entry of 256 MiB zeros ("
                + (npz.length >> 10)
                + " KiB compressed), maxBytes = 4 MiB",
            DEADLINE_MILLIS,
            () -> new NpyDatasetReader(limits).readNpz(in(npz), null));

    assertThat(r.error().slug()).isEqualTo(DatasetFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("maxBytes = 4194304");
    assertThat(r.allocatedBytes()).isLessThan(8L << 20);
  }

  // ---------------------------------------------------------------- inputs

  private static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  /** An IDX header: magic, then each dimension as a big-endian unsigned 32-bit value. */
  private static byte[] idxHeader(int magic, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length).putInt(magic);
    for (long d : dims) {
      b.putInt((int) d);
    }
    return b.array();
  }

  private static byte[] npy(String descr, String shape, byte[] data) {
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    byte[] h =
        (header + " ".repeat(63 - (10 + header.length()) % 64) + "\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length);
    return b.put(h).put(data).array();
  }

  /** A zip of two entries; the first is followed by {@code zeros} zero bytes, all deflated. */
  private static byte[] zip(
      String first, byte[] firstData, long zeros, String second, byte[] secondData) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.BEST_SPEED);
      zip.putNextEntry(new ZipEntry(first));
      zip.write(firstData);
      byte[] block = new byte[1 << 20];
      for (long done = 0; done < zeros; done += block.length) {
        zip.write(block);
      }
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry(second));
      zip.write(secondData);
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code head}, then {@code unit} {@code count} times, then {@code tail}; made while read. */
  private static final class Generated extends InputStream {
    private final byte[] head;
    private final byte[] unit;
    private final byte[] tail;
    private final long count;
    private long position;

    Generated(String head, String unit, long count, String tail) {
      this.head = head.getBytes(StandardCharsets.UTF_8);
      this.unit = unit.getBytes(StandardCharsets.UTF_8);
      this.tail = tail.getBytes(StandardCharsets.UTF_8);
      this.count = count;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = 0;
      while (n < len) {
        int c = at(position);
        if (c < 0) {
          break;
        }
        b[off + n++] = (byte) c;
        position++;
      }
      return n == 0 && len > 0 ? -1 : n;
    }

    private int at(long p) {
      if (p < head.length) {
        return head[(int) p] & 0xFF;
      }
      p -= head.length;
      if (count == Long.MAX_VALUE || p / unit.length < count) {
        return unit[(int) (p % unit.length)] & 0xFF;
      }
      p -= count * unit.length;
      return p < tail.length ? tail[(int) p] & 0xFF : -1;
    }
  }
}
