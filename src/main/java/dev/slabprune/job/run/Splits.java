package dev.slabprune.job.run;

import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Examples;
import dev.slabprune.job.result.JobReport;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The train, validation and test examples of a job: a shuffle fixed by the job's seed, so every
 * attempt, resume and re-pruning sees the same split. The splits are views of the dataset's one
 * feature array (each a list of row indices in shuffled order), so a job holds its examples once;
 * the parsed dataset itself can go once the splits are made. Regression targets are in the file's
 * units.
 */
public record Splits(Examples train, Examples validation, Examples test) {

  public static Splits of(
      ParsedDataset data, double validationFraction, double testFraction, long seed) {
    int rows = data.rows();
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int test = Math.max(1, (int) Math.round(rows * testFraction));
    int validation = (int) Math.round(rows * validationFraction);
    int train = rows - test - validation;
    if (train < 1) {
      throw new IllegalArgumentException("no training rows left");
    }
    Examples.Rows features = rows(data);
    return new Splits(
        take(data, features, order, 0, train),
        validation == 0 ? null : take(data, features, order, train, validation),
        take(data, features, order, train + validation, test));
  }

  /** The fractions asked for and the rows each split got, for the report's provenance. */
  public JobReport.Splits describe(double validationFraction, double testFraction) {
    return new JobReport.Splits(
        validationFraction,
        testFraction,
        train.rows(),
        validation == null ? 0 : validation.rows(),
        test.rows());
  }

  /**
   * Rows {@code order[from .. from + count)} of the dataset as a view of {@code rows}: only the row
   * indices and the labels (or targets) are copied, never the features.
   */
  private static Examples take(
      ParsedDataset data, Examples.Rows rows, int[] order, int from, int count) {
    int[] index = Arrays.copyOfRange(order, from, from + count);
    if (data.task() == Task.CLASSIFICATION) {
      int[] labels = new int[count];
      for (int r = 0; r < count; r++) {
        labels[r] = data.labels()[index[r]];
      }
      return Examples.classification(rows, index, labels, data.classes().size());
    }
    // The engine standardises regression targets itself and gives back a network that predicts
    // them in their own units: it takes them as they were in the file.
    float[] targets = new float[count];
    for (int r = 0; r < count; r++) {
      targets[r] = (float) data.unstandardise(data.targets()[index[r]]);
    }
    return Examples.regression(rows, index, targets);
  }

  /** The dataset's features, held once for every split: its own array, not a copy. */
  private static Examples.Rows rows(ParsedDataset data) {
    return data.bytes() != null
        ? Examples.Rows.ofBytes(data.bytes(), data.byteValues(), data.rows(), data.features())
        : Examples.Rows.ofFloats(data.x(), data.rows(), data.features());
  }
}
