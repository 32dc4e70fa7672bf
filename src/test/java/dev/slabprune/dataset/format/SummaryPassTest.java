package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slabprune.fuzz.Pair;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The pass that validates an upload without keeping its values ({@code summarise}) must refuse
 * exactly what reading refuses, with the same problem at the same place, and describe what it
 * accepts exactly as the read dataset's summary; reading again with the shape found ({@link
 * ExpectedShape}) must give the same dataset. Checked on the golden files and on fuzz mutants of
 * them.
 */
class SummaryPassTest {

  private static final int MUTANTS = 250;

  private final CsvDatasetReader csv = new CsvDatasetReader(FuzzSupport.LIMITS);
  private final IdxDatasetReader idx = new IdxDatasetReader(FuzzSupport.LIMITS);
  private final NpyDatasetReader npy = new NpyDatasetReader(FuzzSupport.LIMITS);

  /** The outcome of one pass: a summary, or the refusal's slug, place and detail. */
  private record Outcome(DatasetSummary summary, String refusal) {}

  private static Outcome outcome(Supplier<DatasetSummary> pass) {
    try {
      return new Outcome(pass.get(), null);
    } catch (DatasetFormatException e) {
      return new Outcome(null, e.slug() + " at " + e.violations() + ": " + e.getMessage());
    }
  }

  private static void sameOutcome(
      Function<Boolean, DatasetSummary> summaryOrReadSummary, String what) {
    Outcome read = outcome(() -> summaryOrReadSummary.apply(false));
    Outcome summarised = outcome(() -> summaryOrReadSummary.apply(true));
    assertThat(summarised.refusal()).as("refusal of %s", what).isEqualTo(read.refusal());
    if (read.summary() != null) {
      sameSummary(summarised.summary(), read.summary(), what);
    }
  }

  private static void sameSummary(DatasetSummary actual, DatasetSummary expected, String what) {
    assertThat(actual.rows()).as(what).isEqualTo(expected.rows());
    assertThat(actual.features()).as(what).isEqualTo(expected.features());
    assertThat(actual.task()).as(what).isEqualTo(expected.task());
    assertThat(actual.classes()).as(what).isEqualTo(expected.classes());
    assertThat(actual.classCounts()).as(what).isEqualTo(expected.classCounts());
    assertThat(actual.featureNames()).as(what).isEqualTo(expected.featureNames());
    if (expected.target() == null) {
      assertThat(actual.target()).as(what).isNull();
    } else {
      // mean and sd come from the same arithmetic; the dataset's range is recovered from the
      // standardised targets, so it may differ in the last bits
      assertThat(actual.target().mean()).as(what).isEqualTo(expected.target().mean());
      assertThat(actual.target().sd()).as(what).isEqualTo(expected.target().sd());
      double tolerance = 1e-5 * (1 + Math.abs(expected.target().max()));
      assertThat(actual.target().min()).isCloseTo(expected.target().min(), within(tolerance));
      assertThat(actual.target().max()).isCloseTo(expected.target().max(), within(tolerance));
    }
  }

  private static InputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  @Test
  void summarisingTheGoldenFilesDescribesThemAsReadingDoes() {
    for (String file :
        List.of(
            "iris_sample.csv",
            "numeric_labels_tab.csv",
            "quoted_bom_crlf.csv",
            "regression_semicolon.csv")) {
      byte[] b = Resources.bytes(file);
      sameOutcome(
          s ->
              s
                  ? csv.summarise(in(b), CsvOptions.DETECT)
                  : csv.read(in(b), CsvOptions.DETECT).summary(),
          file);
    }
    byte[] images = Resources.bytes("tiny-images-idx3-ubyte.gz");
    byte[] labels = Resources.bytes("tiny-labels-idx1-ubyte");
    sameOutcome(
        s -> s ? idx.summarise(in(images), in(labels)) : idx.read(in(images), in(labels)).summary(),
        "idx");
    for (String[] pair :
        List.of(
            new String[] {"features_f4.npy", "labels_i8.npy"},
            new String[] {"features_f8_fortran.npy", "targets_f8.npy"},
            new String[] {"features_i8.npy", "labels_i8.npy"})) {
      byte[] f = Resources.bytes(pair[0]);
      byte[] l = Resources.bytes(pair[1]);
      sameOutcome(
          s -> s ? npy.summarise(in(f), in(l), null) : npy.read(in(f), in(l), null).summary(),
          pair[0]);
    }
    for (String file : List.of("xy.npz", "features_labels_compressed.npz")) {
      byte[] b = Resources.bytes(file);
      sameOutcome(
          s -> s ? npy.summariseNpz(in(b), null) : npy.readNpz(in(b), null).summary(), file);
    }
    assertThat(csv.summarise(Resources.stream("iris_sample.csv"), CsvOptions.DETECT).classCounts())
        .containsExactly(2L, 2L, 2L);
  }

