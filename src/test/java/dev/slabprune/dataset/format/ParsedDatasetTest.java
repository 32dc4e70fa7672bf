package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParsedDatasetTest {

  private final ParsedDataset iris =
      new CsvDatasetReader().read(Resources.stream("iris_sample.csv"), CsvOptions.DETECT);

  @Test
  void theSummaryOfAClassificationCountsEachClass() {
    DatasetSummary summary = iris.summary();

    assertThat(summary.rows()).isEqualTo(6);
    assertThat(summary.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(summary.classes()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(summary.classCounts()).containsExactly(2L, 2L, 2L);
    assertThat(summary.target()).isNull();
  }

  @Test
  void constantRegressionTargetsAreStandardisedWithUnitSd() {
    ParsedDataset data =
        ParsedDataset.regression(2, 1, new float[] {1, 2}, List.of(), new float[] {5, 5});

    assertThat(data.targetSd()).isEqualTo(1.0);
    assertThat(data.targets()).containsExactly(0f, 0f);
    assertThat(data.summary().target().mean()).isCloseTo(5, within(1e-12));
  }
}
