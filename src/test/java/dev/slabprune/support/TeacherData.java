package dev.slabprune.support;

import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/** A small classification problem whose labels come from a fixed network: the "upload" fits it. */
public final class TeacherData {

  public static final int FEATURES = 6;
  public static final int CLASSES = 3;
  public static final int ROWS = 600;

  private TeacherData() {}

  /** A fixed random network that labels the data, so the uploaded model fits it. */
  public static DenseNetwork teacher() {
    SplittableRandom random = new SplittableRandom(11);
    return new DenseNetwork(
        List.of(
            layer(random, FEATURES, 16, Activation.RELU),
            layer(random, 16, CLASSES, Activation.IDENTITY)),
        OutputKind.LOGITS);
  }

  private static DenseLayer layer(SplittableRandom random, int in, int out, Activation activation) {
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * Math.sqrt(2.0 / in));
    }
    float[] b = new float[out];
    for (int j = 0; j < out; j++) {
      b[j] = (float) (random.nextGaussian() * 0.1);
    }
    return new DenseLayer(in, out, w, b, activation);
  }

  /** Rows labelled by the teacher, as a CSV with a header and a string label column. */
  public static byte[] dataset(DenseNetwork teacher) {
    SplittableRandom random = new SplittableRandom(5);
    float[] x = new float[ROWS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    double[] logits = teacher.forward(x, ROWS);
    StringBuilder csv = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
    }
    csv.append("label\n");
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        csv.append(x[r * FEATURES + f]).append(',');
      }
      csv.append("class").append(argmax(logits, r * CLASSES, CLASSES)).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Other rows labelled by the teacher, as {@link #dataset} writes them, drawn with {@code seed}:
   * only rows of the classes {@code keep} (class indices), until there are {@code rows}.
   */
  public static byte[] heldOutDataset(
      DenseNetwork teacher, int rows, long seed, java.util.Set<Integer> keep) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder csv = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
    }
    csv.append("label\n");
    float[] x = new float[FEATURES];
    int written = 0;
    while (written < rows) {
      for (int f = 0; f < FEATURES; f++) {
        x[f] = (float) random.nextGaussian();
      }
      int label = argmax(teacher.forward(x, 1), 0, CLASSES);
      if (!keep.contains(label)) {
        continue;
      }
      for (int f = 0; f < FEATURES; f++) {
        csv.append(x[f]).append(',');
      }
      csv.append("class").append(label).append('\n');
      written++;
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A fixed network whose single output, around 100 with a spread of about 20, is the target. */
  public static DenseNetwork regressionTeacher() {
    SplittableRandom random = new SplittableRandom(13);
    DenseLayer hidden = layer(random, FEATURES, 16, Activation.TANH);
    DenseLayer out = layer(random, 16, 1, Activation.IDENTITY);
    float[] w = out.weights().clone();
    for (int i = 0; i < w.length; i++) {
      w[i] *= 20;
    }
    return new DenseNetwork(
        List.of(hidden, new DenseLayer(16, 1, w, new float[] {100}, Activation.IDENTITY)),
        OutputKind.REGRESSION);
  }

  /** Rows whose numeric target is the teacher's output plus a little noise, as a CSV. */
  public static byte[] regressionDataset(DenseNetwork teacher) {
    SplittableRandom random = new SplittableRandom(17);
    float[] x = new float[ROWS * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    double[] y = teacher.forward(x, ROWS);
    StringBuilder csv = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      csv.append("f").append(f).append(',');
    }
    csv.append("target\n");
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        csv.append(x[r * FEATURES + f]).append(',');
      }
      csv.append(y[r] + 0.5 * random.nextGaussian()).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int argmax(double[] values, int from, int count) {
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (values[from + i] > values[from + best]) {
        best = i;
      }
    }
    return best;
  }
}
