package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.api.BadInputException;
import dev.slabprune.fuzz.FuzzLoop;
import dev.slabprune.fuzz.Mutations;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutants of the golden CSV files: delimiters, quotes, line breaks, non-finite and overlong numbers
 * inserted, bytes flipped, lines duplicated; each read with detected options and as a headerless
 * classification. Only a dataset or a {@link DatasetFormatException} may come back.
 */
class CsvDatasetReaderFuzzTest {

  private static final String[] TOKENS = {
    ",",
    ";",
    "\t",
    "|",
    "\"",
    "\"\"",
    "\r",
    "\n",
    "\r\n",
    "NaN",
    "inf",
    "-",
    "1e39",
    "1e-50",
    "0x10",
    "\uFEFF",
    "\u00e9",
    "12345678901234567890123456789",
    "-0",
    ".",
    "e5",
    " ",
    ",,,,,,,,",
    "\"a,b\"",
    "\"unclosed"
  };

  @Test
  void mutatedCsvFilesAreReadOrRefusedWithADatasetFormatErrorWithinTimeAndMemory() {
    List<byte[]> seeds =
        List.of(
            Resources.bytes("iris_sample.csv"),
            Resources.bytes("numeric_labels_tab.csv"),
            Resources.bytes("quoted_bom_crlf.csv"),
            Resources.bytes("regression_semicolon.csv"));
    CsvDatasetReader reader = new CsvDatasetReader(FuzzSupport.LIMITS);
    CsvOptions classification =
        CsvOptions.DETECT.withHeader(false).withTask(Task.CLASSIFICATION).withTargetIndex(0);
    FuzzLoop.Report report =
        new FuzzLoop(
                "csv",
                seeds,
                CsvDatasetReaderFuzzTest::mutate,
                b -> {
                  BadInputException first = null;
                  try {
                    reader.read(new ByteArrayInputStream(b), CsvOptions.DETECT);
                  } catch (DatasetFormatException e) {
                    first = e;
                  }
                  reader.read(new ByteArrayInputStream(b), classification);
                  if (first != null) {
                    throw first;
                  }
                },
                FuzzSupport.MAX_ALLOCATED)
            .run(12);
    System.out.println(report.summary());
    assertThat(report.failures()).isEmpty();
    assertThat(report.parsed()).isPositive();
    assertThat(report.refused()).isPositive();
  }

  static byte[] mutate(Random r, List<byte[]> seeds) {
    byte[] b = Mutations.pick(r, seeds);
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      if (r.nextBoolean()) {
        byte[] token = TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
        int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
        int remove = at < b.length && r.nextBoolean() ? 1 : 0;
        b = Mutations.splice(b, at, remove, token);
      } else {
        b = Mutations.once(r, b, seeds);
      }
    }
    return b;
  }
}
