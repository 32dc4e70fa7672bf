package dev.slabprune.job.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.engine.Examples;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SplitsTest {

  private static final int ROWS = 50;
  private static final int PIXELS = 6;

  @Test
  void splitsPartitionTheRowsInAShuffleFixedByTheSeed() {
    ParsedDataset data = idx();
    Splits a = Splits.of(data, 0.2, 0.1, 7);
    Splits b = Splits.of(data, 0.2, 0.1, 7);
    assertThat(a.train().rows()).isEqualTo(35);
    assertThat(a.validation().rows()).isEqualTo(10);
    assertThat(a.test().rows()).isEqualTo(5);
    assertThat(a.train().features()).containsExactly(b.train().features());
    assertThat(a.test().labels()).containsExactly(b.test().labels());
    // every row once: row r's first pixel is r, its label r % 3
    boolean[] seen = new boolean[ROWS];
    for (Examples e : new Examples[] {a.train(), a.validation(), a.test()}) {
      float[] f = e.features();
      for (int r = 0; r < e.rows(); r++) {
        int row = Math.round(f[r * PIXELS] * 255);
        assertThat(seen[row]).isFalse();
        seen[row] = true;
        assertThat(e.labels()[r]).isEqualTo(row % 3);
        for (int c = 0; c < PIXELS; c++) {
          assertThat(f[r * PIXELS + c]).isEqualTo(pixel(row, c) / 255f);
        }
      }
    }
    assertThat(seen).containsOnly(true);
    assertThat(Splits.of(data, 0.2, 0.1, 8).train().features()).isNotEqualTo(a.train().features());
  }

  @Test
  void imagesKeptAsBytesSplitAsTheirFloatsWould() {
    ParsedDataset bytes = idx();
    assertThat(bytes.bytes()).hasSize(ROWS * PIXELS);
    ParsedDataset floats =
        new ParsedDataset(
            bytes.rows(),
            bytes.features(),
            bytes.x(),
            null,
            null,
            bytes.featureNames(),
            bytes.task(),
            bytes.labels(),
            bytes.classes(),
            null,
            0,
            1);
    Splits a = Splits.of(bytes, 0.2, 0.1, 3);
    Splits b = Splits.of(floats, 0.2, 0.1, 3);
    assertThat(a.train().features()).containsExactly(b.train().features());
    assertThat(a.validation().features()).containsExactly(b.validation().features());
    assertThat(a.test().features()).containsExactly(b.test().features());
    assertThat(a.train().labels()).containsExactly(b.train().labels());
  }

  private static int pixel(int row, int col) {
    return col == 0 ? row : (row * 31 + col * 17) & 0xFF;
  }

  private static ParsedDataset idx() {
    ByteBuffer images = ByteBuffer.allocate(16 + ROWS * PIXELS);
    images.putInt(0x00000803).putInt(ROWS).putInt(2).putInt(3);
    ByteBuffer labels = ByteBuffer.allocate(8 + ROWS);
    labels.putInt(0x00000801).putInt(ROWS);
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < PIXELS; c++) {
        images.put((byte) pixel(r, c));
      }
      labels.put((byte) (r % 3));
    }
    return new IdxDatasetReader()
        .read(new ByteArrayInputStream(images.array()), new ByteArrayInputStream(labels.array()));
  }
}
