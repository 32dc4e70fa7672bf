package dev.slabprune.engine;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward and backward passes of a fully connected network in float32. The matrix products go to
 * single-threaded OpenBLAS through ND4J into buffers allocated once per batch size; everything
 * element-wise runs in plain Java over arrays, because ND4J's per-op overhead would dominate.
 */
final class Mlp {

  static {
    // One BLAS thread: gemm results then do not depend on thread scheduling, which is what makes
    // seeded runs bit-for-bit reproducible; the service runs several jobs side by side anyway.
    Nd4j.factory().blas().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxThreads(1);
  }

  final int[] widths;
  final Activation[] activations;
  final int layers;
  private final Map<Integer, Workspace> workspaces = new HashMap<>();

  Mlp(int[] widths, Activation[] activations) {
    this.widths = widths.clone();
    this.activations = activations.clone();
    this.layers = widths.length - 1;
  }

  static Mlp of(DenseNetwork network) {
    Activation[] acts = new Activation[network.layers().size()];
    for (int l = 0; l < acts.length; l++) {
      acts[l] = network.layers().get(l).activation();
    }
    return new Mlp(network.architecture(), acts);
  }

  Workspace workspace(int rows) {
    return workspaces.computeIfAbsent(rows, Workspace::new);
  }

  /** Off-heap weight matrices, {@code [in][out]} per layer, in the layout of {@link DenseLayer}. */
  INDArray[] newWeightBuffers() {
    INDArray[] w = new INDArray[layers];
    for (int l = 0; l < layers; l++) {
      w[l] = Nd4j.create(DataType.FLOAT, widths[l], widths[l + 1]);
    }
    return w;
  }

  /**
   * Raw outputs (logits or standardised predictions) of every row of {@code features}, in chunks;
   * {@code weights} must already hold the weight matrices.
   */
  float[] predict(INDArray[] weights, float[][] biases, int[] biasOffsets, float[] features) {
    return predict(
        weights,
        biases,
        biasOffsets,
        features.length / widths[0],
        (ws, from) -> ws.loadRange(features, from));
  }

  /**
   * Raw outputs of every example of {@code ex}, as {@link #predict(INDArray[], float[][], int[],
   * float[])} gives them for its features: the same chunks, read from the examples' store one chunk
   * at a time.
   */
  float[] predict(INDArray[] weights, float[][] biases, int[] biasOffsets, Examples ex) {
    return predict(weights, biases, biasOffsets, ex.rows(), (ws, from) -> ws.loadRange(ex, from));
  }

  /** Fills a workspace's input with the rows of a chunk starting at {@code from}. */
  private interface ChunkLoader {
    void load(Workspace ws, int from);
  }

  private float[] predict(
      INDArray[] weights, float[][] biases, int[] biasOffsets, int rows, ChunkLoader loader) {
    int out = widths[layers];
    float[] result = new float[rows * out];
    int chunk = 512;
    for (int from = 0; from < rows; from += chunk) {
      int m = Math.min(chunk, rows - from);
      Workspace ws = workspace(m);
      loader.load(ws, from);
      ws.forward(weights, biases, biasOffsets);
      System.arraycopy(ws.output(), 0, result, from * out, m * out);
    }
    return result;
  }

  static void put(INDArray target, float[] source, int offset, int length) {
    target.data().asNioFloat().put(0, source, offset, length);
  }

  static void get(INDArray source, float[] target, int offset, int length) {
    source.data().asNioFloat().get(0, target, offset, length);
  }

  /** Buffers for one batch size: the activations of every layer and the back-propagated deltas. */
  final class Workspace {
    final int rows;
    final INDArray[] acts;
    final FloatBuffer[] actViews;
    final float[][] actArrays;
    // made at the first backward pass (a workspace that only predicts never needs them), and
    // none for the input layer, whose delta is never computed
    private INDArray[] deltas;
    private FloatBuffer[] deltaViews;
    private float[][] deltaArrays;

    Workspace(int rows) {
      this.rows = rows;
      acts = new INDArray[layers + 1];
      actViews = new FloatBuffer[layers + 1];
      actArrays = new float[layers + 1][];
      for (int l = 0; l <= layers; l++) {
        acts[l] = Nd4j.create(DataType.FLOAT, rows, widths[l]);
        actViews[l] = acts[l].data().asNioFloat();
        actArrays[l] = new float[rows * widths[l]];
      }
    }

    private void ensureDeltas() {
      if (deltas != null) {
        return;
      }
      deltas = new INDArray[layers + 1];
      deltaViews = new FloatBuffer[layers + 1];
      deltaArrays = new float[layers + 1][];
      for (int l = 1; l <= layers; l++) {
        deltas[l] = Nd4j.create(DataType.FLOAT, rows, widths[l]);
        deltaViews[l] = deltas[l].data().asNioFloat();
        deltaArrays[l] = new float[rows * widths[l]];
      }
    }

    /** Copies rows {@code order[from .. from + rows)} of {@code features} into the input layer. */
    void loadRows(float[] features, int[] order, int from) {
      int cols = widths[0];
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(features, order[from + r] * cols, x, r * cols, cols);
      }
      actViews[0].put(0, x, 0, x.length);
    }

