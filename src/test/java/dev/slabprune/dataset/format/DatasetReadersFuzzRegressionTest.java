package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Inputs the fuzz loop found that once crashed a dataset reader with an exception other than a
 * {@link DatasetFormatException} (stored under {@code src/test/resources/fuzz/}), and the fix of
 * each.
 */
class DatasetReadersFuzzRegressionTest {

  private final IdxDatasetReader idx = new IdxDatasetReader(FuzzSupport.LIMITS);
  private final NpyDatasetReader npy = new NpyDatasetReader(FuzzSupport.LIMITS);

  @Test
  void aGzippedLabelsFileCutInsideItsGzipHeaderIsRefusedAsTruncatedInsteadOfAnEofException() {
    refused(
            () ->
                idx.read(
                    stream("idx/6f9b0518b0ab63e6-images"), stream("idx/6f9b0518b0ab63e6-labels")),
            DatasetFormatException.TRUNCATED)
        .hasMessageContaining("labels file")
        .hasMessageContaining("gzip header");
  }

  @Test
  void idxImageDimensionsWhoseProductOverflowsALongAreRefusedByTheFeatureLimit() {
    refused(
            () ->
                idx.read(
                    stream("idx/5926a1ff6de03226-images"), stream("idx/5926a1ff6de03226-labels")),
            DatasetFormatException.TOO_LARGE)
        .hasMessageContaining("maxFeatures = 4096");
  }

  @Test
  void anNpzCutShortInsideAnEntryIsRefusedAsCorruptInsteadOfAnEofException() {
    refused(
            () -> npy.readNpz(stream("npy/d9c24f03755766ad.npz"), null),
            DatasetFormatException.CORRUPT)
        .hasMessageContaining("ends early");
  }

  @Test
  void anNpzEntryNameThatIsNotValidUtf8IsRefusedAsCorruptInsteadOfAnIllegalArgument() {
    refused(
            () -> npy.readNpz(stream("npy/9823c2fe5656d5dd.npz"), null),
            DatasetFormatException.CORRUPT)
        .hasMessageContaining("entry name cannot be decoded");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(
      ThrowingCallable read, String slug) {
    return assertThatThrownBy(read)
        .isInstanceOfSatisfying(
            DatasetFormatException.class, e -> assertThat(e.slug()).isEqualTo(slug));
  }

  private static InputStream stream(String file) {
    try (InputStream in =
        DatasetReadersFuzzRegressionTest.class.getResourceAsStream("/fuzz/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no crash file " + file);
      }
      return new ByteArrayInputStream(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
