package dev.slabprune.dataset.format;

import static dev.slabprune.dataset.format.CsvDatasetReaderTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class NpyDatasetReaderTest {

  /** x[i][j] = i + j / 10, as make_golden.py writes it. */
  private static final float[] X = {0f, 0.1f, 0.2f, 1f, 1.1f, 1.2f, 2f, 2.1f, 2.2f, 3f, 3.1f, 3.2f};

  private final NpyDatasetReader reader = new NpyDatasetReader();

  @Test
  void float32FeaturesWithIntegerLabelsGiveAClassification() {
    ParsedDataset data =
        reader.read(Resources.stream("features_f4.npy"), Resources.stream("labels_i8.npy"), null);

    assertThat(data.rows()).isEqualTo(4);
    assertThat(data.features()).isEqualTo(3);
    assertThat(data.x()).containsExactly(X);
    assertThat(data.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(data.classes()).containsExactly("0", "1", "2");
    assertThat(data.labels()).containsExactly(1, 0, 1, 2);
  }

  @Test
  void fortranOrderFloat64FeaturesAreReadRowByRow() {
    ParsedDataset data =
        reader.read(
            Resources.stream("features_f8_fortran.npy"), Resources.stream("labels_i8.npy"), null);

    assertThat(data.x()).containsExactly(X);
  }

  @Test
  void integerFeaturesWithFloatTargetsGiveAStandardisedRegression() {
    ParsedDataset data =
        reader.read(Resources.stream("features_i8.npy"), Resources.stream("targets_f8.npy"), null);

    assertThat(data.x()).startsWith(0f, 1f, 2f, 10f, 11f, 12f);
    assertThat(data.task()).isEqualTo(Task.REGRESSION);
    assertThat(data.targetMean()).isEqualTo(3.0);
    assertThat(data.unstandardise(data.targets()[3])).isCloseTo(6.0, within(1e-6));
  }

  @Test
  void anNpzWithXAndYIsRead() {
    ParsedDataset data = reader.readNpz(Resources.stream("xy.npz"), null);

    assertThat(data.x()).containsExactly(X);
    assertThat(data.labels()).containsExactly(1, 0, 1, 2);
  }

  @Test
  void aCompressedNpzWithFeaturesAndLabelsInEitherOrderIsRead() {
    ParsedDataset data = reader.readNpz(Resources.stream("features_labels_compressed.npz"), null);

    assertThat(data.x()).containsExactly(X);
    assertThat(data.classes()).containsExactly("3", "5");
    assertThat(data.labels()).containsExactly(0, 0, 1, 1);
  }

  @Test
  void anNpzWithoutRecognisedNamesTakesTheFirst2DAnd1DArrays() throws IOException {
    byte[] npz =
        zip(
            "a.npy", Resources.bytes("features_f4.npy"),
            "b.npy", Resources.bytes("labels_i8.npy"));

    ParsedDataset data = reader.readNpz(new ByteArrayInputStream(npz), Task.REGRESSION);

    assertThat(data.x()).containsExactly(X);
    assertThat(data.task()).isEqualTo(Task.REGRESSION);
  }

  @Test
  void anNpzWithoutLabelsIsRefusedListingItsArrays() throws IOException {
    byte[] npz = zip("x.npy", Resources.bytes("features_f4.npy"));

    assertRefused(
            () -> reader.readNpz(new ByteArrayInputStream(npz), null),
            DatasetFormatException.MISSING_ARRAY)
        .hasMessageContaining("[x]")
        .hasMessageContaining("labels");
  }

  @Test
  void aBadMagicIsRefused() {
    assertRefused(
            () ->
                reader.read(
                    Resources.text("PK not numpy"), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.BAD_MAGIC)
        .hasMessageContaining("features file");
  }

  @Test
  void anUnsupportedDtypeIsRefusedNamingIt() {
    byte[] strings = npy("<U5", false, "(4, 3)", new byte[240]);

    assertRefused(
            () ->
                reader.read(
                    new ByteArrayInputStream(strings), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.UNSUPPORTED_DTYPE)
        .hasMessageContaining("'<U5'");
  }

  @Test
  void aStructuredDtypeIsRefusedAsUnsupported() {
    String header =
        "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (4,), }";
    byte[] structured = npyWithHeader(header, new byte[32]);

    assertRefused(
        () ->
            reader.read(
                new ByteArrayInputStream(structured), Resources.stream("labels_i8.npy"), null),
        DatasetFormatException.UNSUPPORTED_DTYPE);
  }

  @Test
  void aMalformedHeaderIsRefused() {
    byte[] bad = npyWithHeader("{'descr': '<f4', 'fortran_order': Maybe, }", new byte[0]);

    assertRefused(
            () ->
                reader.read(new ByteArrayInputStream(bad), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.BAD_HEADER)
        .hasMessageContaining("unexpected 'M'");
  }

  @Test
  void labelsThatDoNotMatchTheFeatureRowsAreRefused() {
    byte[] threeLabels = npy("<i8", false, "(3,)", new byte[24]);

    assertRefused(
            () ->
                reader.read(
                    Resources.stream("features_f4.npy"),
                    new ByteArrayInputStream(threeLabels),
                    null),
            DatasetFormatException.COUNT_MISMATCH)
        .hasMessageContaining("4 rows but the labels array in the labels file holds 3");
  }

  @Test
  void featuresThatAreNot2DAndLabelsThatAreNot1DAreRefused() {
    byte[] flat = npy("<f4", false, "(12,)", new byte[48]);
    assertRefused(
            () ->
                reader.read(
                    new ByteArrayInputStream(flat), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.BAD_SHAPE)
        .hasMessageContaining("(12,)");
    byte[] wide = npy("<i8", false, "(4, 2)", new byte[64]);
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("features_f4.npy"), new ByteArrayInputStream(wide), null),
            DatasetFormatException.BAD_SHAPE)
        .hasMessageContaining("(4,2)");
  }

  @Test
  void truncatedDataIsRefusedNamingTheByteOffset() {
    byte[] full = Resources.bytes("features_f4.npy");
    byte[] cut = Arrays.copyOf(full, full.length - 5);

    assertRefused(
            () ->
                reader.read(new ByteArrayInputStream(cut), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.TRUNCATED)
        .hasMessageContaining("ends at byte " + (full.length - 5));
  }

  @Test
  void aHeaderClaimingAHugeShapeIsRefusedByTheLimitsBeforeAllocating() {
    byte[] huge = npy("<f4", false, "(100000000000, 100000000000)", new byte[16]);

    assertRefused(
            () ->
                reader.read(
                    new ByteArrayInputStream(huge), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxRows");
  }

  @Test
  void aHeaderClaimingMoreRowsThanTheFileHoldsFailsAsTruncated() {
    byte[] liar = npy("<f4", false, "(10000000, 100)", new byte[16]);

    assertRefused(
        () -> reader.read(new ByteArrayInputStream(liar), Resources.stream("labels_i8.npy"), null),
        DatasetFormatException.TRUNCATED);
  }

  @Test
  void nanFeaturesAreRefusedNamingRowAndColumn() {
    ByteBuffer values = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    values.putFloat(1).putFloat(2).putFloat(3).putFloat(4).putFloat(Float.NaN).putFloat(6);
    byte[] nan = npy("<f4", false, "(2, 3)", values.array());
    byte[] labels = npy("<i8", false, "(2,)", new byte[16]);

    assertRefused(
            () ->
                reader.read(new ByteArrayInputStream(nan), new ByteArrayInputStream(labels), null),
            DatasetFormatException.NOT_FINITE)
        .hasMessageContaining("row 2, column 2");
  }

  @Test
  void anUnknownFormatVersionAndAnOversizedHeaderAreRefused() {
    byte[] v9 = npy("<f4", false, "(4, 3)", new byte[48]);
    v9[6] = 9;
    assertRefused(
            () ->
                reader.read(new ByteArrayInputStream(v9), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.BAD_HEADER)
        .hasMessageContaining("format version 9");
    byte[] huge = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0, 0x7f};
    assertRefused(
            () ->
                reader.read(
                    new ByteArrayInputStream(huge), Resources.stream("labels_i8.npy"), null),
            DatasetFormatException.BAD_HEADER)
        .hasMessageContaining("claims");
  }

  @Test
  void aCorruptNpzIsRefused() {
    byte[] npz = Resources.bytes("features_labels_compressed.npz");
    byte[] broken = npz.clone();
    for (int i = 60; i < 120; i++) {
      broken[i] = (byte) 0xAA;
    }

    assertThatRefusedWithOneOf(
        () -> reader.readNpz(new ByteArrayInputStream(broken), null),
        DatasetFormatException.CORRUPT,
        DatasetFormatException.BAD_MAGIC,
        DatasetFormatException.BAD_HEADER,
        DatasetFormatException.TRUNCATED);
  }

  @Test
  void nonFiniteLabelsAndTooManyClassesAreRefused() {
    ByteBuffer nan = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    nan.putDouble(1).putDouble(Double.NaN).putDouble(2).putDouble(3);
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("features_f4.npy"),
                    new ByteArrayInputStream(npy("<f8", false, "(4,)", nan.array())),
                    null),
            DatasetFormatException.NOT_FINITE)
        .hasMessageContaining("row 2");
    assertRefused(
            () ->
                new NpyDatasetReader(new DatasetLimits(100, 100, 10_000, 2))
                    .read(
                        Resources.stream("features_f4.npy"),
                        Resources.stream("labels_i8.npy"),
                        null),
            DatasetFormatException.TOO_MANY_CLASSES)
        .hasMessageContaining("more than 2");
  }

  private static void assertThatRefusedWithOneOf(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String... slugs) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call)
        .isInstanceOf(DatasetFormatException.class)
        .satisfies(e -> assertThat(((DatasetFormatException) e).slug()).isIn((Object[]) slugs));
  }

  private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    return npyWithHeader(
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }",
        data);
  }

  private static byte[] npyWithHeader(String dict, byte[] data) {
    StringBuilder header = new StringBuilder(dict);
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out =
        ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.putShort((short) h.length).put(h).put(data);
    return out.array();
  }

  private static byte[] zip(Object... namesAndBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < namesAndBytes.length; i += 2) {
        zip.putNextEntry(new ZipEntry((String) namesAndBytes[i]));
        zip.write((byte[]) namesAndBytes[i + 1]);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