    /** Copies examples {@code order[from .. from + rows)} of {@code ex} into the input layer. */
    void loadRows(Examples ex, int[] order, int from) {
      int cols = widths[0];
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        ex.copyRow(order[from + r], x, r * cols);
      }
      actViews[0].put(0, x, 0, x.length);
    }

    /** Copies the contiguous examples {@code [from, from + rows)} of {@code ex} into the input. */
    void loadRange(Examples ex, int from) {
      int cols = widths[0];
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        ex.copyRow(from + r, x, r * cols);
      }
      actViews[0].put(0, x, 0, x.length);
    }

    /** Copies the contiguous rows {@code [from, from + rows)} into the input layer. */
    void loadRange(float[] features, int from) {
      int cols = widths[0];
      actViews[0].put(0, features, from * cols, rows * cols);
    }

    /**
     * Forward pass; afterwards {@code actArrays[layers]} holds the raw output (logits or the
     * regression prediction) and every hidden layer's activations are in {@code acts}. The bias of
     * layer {@code l} is {@code biases[l][biasOffsets[l] ..]}.
     */
    void forward(INDArray[] weights, float[][] biases, int[] biasOffsets) {
      for (int l = 0; l < layers; l++) {
        Nd4j.gemm(acts[l], weights[l], acts[l + 1], false, false, 1.0, 0.0);
        int width = widths[l + 1];
        float[] a = actArrays[l + 1];
        actViews[l + 1].get(0, a, 0, a.length);
        float[] b = biases[l];
        int off = biasOffsets[l];
        for (int r = 0; r < rows; r++) {
          int base = r * width;
          for (int j = 0; j < width; j++) {
            a[base + j] += b[off + j];
          }
        }
        applyActivation(activations[l], a);
        if (l < layers - 1) {
          actViews[l + 1].put(0, a, 0, a.length);
        }
      }
    }

    /**
     * Back-propagates {@code deltaArrays[layers]} (dLoss/d raw output). Fills {@code
     * weightGrads[l]} (off-heap, {@code [in][out]}) and {@code biasGrads[l]}. The input layer's
     * delta is not computed.
     */
    void backward(
        INDArray[] weights, INDArray[] weightGrads, float[][] biasGrads, int[] biasOffsets) {
      ensureDeltas();
      for (int l = layers - 1; l >= 0; l--) {
        int width = widths[l + 1];
        float[] d = deltaArrays[l + 1];
        if (l < layers - 1) {
          deltaViews[l + 1].get(0, d, 0, d.length);
          float[] a = actArrays[l + 1];
          Activation act = activations[l];
          if (act == Activation.RELU) {
            reluDelta(d, a);
          } else if (act != Activation.IDENTITY) {
            for (int i = 0; i < d.length; i++) {
              d[i] = (float) (d[i] * act.derivativeFromOutput(a[i]));
            }
          }
        } else if (activations[l] != Activation.IDENTITY) {
          float[] a = actArrays[l + 1];
          for (int i = 0; i < d.length; i++) {
            d[i] = (float) (d[i] * activations[l].derivativeFromOutput(a[i]));
          }
        }
        deltaViews[l + 1].put(0, d, 0, d.length);
        Nd4j.gemm(acts[l], deltas[l + 1], weightGrads[l], true, false, 1.0, 0.0);
        float[] gb = biasGrads[l];
        int off = biasOffsets[l];
        java.util.Arrays.fill(gb, off, off + width, 0f);
        for (int r = 0; r < rows; r++) {
          int base = r * width;
          for (int j = 0; j < width; j++) {
            gb[off + j] += d[base + j];
          }
        }
        if (l > 0) {
          Nd4j.gemm(deltas[l + 1], weights[l], deltas[l], false, true, 1.0, 0.0);
        }
      }
    }

    float[] output() {
      return actArrays[layers];
    }

    float[] outputDelta() {
      ensureDeltas();
      return deltaArrays[layers];
    }
  }

  private static final VectorSpecies<Float> F = FloatMath.F;

  /**
   * {@code a[i] = 0} where {@code a[i] < 0} (a NaN stays), over Vector API lanes and then the tail.
   * The scalar loop's branch goes either way on about half of a layer's units, and its
   * mispredictions cost a fifth of a pruned network's fine-tuning step (profiled in `bench/run
   * job`); a lane-wise select gives the same values.
   */
  static void relu(float[] a) {
    int end = F.loopBound(a.length);
    FloatVector zero = FloatVector.zero(F);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      v.blend(zero, v.compare(VectorOperators.LT, 0f)).intoArray(a, i);
    }
    for (int i = end; i < a.length; i++) {
      if (a[i] < 0) {
        a[i] = 0;
      }
    }
  }

  /** {@code d[i] = 0} where {@code a[i] <= 0}: the ReLU's derivative, as {@link #relu}. */
  static void reluDelta(float[] d, float[] a) {
    int end = F.loopBound(d.length);
    FloatVector zero = FloatVector.zero(F);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, d, i);
      v.blend(zero, FloatVector.fromArray(F, a, i).compare(VectorOperators.LE, 0f)).intoArray(d, i);
    }
    for (int i = end; i < d.length; i++) {
      if (a[i] <= 0) {
        d[i] = 0;
      }
    }
  }

  private static void applyActivation(Activation act, float[] a) {
    switch (act) {
      case RELU -> relu(a);
      case TANH -> {
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) Math.tanh(a[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) SlabMath.sigmoid(a[i]);
        }
      }
      case IDENTITY -> {}
    }
  }
}
