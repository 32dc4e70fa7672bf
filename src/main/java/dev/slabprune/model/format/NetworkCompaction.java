package dev.slabprune.model.format;

import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes a pruned network physically smaller: a network whose pruned weights are zeros becomes one
 * whose weight matrices leave out what no longer matters, computing the same function.
 *
 * <ul>
 *   <li>An input feature whose outgoing weights are all zero is dropped; {@link
 *       Compacted#keptInputs()} says which features remain (the writer's Gather).
 *   <li>A hidden unit whose outgoing weights are all zero is dropped.
 *   <li>A hidden unit whose incoming weights are all zero outputs the constant {@code
 *       activation(bias)}; its contribution is added to the next layer's bias and it is dropped.
 * </ul>
 *
 * A layer left with no unit keeps one unit with zero weights, so every layer stays valid.
 */
public final class NetworkCompaction {

  /**
   * @param network the smaller network; its input is the kept features, in order
   * @param keptInputs for each input of {@code network}, the original feature index
   * @param originalInputs the input width before compaction
   */
  public record Compacted(DenseNetwork network, int[] keptInputs, int originalInputs) {
    public Compacted {
      keptInputs = keptInputs.clone();
    }

    @Override
    public int[] keptInputs() {
      return keptInputs.clone();
    }
  }

  private NetworkCompaction() {}

  public static Compacted compact(DenseNetwork masked) {
    int depth = masked.layers().size();
    List<float[]> weights = new ArrayList<>();
    List<float[]> biases = new ArrayList<>();
    int[] widths = masked.architecture();
    for (DenseLayer layer : masked.layers()) {
      weights.add(layer.weights().clone());
      biases.add(layer.bias().clone());
    }
    // keep[l][i]: whether unit i of width l (0 = inputs) survives
    boolean[][] keep = new boolean[depth + 1][];
    for (int l = 0; l <= depth; l++) {
      keep[l] = new boolean[widths[l]];
      Arrays.fill(keep[l], true);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      // units (and inputs) that feed nothing that survives
      for (int l = depth - 1; l >= 0; l--) {
        float[] w = weights.get(l);
        int out = widths[l + 1];
        for (int i = 0; i < widths[l]; i++) {
          if (keep[l][i] && !anyOutgoing(w, out, i, keep[l + 1])) {
            keep[l][i] = false;
            changed = true;
          }
        }
      }
      // hidden units that no surviving input reaches: fold their constant output forward
      for (int l = 1; l < depth; l++) {
        float[] in = weights.get(l - 1);
        int width = widths[l];
        for (int j = 0; j < width; j++) {
          if (keep[l][j] && !anyIncoming(in, width, j, keep[l - 1])) {
            double a = masked.layers().get(l - 1).activation().apply(biases.get(l - 1)[j]);
            float[] next = weights.get(l);
            float[] nextBias = biases.get(l);
            int out = widths[l + 1];
            for (int k = 0; k < out; k++) {
              nextBias[k] = (float) (nextBias[k] + a * next[j * out + k]);
              next[j * out + k] = 0;
            }
            keep[l][j] = false;
            changed = true;
          }
        }
      }
    }
    for (int l = 0; l < depth; l++) {
      if (indices(keep[l]).length == 0) {
        keep[l][0] = true; // a placeholder: its outgoing weights are zero or it is an input
        if (l > 0) {
          zeroUnit(weights, biases, widths, l, 0);
        }
      }
    }
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      int[] rows = indices(keep[l]);
      int[] cols = l == depth - 1 ? allOf(widths[l + 1]) : indices(keep[l + 1]);
      float[] w = weights.get(l);
      float[] small = new float[rows.length * cols.length];
      for (int r = 0; r < rows.length; r++) {
        for (int c = 0; c < cols.length; c++) {
          small[r * cols.length + c] = w[rows[r] * widths[l + 1] + cols[c]];
        }
      }
      float[] bias = new float[cols.length];
      for (int c = 0; c < cols.length; c++) {
        bias[c] = biases.get(l)[cols[c]];
      }
      layers.add(
          new DenseLayer(
              rows.length, cols.length, small, bias, masked.layers().get(l).activation()));
    }
    return new Compacted(new DenseNetwork(layers, masked.output()), indices(keep[0]), widths[0]);
  }

  /** A placeholder unit: no weight in, none out, and a zero bias. */
  private static void zeroUnit(
      List<float[]> weights, List<float[]> biases, int[] widths, int l, int unit) {
    float[] in = weights.get(l - 1);
    for (int i = 0; i < widths[l - 1]; i++) {
      in[i * widths[l] + unit] = 0;
    }
    biases.get(l - 1)[unit] = 0;
    float[] out = weights.get(l);
    for (int k = 0; k < widths[l + 1]; k++) {
      out[unit * widths[l + 1] + k] = 0;
    }
  }

  private static boolean anyOutgoing(float[] w, int out, int i, boolean[] keepNext) {
    for (int k = 0; k < out; k++) {
      if (keepNext[k] && w[i * out + k] != 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyIncoming(float[] w, int width, int j, boolean[] keepPrevious) {
    for (int i = 0; i < keepPrevious.length; i++) {
      if (keepPrevious[i] && w[i * width + j] != 0) {
        return true;
      }
    }
    return false;
  }

  private static int[] indices(boolean[] keep) {
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    int[] out = new int[n];
    for (int i = 0, at = 0; i < keep.length; i++) {
      if (keep[i]) {
        out[at++] = i;
      }
    }
    return out;
  }

  private static int[] allOf(int n) {
    int[] out = new int[n];
    Arrays.setAll(out, i -> i);
    return out;
  }
}
