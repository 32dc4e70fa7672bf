package dev.slabprune.job.run;

import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Examples;
import dev.slabprune.job.result.JobReport;
import java.util.SplittableRandom;

/**
 * The train, validation and test examples of a job: a shuffle fixed by the job's seed, so every
 * attempt, resume and re-pruning sees the same split. Regression targets are in the file's units.
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
    return new Splits(
        take(data, order, 0, train),
        validation == 0 ? null : take(data, order, train, validation),
        take(data, order, train + validation, test));
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

  private static Examples take(ParsedDataset data, int[] order, int from, int count) {
    int cols = data.features();
    float[] x = new float[count * cols];
    for (int r = 0; r < count; r++) {
      System.arraycopy(data.x(), order[from + r] * cols, x, r * cols, cols);
    }
    if (data.task() == Task.CLASSIFICATION) {
      int[] labels = new int[count];
      for (int r = 0; r < count; r++) {
        labels[r] = data.labels()[order[from + r]];
      }
      return Examples.classification(x, count, cols, labels, data.classes().size());
    }
    // The engine standardises regression targets itself and gives back a network that predicts
    // them in their own units: it takes them as they were in the file.
    float[] targets = new float[count];
    for (int r = 0; r < count; r++) {
      targets[r] = (float) data.unstandardise(data.targets()[order[from + r]]);
    }
    return Examples.regression(x, count, cols, targets);
  }
}
