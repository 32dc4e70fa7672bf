package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class CsvDatasetReaderTest {

  private final CsvDatasetReader reader = new CsvDatasetReader();

  @Test
  void aHeaderAndStringLabelsGiveAClassificationWithSortedClasses() {
    ParsedDataset data = reader.read(Resources.stream("iris_sample.csv"), CsvOptions.DETECT);

    assertThat(data.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(data.rows()).isEqualTo(6);
    assertThat(data.features()).isEqualTo(4);
    assertThat(data.featureNames())
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertThat(data.classes()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(data.labelIndex()).containsEntry("virginica", 2);
    assertThat(data.labels()).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(data.x()).startsWith(5.1f, 3.5f, 1.4f, 0.2f, 4.9f).endsWith(5.8f, 2.7f, 5.1f, 1.9f);
    assertThat(data.summary().classCounts()).containsExactly(2L, 2L, 2L);
  }

  @Test
  void aSemicolonFileWithoutHeaderAndNumericTargetsGivesStandardisedRegression() {
    ParsedDataset data =
        reader.read(Resources.stream("regression_semicolon.csv"), CsvOptions.DETECT);

    assertThat(data.task()).isEqualTo(Task.REGRESSION);
    assertThat(data.featureNames()).isEmpty();
    assertThat(data.x()).containsExactly(1.5f, 2f, -0.5f, 10f, 3f, -4.25f, 2f, 0f);
    assertThat(data.targetMean()).isEqualTo(25.0);
    assertThat(data.targetSd()).isCloseTo(Math.sqrt(125), within(1e-12));
    assertThat(data.targets()[0]).isCloseTo((float) (-15 / Math.sqrt(125)), within(1e-6f));
    assertThat(data.unstandardise(data.targets()[3])).isCloseTo(40, within(1e-5));
    assertThat(data.summary().target().min()).isCloseTo(10, within(1e-5));
  }

  @Test
  void aTargetChosenByNameInTheMiddleIsTakenOutOfTheFeatures() {
    ParsedDataset data =
        reader.read(
            Resources.stream("numeric_labels_tab.csv"),
            CsvOptions.DETECT.withTargetName("label").withTask(Task.CLASSIFICATION));

    assertThat(data.featureNames()).containsExactly("a", "b");
    assertThat(data.x()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
    assertThat(data.classes()).as("numeric labels sort by value").containsExactly("2", "10");
    assertThat(data.labels()).containsExactly(1, 0, 1, 0);
  }

  @Test
  void numericTargetsBecomeClassesWhenTheOptionSaysSo() {
    ParsedDataset data =
        reader.read(
            Resources.stream("numeric_labels_tab.csv"),
            CsvOptions.DETECT.withTargetIndex(1).withNumericTargetTask(Task.CLASSIFICATION));

    assertThat(data.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(data.classes()).containsExactly("2", "10");
  }

  @Test
  void quotedFieldsDoubledQuotesCrlfABomAndBlankLinesAreRead() {
    ParsedDataset data = reader.read(Resources.stream("quoted_bom_crlf.csv"), CsvOptions.DETECT);

    assertThat(data.featureNames()).containsExactly("x 1", "x,2");
    assertThat(data.rows()).isEqualTo(2);
    assertThat(data.x()).containsExactly(1.5f, 2f, 3f, 4f);
    assertThat(data.classes()).containsExactly("plain", "say \"hi\", ok");
    assertThat(data.labels()).containsExactly(1, 0);
  }

  @Test
  void utf8HeaderNamesAndLabelsAreDecoded() {
    ParsedDataset data =
        reader.read(Resources.text("größe;préféré\n1.5;ja\n2;nein\n"), CsvOptions.DETECT);

    assertThat(data.featureNames()).containsExactly("größe");
    assertThat(data.classes()).containsExactly("ja", "nein");
    assertThat(data.x()).containsExactly(1.5f, 2f);
  }

  @Test
  void aGivenDelimiterAndHeaderOverrideDetection() {
    String csv = "1|2|x\n3|4|y\n";

    ParsedDataset data =
        reader.read(Resources.text(csv), CsvOptions.DETECT.withDelimiter('|').withHeader(false));

    assertThat(data.rows()).isEqualTo(2);
    assertThat(data.classes()).containsExactly("x", "y");
  }

  @Test
  void numbersAreParsedAsFloatParseFloatParsesThem() {
    Random random = new Random(7);
    StringBuilder csv = new StringBuilder();
    float[] expected = new float[3000];
    for (int r = 0; r < 1000; r++) {
      for (int c = 0; c < 3; c++) {
        double v = random.nextGaussian() * Math.pow(10, random.nextInt(12) - 6);
        String text =
            switch (c) {
              case 0 -> Double.toString(v);
              case 1 -> String.format(Locale.ROOT, "%.9e", v);
              default -> Float.toString((float) v);
            };
        expected[r * 3 + c] = Float.parseFloat(text);
        csv.append(text).append(',');
      }
      csv.append(r % 2).append('\n');
    }

    ParsedDataset data = reader.read(Resources.text(csv.toString()), CsvOptions.DETECT);

    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(data.x()[i] - expected[i])).isLessThanOrEqualTo(Math.ulp(expected[i]));
    }
    assertThat(data.task()).isEqualTo(Task.REGRESSION);
  }

  @Test
  void aFileLargerThanOneChunkIsReadCompletely() {
    StringBuilder csv = new StringBuilder("f1,f2,y\n");
    int rows = 700_000;
    for (int r = 0; r < rows; r++) {
      csv.append(r).append(',').append(-r).append(',').append(r % 3 == 0 ? "a" : "b").append('\n');
    }

    ParsedDataset data =
        reader.read(
            new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.US_ASCII)),
            CsvOptions.DETECT);

    assertThat(data.rows()).isEqualTo(rows);
    assertThat(data.x()[2 * (rows - 1)]).isEqualTo(rows - 1f);
    assertThat(data.x()[2 * (rows - 1) + 1]).isEqualTo(1f - rows);
    assertThat(data.summary().classCounts())
        .containsExactly((rows + 2L) / 3, rows - (rows + 2L) / 3);
  }

  @Test
  void crlfLineEndsAndQuotedFieldsAcrossBufferBoundariesAreRead() {
    StringBuilder csv = new StringBuilder("a;b;label\r\n");
    int rows = 30_000;
    for (int r = 0; r < rows; r++) {
      String b = r % 7 == 0 ? "\"" + r + "\"" : Integer.toString(r);
      String label = r % 5 == 0 ? "\"two\r\nlines\"" : "one";
      csv.append(r).append(';').append(b).append(';').append(label).append("\r\n");
    }

    ParsedDataset data = reader.read(Resources.text(csv.toString()), CsvOptions.DETECT);

    assertThat(data.rows()).isEqualTo(rows);
    for (int r = 0; r < rows; r++) {
      assertThat(data.x()[2 * r]).isEqualTo(r);
      assertThat(data.x()[2 * r + 1]).isEqualTo(r);
    }
    assertThat(data.classes()).containsExactly("one", "two\r\nlines");
    assertThat(data.summary().classCounts()).containsExactly(rows - rows / 5L, rows / 5L);
  }

  @Test
  void errorsAfterAQuotedLineBreakNameThePhysicalLine() {
    assertRefused(
            () -> reader.read(Resources.text("a,y\n1,\"x\ny\"\n2,z\nbad,z\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_A_NUMBER)
        .hasMessageContaining("Line 5, column 1");
  }

  @Test
  void aRaggedRowIsRefusedNamingItsLine() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,2,x\n3,4\n"), CsvOptions.DETECT),
            DatasetFormatException.RAGGED_ROW)
        .hasMessageContaining("Line 3 has 2 fields but the first row has 3");
  }

  @Test
  void aRowWithTooManyFieldsIsRefusedNamingItsLine() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,2,x\n3,4,5,x\n"), CsvOptions.DETECT),
            DatasetFormatException.RAGGED_ROW)
        .hasMessageContaining("Line 3 has 4 fields");
  }

  @Test
  void aNonNumericFeatureIsRefusedNamingLineAndColumn() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,2,x\n3,red,x\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_A_NUMBER)
        .hasMessageContaining("Line 3, column 2 ('b')")
        .hasMessageContaining("'red' is not a number")
        .satisfies(
            e ->
                assertThat(((DatasetFormatException) e).violations().get(0).location())
                    .isEqualTo("line 3, column 2"));
  }

  @Test
  void anEmptyFeatureIsRefusedAsMissing() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,,x\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_A_NUMBER)
        .hasMessageContaining("is empty");
  }

  @Test
  void nanAndInfinityAreRefusedNamingLineAndColumn() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,NaN,x\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_FINITE)
        .hasMessageContaining("Line 2, column 2 ('b')");
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,2,x\n-inf,2,x\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_FINITE)
        .hasMessageContaining("Line 3, column 1 ('a')");
    assertRefused(
            () -> reader.read(Resources.text("1,2,3\n1,2,1e999\n"), CsvOptions.DETECT),
            DatasetFormatException.NOT_FINITE)
        .hasMessageContaining("regression target");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertRefused(
        () -> reader.read(Resources.text(""), CsvOptions.DETECT),
        DatasetFormatException.EMPTY_FILE);
    assertRefused(
        () -> reader.read(Resources.text("\n\n"), CsvOptions.DETECT),
        DatasetFormatException.EMPTY_FILE);
  }

  @Test
  void aHeaderWithoutDataRowsIsRefused() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,label\n"), CsvOptions.DETECT.withHeader(true)),
            DatasetFormatException.NO_DATA_ROWS)
        .hasMessageContaining("no data rows");
  }

  @Test
  void anUnknownTargetColumnIsRefusedListingTheColumns() {
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("iris_sample.csv"), CsvOptions.DETECT.withTargetName("kind")),
            DatasetFormatException.UNKNOWN_TARGET)
        .hasMessageContaining("'kind'")
        .hasMessageContaining("sepal_length");
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("iris_sample.csv"), CsvOptions.DETECT.withTargetIndex(5)),
            DatasetFormatException.UNKNOWN_TARGET)
        .hasMessageContaining("index 5");
    assertRefused(
            () ->
                reader.read(
                    Resources.stream("regression_semicolon.csv"),
                    CsvOptions.DETECT.withTargetName("y")),
            DatasetFormatException.UNKNOWN_TARGET)
        .hasMessageContaining("no header");
  }

  @Test
  void anUnclosedQuoteIsRefusedNamingTheLineWhereItOpens() {
    assertRefused(
            () -> reader.read(Resources.text("a,b,y\n1,2,x\n3,\"4,x\n5,6,x\n"), CsvOptions.DETECT),
            DatasetFormatException.UNCLOSED_QUOTE)
        .hasMessageContaining("line 3");
  }

  @Test
  void aNonNumericRegressionTargetIsRefused() {
    assertRefused(
            () ->
                reader.read(
                    Resources.text("a,y\n1,2\n3,big\n"),
                    CsvOptions.DETECT.withTask(Task.REGRESSION)),
            DatasetFormatException.NOT_A_NUMBER)
        .hasMessageContaining("Line 3, column 2 ('y')");
  }

  @Test
  void limitsOnRowsFeaturesBytesAndClassesAreEnforcedAndNamed() {
    String csv = "a,b,y\n1,2,x\n3,4,y\n5,6,z\n";
    assertRefused(
            () ->
                new CsvDatasetReader(new DatasetLimits(2, 10, 1000, 10))
                    .read(Resources.text(csv), CsvOptions.DETECT),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxRows = 2");
    assertRefused(
            () ->
                new CsvDatasetReader(new DatasetLimits(10, 1, 1000, 10))
                    .read(Resources.text(csv), CsvOptions.DETECT),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxFeatures = 1");
    assertRefused(
            () ->
                new CsvDatasetReader(new DatasetLimits(10, 10, 10, 10))
                    .read(Resources.text(csv), CsvOptions.DETECT),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxBytes = 10")
        .satisfies(e -> assertThat(((DatasetFormatException) e).status()).isEqualTo(413));
    assertRefused(
            () ->
                new CsvDatasetReader(new DatasetLimits(10, 10, 1000, 2))
                    .read(Resources.text(csv), CsvOptions.DETECT),
            DatasetFormatException.TOO_MANY_CLASSES)
        .hasMessageContaining("more than 2 distinct labels");
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      ThrowingCallable call, String slug) {
    return assertThatThrownBy(call)
        .isInstanceOf(DatasetFormatException.class)
        .satisfies(e -> assertThat(((DatasetFormatException) e).slug()).isEqualTo(slug));
  }

  @Test
  void aKnownShapeOfWholeNumberFeaturesIsKeptOneByteEachWithTheSameValues() {
    String integers = "a,b,y\n0,255,x\n17,3,z\n";
    ParsedDataset plain = new CsvDatasetReader().read(in(integers), CsvOptions.DETECT);
    ParsedDataset sized =
        new CsvDatasetReader().read(in(integers), CsvOptions.DETECT, new ExpectedShape(2, 2));
    assertThat(plain.bytes()).isNull();
    assertThat(sized.bytes()).hasSize(4);
    assertThat(sized.x()).containsExactly(plain.x()).containsExactly(0f, 255f, 17f, 3f);
    assertThat(sized.labels()).containsExactly(plain.labels());

    String fractions = "a,b,y\n0,255,x\n17,3.5,z\n";
    ParsedDataset floats =
        new CsvDatasetReader().read(in(fractions), CsvOptions.DETECT, new ExpectedShape(2, 2));
    assertThat(floats.bytes()).isNull();
    assertThat(floats.x()).containsExactly(0f, 255f, 17f, 3.5f);
  }

  private static java.io.InputStream in(String csv) {
    return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
  }
}
