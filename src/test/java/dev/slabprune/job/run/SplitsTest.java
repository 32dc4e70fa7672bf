package dev.slabprune.job.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.data.Offset.offset;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Examples;
import dev.slabprune.job.result.JobReport;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  @Test
  void withHeldOutRowsEveryRowTrainsAndTheHeldOutRowsAreHalvedIntoValidationAndTest() {
    ParsedDataset data = csv("a,b,y\n1,1,cat\n2,2,dog\n3,3,emu\n4,4,cat\n5,5,dog\n", null);
    // a subset of the classes, listed in another order: labels map by name, not by index
    ParsedDataset held = csv("a,b,y\n10,0,emu\n11,0,cat\n12,0,emu\n13,0,emu\n14,0,cat\n", null);
    assertThat(held.classes()).containsExactly("cat", "emu");

    Splits a = Splits.heldOut(data, held, 7);
    assertThat(a.train().rows()).isEqualTo(5);
    assertThat(a.validation().rows()).isEqualTo(2);
    assertThat(a.test().rows()).isEqualTo(3);
    assertThat(a.describe(0.5, 0.5, true)).isEqualTo(new JobReport.Splits(0.5, 0.5, 5, 2, 3, true));
    boolean[] seen = new boolean[5];
    for (Examples e : new Examples[] {a.validation(), a.test()}) {
      assertThat(e.classes()).isEqualTo(3);
      float[] f = e.features();
      for (int r = 0; r < e.rows(); r++) {
        int row = Math.round(f[r * 2]) - 10;
        assertThat(seen[row]).isFalse();
        seen[row] = true;
        // rows 0, 2, 3 are emu (the dataset's class 2), rows 1, 4 cat (class 0)
        assertThat(e.labels()[r]).isEqualTo(row == 1 || row == 4 ? 0 : 2);
      }
    }
    assertThat(seen).containsOnly(true);
    float[] train = a.train().features();
    Set<Integer> trained = new HashSet<>();
    for (int r = 0; r < 5; r++) {
      trained.add(Math.round(train[r * 2]));
    }
    assertThat(trained).containsExactlyInAnyOrder(1, 2, 3, 4, 5);

    Splits b = Splits.heldOut(data, held, 7);
    assertThat(b.validation().features()).containsExactly(a.validation().features());
    assertThat(b.test().labels()).containsExactly(a.test().labels());
  }

  @Test
  void theClassesNoValidationOrTestRowHoldsAreNamedByIndex() {
    ParsedDataset data = csv("a,b,y\n1,1,cat\n2,2,dog\n3,3,emu\n4,4,cat\n5,5,dog\n", null);
    ParsedDataset held = csv("a,b,y\n10,0,emu\n11,0,cat\n12,0,emu\n13,0,emu\n14,0,cat\n", null);
    ParsedDataset every = csv("a,b,y\n10,0,emu\n11,0,cat\n12,0,dog\n13,0,emu\n", null);
    ParsedDataset targets = csv("a,b,y\n1,1,0.5\n2,2,1.5\n3,3,2.5\n4,4,3.5\n", Task.REGRESSION);

    assertThat(Splits.heldOut(data, held, 7).classesNotJudged()).containsExactly(1);
    assertThat(Splits.heldOut(data, every, 7).classesNotJudged()).isEmpty();
    assertThat(Splits.of(targets, 0.25, 0.25, 7).classesNotJudged()).isEmpty();
  }

  @Test
  void heldOutRegressionTargetsAreInTheirOwnUnits() {
    ParsedDataset data = csv("a,y\n1,10\n2,20\n3,30\n", Task.REGRESSION);
    ParsedDataset held = csv("a,y\n4,400\n5,500\n", Task.REGRESSION);
    Splits s = Splits.heldOut(data, held, 1);
    float[] targets = {s.validation().targets()[0], s.test().targets()[0]};
    float[] features = {s.validation().features()[0], s.test().features()[0]};
    for (int i = 0; i < 2; i++) {
      assertThat(targets[i]).isCloseTo(features[i] * 100, offset(1e-3f));
    }
  }

  @Test
  void classLabelsMatchByNameOrByNumericValue() {
    assertThat(Splits.classIndex(List.of("0", "1", "2"), List.of("2.0", "0")))
        .containsExactly(2, 0);
    assertThat(Splits.classIndex(List.of("a", "b"), List.of("b", "c"))).containsExactly(1, -1);
  }

  @Test
  void heldOutRowsThatCannotServeAreRefused() {
    ParsedDataset data = csv("a,b,y\n1,1,cat\n2,2,dog\n3,3,cat\n", null);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Splits.heldOut(data, csv("a,b,y\n1,1,cat\n", null), 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Splits.heldOut(data, csv("a,b,y\n1,1,cat\n2,2,owl\n", null), 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Splits.heldOut(data, csv("a,y\n1,cat\n2,dog\n", null), 1));
  }

  private static ParsedDataset csv(String text, Task task) {
    return new CsvDatasetReader()
        .read(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            CsvOptions.DETECT.withTask(task));
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
