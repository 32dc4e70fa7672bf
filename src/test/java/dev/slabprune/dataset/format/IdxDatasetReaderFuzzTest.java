package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.fuzz.FuzzLoop;
import dev.slabprune.fuzz.Mutations;
import dev.slabprune.fuzz.Pair;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutants of the golden IDX pairs (plain and gzipped): header fields set to extremes, bytes
 * flipped, files truncated or spliced; only a dataset or a {@link DatasetFormatException} may come
 * back.
 */
class IdxDatasetReaderFuzzTest {

  @Test
  void mutatedIdxFilesAreReadOrRefusedWithADatasetFormatErrorWithinTimeAndMemory() {
    byte[] images = Resources.bytes("tiny-images-idx3-ubyte");
    byte[] labels = Resources.bytes("tiny-labels-idx1-ubyte");
    byte[] imagesGz = Resources.bytes("tiny-images-idx3-ubyte.gz");
    byte[] labelsGz = Resources.bytes("tiny-labels-idx1-ubyte.gz");
    List<byte[]> seeds =
        List.of(
            new Pair(images, labels).encode(),
            new Pair(imagesGz, labelsGz).encode(),
            new Pair(images, labelsGz).encode());
    IdxDatasetReader reader = new IdxDatasetReader(FuzzSupport.LIMITS);
    FuzzLoop.Report report =
        new FuzzLoop(
                "idx",
                seeds,
                IdxDatasetReaderFuzzTest::mutate,
                b -> {
                  Pair p = Pair.decode(b);
                  reader.read(
                      new ByteArrayInputStream(p.first()), new ByteArrayInputStream(p.second()));
                },
                FuzzSupport.MAX_ALLOCATED)
            .run(12);
    System.out.println(report.summary());
    assertThat(report.failures()).isEmpty();
    assertThat(report.parsed()).isGreaterThanOrEqualTo(seeds.size());
    assertThat(report.refused()).isPositive();
  }

  static byte[] mutate(Random r, List<byte[]> seeds) {
    Pair p = Pair.decode(Mutations.pick(r, seeds));
    boolean images = r.nextBoolean();
    byte[] file = images ? p.first() : p.second();
    boolean gz = FuzzSupport.gzipped(file);
    // mutate the decompressed bytes and compress again, or the compressed bytes themselves
    byte[] plain = gz && r.nextInt(4) != 0 ? FuzzSupport.gunzip(file) : file;
    byte[] mutated;
    if (r.nextBoolean() && plain.length >= 16) {
      mutated = plain.clone();
      int field = r.nextInt(images ? 4 : 2); // magic, count, rows, columns
      Mutations.putInt(mutated, 4 * field, 4, Mutations.extreme(r), false);
      if (r.nextBoolean()) {
        mutated = Mutations.once(r, mutated, List.of(plain));
      }
    } else {
      mutated = Mutations.havoc(r, List.of(plain));
    }
    if (plain != file) {
      mutated = FuzzSupport.gzip(mutated);
    }
    return (images ? new Pair(mutated, p.second()) : new Pair(p.first(), mutated)).encode();
  }
}
