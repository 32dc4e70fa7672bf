package dev.slabprune.dataset.format;

import static dev.slabprune.dataset.format.CsvDatasetReaderTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxDatasetReaderTest {

  private final IdxDatasetReader reader = new IdxDatasetReader();

  @Test
  void plainIdxFilesGiveScaledPixelsAndClassesInNumericOrder() {
    ParsedDataset data =
        reader.read(
            Resources.stream("tiny-images-idx3-ubyte"), Resources.stream("tiny-labels-idx1-ubyte"));

    assertThat(data.rows()).isEqualTo(5);
    assertThat(data.features()).isEqualTo(12);
    assertThat(data.x()[0]).isZero();
    assertThat(data.x()[1 * 12 + 2 * 4 + 3]).isEqualTo((10 + 8 + 3) / 255f);
    assertThat(data.x()[4 * 12 + 11]).isEqualTo(1f);
    assertThat(data.classes()).containsExactly("0", "2", "7", "9");
    assertThat(data.labels()).containsExactly(2, 1, 2, 0, 3);
  }

  @Test
  void gzippedFilesAreDetectedAndGiveTheSameDataset() {
    ParsedDataset plain =
        reader.read(
            Resources.stream("tiny-images-idx3-ubyte"), Resources.stream("tiny-labels-idx1-ubyte"));

    ParsedDataset gzipped =
        reader.read(
            Resources.stream("tiny-images-idx3-ubyte.gz"),
            Resources.stream("tiny-labels-idx1-ubyte"));

    assertThat(gzipped.x()).containsExactly(plain.x());
    assertThat(gzipped.labels()).containsExactly(plain.labels());
    assertThat(
            reader
                .read(
                    Resources.stream("tiny-images-idx3-ubyte.gz"),
                    Resources.stream("tiny-labels-idx1-ubyte.gz"))
                .labels())
        .containsExactly(plain.labels());
  }

  @Test
  void aWrongMagicNumberIsRefusedAndSwappedFilesAreRecognised() {
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("tiny-labels-idx1-ubyte"),
                    Resources.stream("tiny-images-idx3-ubyte")),
            DatasetFormatException.BAD_MAGIC)
        .hasMessageContaining("0x00000801, expected 0x00000803")
        .hasMessageContaining("swap");
    assertRefused(
            () ->
                reader.read(
                    Resources.text("P5 not an idx file at all"),
                    Resources.stream("tiny-labels-idx1-ubyte")),
            DatasetFormatException.BAD_MAGIC)
        .hasMessageContaining("not an IDX file");
  }

  @Test
  void imageAndLabelCountsThatDifferAreRefused() {
    byte[] labels = Resources.bytes("tiny-labels-idx1-ubyte");
    byte[] fewer = Arrays.copyOf(labels, labels.length - 1);
    fewer[7] = 4;

    assertRefused(
            () ->
                reader.read(
                    Resources.stream("tiny-images-idx3-ubyte"), new ByteArrayInputStream(fewer)),
            DatasetFormatException.COUNT_MISMATCH)
        .hasMessageContaining("5 images but the labels file 4 labels");
  }

  @Test
  void aTruncatedImagesFileIsRefusedNamingTheByteOffset() {
    byte[] images = Resources.bytes("tiny-images-idx3-ubyte");
    byte[] cut = Arrays.copyOf(images, 40);

    assertRefused(
            () ->
                reader.read(
                    new ByteArrayInputStream(cut), Resources.stream("tiny-labels-idx1-ubyte")),
            DatasetFormatException.TRUNCATED)
        .hasMessageContaining("ends at byte 40");
  }

  @Test
  void aTruncatedGzippedFileIsRefusedAsTruncated() throws IOException {
    byte[] gz = gzip(Resources.bytes("tiny-images-idx3-ubyte"));
    byte[] cut = Arrays.copyOf(gz, gz.length - 12);

    assertRefused(
        () ->
            reader.read(new ByteArrayInputStream(cut), Resources.stream("tiny-labels-idx1-ubyte")),
        DatasetFormatException.TRUNCATED);
  }

  @Test
  void aTruncatedLabelsFileAndAnEmptyFileAreRefused() {
    byte[] labels = Resources.bytes("tiny-labels-idx1-ubyte");
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("tiny-images-idx3-ubyte"),
                    new ByteArrayInputStream(Arrays.copyOf(labels, 10))),
            DatasetFormatException.TRUNCATED)
        .hasMessageContaining("labels file ends at byte 10");
    assertRefused(
        () ->
            reader.read(
                new ByteArrayInputStream(new byte[0]), Resources.stream("tiny-labels-idx1-ubyte")),
        DatasetFormatException.EMPTY_FILE);
  }

  @Test
  void aHeaderClaimingTerabytesIsRefusedBeforeAllocating() {
    byte[] header =
        ByteBuffer.allocate(16).putInt(0x803).putInt(-1).putInt(60000).putInt(60000).array();
    byte[] labels = ByteBuffer.allocate(8).putInt(0x801).putInt(-1).array();

    assertRefused(
            () -> reader.read(new ByteArrayInputStream(header), new ByteArrayInputStream(labels)),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("limit")
        .satisfies(e -> assertThat(((DatasetFormatException) e).status()).isEqualTo(413));
  }

  @Test
  void theRowFeatureAndByteLimitsAreNamed() {
    assertRefused(
            () ->
                new IdxDatasetReader(new DatasetLimits(4, 100, 1000, 10))
                    .read(images(), Resources.stream("tiny-labels-idx1-ubyte")),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxRows = 4");
    assertRefused(
            () ->
                new IdxDatasetReader(new DatasetLimits(10, 11, 1000, 10))
                    .read(images(), Resources.stream("tiny-labels-idx1-ubyte")),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxFeatures = 11");
    assertRefused(
            () ->
                new IdxDatasetReader(new DatasetLimits(10, 100, 50, 10))
                    .read(images(), Resources.stream("tiny-labels-idx1-ubyte")),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxBytes = 50");
  }

  @Test
  void aCorruptGzipStreamIsRefused() throws IOException {
    byte[] gz = gzip(Resources.bytes("tiny-images-idx3-ubyte"));
    for (int i = 12; i < gz.length - 8; i++) {
      gz[i] = (byte) 0xFF;
    }
    // depending on where the damage lands, inflating fails, ends early, or yields a wrong header

    assertThatThrownBy(
            () ->
                reader.read(
                    new ByteArrayInputStream(gz), Resources.stream("tiny-labels-idx1-ubyte")))
        .isInstanceOf(DatasetFormatException.class)
        .satisfies(
            e ->
                assertThat(((DatasetFormatException) e).slug())
                    .isIn(
                        DatasetFormatException.CORRUPT,
                        DatasetFormatException.TRUNCATED,
                        DatasetFormatException.BAD_MAGIC));
  }

  @Test
  void filesWithNoImagesAreRefused() {
    byte[] images = ByteBuffer.allocate(16).putInt(0x803).putInt(0).putInt(28).putInt(28).array();
    byte[] labels = ByteBuffer.allocate(8).putInt(0x801).putInt(0).array();

    assertRefused(
        () -> reader.read(new ByteArrayInputStream(images), new ByteArrayInputStream(labels)),
        DatasetFormatException.NO_DATA_ROWS);
  }

  private static InputStream images() {
    return Resources.stream("tiny-images-idx3-ubyte");
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }
}
