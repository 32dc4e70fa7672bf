package dev.slabprune.job.run;

import dev.slabprune.dataset.format.ParsedDataset;
import dev.slabprune.dataset.format.Task;
import dev.slabprune.engine.Examples;
import dev.slabprune.job.result.JobReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    int[] order = order(rows, seed);
    int test = Math.max(1, (int) Math.round(rows * testFraction));
    int validation = (int) Math.round(rows * validationFraction);
    int train = rows - test - validation;
    if (train < 1) {
      throw new IllegalArgumentException("no training rows left");
    }
    Examples.Rows features = rows(data);
    int classes = data.classes().size();
    return new Splits(
        take(data, features, order, 0, train, null, classes),
        validation == 0 ? null : take(data, features, order, train, validation, null, classes),
        take(data, features, order, train + validation, test, null, classes));
  }

  /**
   * The classes (indices) that no validation or test row holds; empty for a regression. Held-out
   * rows may hold some of the classes only, and a small split may miss a rare one: the quality
   * budget then never sees how the pruned network does on them.
   */
  public List<Integer> classesNotJudged() {
    if (!train.isClassification()) {
      return List.of();
    }
    boolean[] seen = new boolean[train.classes()];
    for (Examples split : new Examples[] {validation, test}) {
      if (split != null) {
        for (int label : split.labels()) {
          seen[label] = true;
        }
      }
    }
    List<Integer> missing = new ArrayList<>();
    for (int c = 0; c < seen.length; c++) {
      if (!seen[c]) {
        missing.add(c);
      }
    }
    return missing;
  }

  /**
   * Every row of {@code data} trains; the rows of {@code heldOut} (rows the uploaded network never
   * saw), shuffled by the seed, give the validation split (the first half, rounded down) and the
   * test split (the rest). A held-out class is the dataset's class of the same label ({@link
   * #classIndex}): the held-out rows may hold some of the classes, in another order.
   *
   * @throws IllegalArgumentException when the two datasets do not agree in shape, task or classes,
   *     or the held-out dataset has fewer than 2 rows
   */
  public static Splits heldOut(ParsedDataset data, ParsedDataset heldOut, long seed) {
    if (heldOut.rows() < 2) {
      throw new IllegalArgumentException("at least 2 held-out rows");
    }
    if (heldOut.features() != data.features() || heldOut.task() != data.task()) {
      throw new IllegalArgumentException("the held-out rows differ in features or task");
    }
    int[] classes = null;
    if (data.task() == Task.CLASSIFICATION) {
      classes = classIndex(data.classes(), heldOut.classes());
      for (int c : classes) {
        if (c < 0) {
          throw new IllegalArgumentException("a held-out class is not one of the dataset's");
        }
      }
    }
    int[] order = order(data.rows(), seed);
    int[] held = shuffled(heldOut.rows(), seed ^ 0x2545F4914F6CDD1DL);
    int validation = heldOut.rows() / 2;
    Examples.Rows heldRows = rows(heldOut);
    return new Splits(
        take(data, rows(data), order, 0, data.rows(), null, data.classes().size()),
        take(heldOut, heldRows, held, 0, validation, classes, data.classes().size()),
        take(
            heldOut,
            heldRows,
            held,
            validation,
            heldOut.rows() - validation,
            classes,
            data.classes().size()));
  }

  /**
   * For each class label of {@code held}, the index of the same label in {@code classes}, or -1
   * when it has none: labels match as written, or as numbers of the same value ({@code 1} and
   * {@code 1.0}).
   */
  public static int[] classIndex(List<String> classes, List<String> held) {
    int[] index = new int[held.size()];
    for (int h = 0; h < held.size(); h++) {
      String label = held.get(h);
      index[h] = classes.indexOf(label);
      double value = number(label);
      for (int c = 0; index[h] < 0 && c < classes.size(); c++) {
        if (!Double.isNaN(value) && number(classes.get(c)) == value) {
          index[h] = c;
        }
      }
    }
    return index;
  }

  private static double number(String label) {
    try {
      double v = Double.parseDouble(label.trim());
      return Double.isFinite(v) ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * The order a job of {@code seed} takes a dataset's {@code rows} rows in before cutting its
   * splits: a seeded Fisher-Yates shuffle. Experiments that cut rows as a job does call it too.
   */
  public static int[] order(int rows, long seed) {
    return shuffled(rows, seed ^ 0x5DEECE66DL);
  }

  private static int[] shuffled(int rows, long seed) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = rows - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * The fractions asked for and the rows each split got, for the report's provenance, saying
   * whether the validation and test rows are a held-out dataset's.
   */
  public JobReport.Splits describe(
      double validationFraction, double testFraction, boolean heldOut) {
    return new JobReport.Splits(
        validationFraction,
        testFraction,
        train.rows(),
        validation == null ? 0 : validation.rows(),
        test.rows(),
        heldOut);
  }

  /**
   * Rows {@code order[from .. from + count)} of the dataset as a view of {@code rows}: only the row
   * indices and the labels (or targets) are copied, never the features.
   *
   * @param classIndex the class index of each of the dataset's classes among {@code classes}; null
   *     when they are the same
   * @param classes the number of classes the examples are labelled in
   */
  private static Examples take(
      ParsedDataset data,
      Examples.Rows rows,
      int[] order,
      int from,
      int count,
      int[] classIndex,
      int classes) {
    int[] index = Arrays.copyOfRange(order, from, from + count);
    if (data.task() == Task.CLASSIFICATION) {
      int[] labels = new int[count];
      for (int r = 0; r < count; r++) {
        int label = data.labels()[index[r]];
        labels[r] = classIndex == null ? label : classIndex[label];
      }
      return Examples.classification(rows, index, labels, classes);
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