  @Test
  void summarisingMutatedFilesRefusesWhatReadingRefusesWithTheSameProblemAtTheSamePlace() {
    Random random = new Random(14);
    List<byte[]> csvSeeds =
        List.of(
            Resources.bytes("iris_sample.csv"),
            Resources.bytes("numeric_labels_tab.csv"),
            Resources.bytes("quoted_bom_crlf.csv"),
            Resources.bytes("regression_semicolon.csv"));
    CsvOptions classification =
        CsvOptions.DETECT.withHeader(false).withTask(Task.CLASSIFICATION).withTargetIndex(0);
    int refused = 0;
    for (int i = 0; i < MUTANTS; i++) {
      byte[] b = CsvDatasetReaderFuzzTest.mutate(random, csvSeeds);
      for (CsvOptions options : List.of(CsvOptions.DETECT, classification)) {
        sameOutcome(
            s -> s ? csv.summarise(in(b), options) : csv.read(in(b), options).summary(),
            "csv mutant " + i);
      }
      refused += outcome(() -> csv.summarise(in(b), CsvOptions.DETECT)).refusal() != null ? 1 : 0;
    }
    List<byte[]> idxSeeds =
        List.of(
            new Pair(
                    Resources.bytes("tiny-images-idx3-ubyte"),
                    Resources.bytes("tiny-labels-idx1-ubyte"))
                .encode(),
            new Pair(
                    Resources.bytes("tiny-images-idx3-ubyte.gz"),
                    Resources.bytes("tiny-labels-idx1-ubyte.gz"))
                .encode());
    for (int i = 0; i < MUTANTS; i++) {
      Pair p = Pair.decode(IdxDatasetReaderFuzzTest.mutate(random, idxSeeds));
      sameOutcome(
          s ->
              s
                  ? idx.summarise(in(p.first()), in(p.second()))
                  : idx.read(in(p.first()), in(p.second())).summary(),
          "idx mutant " + i);
      refused +=
          outcome(() -> idx.summarise(in(p.first()), in(p.second()))).refusal() != null ? 1 : 0;
    }
    List<byte[]> npySeeds = new ArrayList<>();
    npySeeds.add(
        withMode(
            0,
            new Pair(Resources.bytes("features_f4.npy"), Resources.bytes("labels_i8.npy"))
                .encode()));
    npySeeds.add(
        withMode(
            0,
            new Pair(Resources.bytes("features_f8_fortran.npy"), Resources.bytes("targets_f8.npy"))
                .encode()));
    npySeeds.add(withMode(1, Resources.bytes("xy.npz")));
    npySeeds.add(withMode(1, Resources.bytes("features_labels_compressed.npz")));
    for (int i = 0; i < MUTANTS; i++) {
      byte[] b = NpyDatasetReaderFuzzTest.mutate(random, npySeeds);
      byte[] body = Arrays.copyOfRange(b, 1, b.length);
      if (b[0] == 0) {
        Pair p = Pair.decode(body);
        sameOutcome(
            s ->
                s
                    ? npy.summarise(in(p.first()), in(p.second()), null)
                    : npy.read(in(p.first()), in(p.second()), null).summary(),
            "npy mutant " + i);
      } else {
        sameOutcome(
            s -> s ? npy.summariseNpz(in(body), null) : npy.readNpz(in(body), null).summary(),
            "npz mutant " + i);
      }
    }
    assertThat(refused).as("the mutants include refused files").isPositive();
  }

  @Test
  void readingAgainWithTheShapeFoundGivesTheSameDatasetInOneArray() {
    byte[] images = Resources.bytes("tiny-images-idx3-ubyte.gz");
    byte[] labels = Resources.bytes("tiny-labels-idx1-ubyte");
    ParsedDataset grown = idx.read(in(images), in(labels));
    ParsedDataset sized =
        idx.read(in(images), in(labels), new ExpectedShape(grown.rows(), grown.features()));
    sameDataset(sized, grown);

    for (String file : List.of("iris_sample.csv", "regression_semicolon.csv")) {
      byte[] b = Resources.bytes(file);
      ParsedDataset g = csv.read(in(b), CsvOptions.DETECT);
      sameDataset(csv.read(in(b), CsvOptions.DETECT, new ExpectedShape(g.rows(), g.features())), g);
    }
    // Fortran order is placed into row-major order as it is read
    byte[] f = Resources.bytes("features_f8_fortran.npy");
    byte[] t = Resources.bytes("targets_f8.npy");
    ParsedDataset g = npy.read(in(f), in(t), null);
    sameDataset(npy.read(in(f), in(t), null, new ExpectedShape(g.rows(), g.features())), g);
    byte[] z = Resources.bytes("xy.npz");
    ParsedDataset gz = npy.readNpz(in(z), null);
    sameDataset(npy.readNpz(in(z), null, new ExpectedShape(gz.rows(), gz.features())), gz);
    // a shape that the file does not have is ignored, not trusted
    sameDataset(npy.readNpz(in(z), null, new ExpectedShape(gz.rows() + 7, 3)), gz);
  }

  private static void sameDataset(ParsedDataset actual, ParsedDataset expected) {
    assertThat(actual.x()).isEqualTo(expected.x());
    assertThat(actual.labels()).isEqualTo(expected.labels());
    assertThat(actual.targets()).isEqualTo(expected.targets());
    assertThat(actual.classes()).isEqualTo(expected.classes());
    assertThat(actual.featureNames()).isEqualTo(expected.featureNames());
    assertThat(actual.targetMean()).isEqualTo(expected.targetMean());
    assertThat(actual.targetSd()).isEqualTo(expected.targetSd());
  }

  private static byte[] withMode(int mode, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = (byte) mode;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
