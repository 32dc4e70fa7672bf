package dev.slabprune.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Forward and backward passes of a fully connected network in float32. The matrix products are
 * single-threaded OpenBLAS {@code sgemm} calls (the BLAS that ND4J itself calls, through the same
 * JavaCPP binding, without ND4J's per-call dispatch) on native buffers allocated once per batch
 * size; everything element-wise runs in plain Java over arrays.
 *
 * <p>Each layer's weights and bias are one {@code [inputs + 1][outputs]} matrix, the bias as its
 * last row (the layout of a layer's weights followed by its bias), and every activation matrix that
 * feeds a product has a last column of ones: the bias add is the product's last term and the bias
 * gradient is the last row of the weight-gradient product. Transposes are the products' flags. A
 * training step of three layers makes eight products (three forward, five backward) and no other
 * native call.
 */
final class Mlp {

  static {
    // One BLAS thread: gemm results then do not depend on thread scheduling, which is what makes
    // seeded runs bit-for-bit reproducible; the service runs several jobs side by side anyway.
    openblas_nolapack.blas_set_num_threads(1);
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

  /**
   * Native weight matrices, {@code [in + 1][out]} per layer: the weights in the layout of {@link
   * DenseLayer}, then the bias as the last row. Also the shape of the weight gradients.
   */
  NativeMatrix[] newWeightBuffers() {
    NativeMatrix[] w = new NativeMatrix[layers];
    for (int l = 0; l < layers; l++) {
      w[l] = new NativeMatrix(widths[l] + 1, widths[l + 1]);
    }
    return w;
  }

  /** Writes a layer's weights and then its bias into its weight matrix. */
  static void putLayer(NativeMatrix target, float[] weights, float[] bias) {
    target.put(0, weights, 0, weights.length);
    target.put(weights.length, bias, 0, bias.length);
  }

  /**
   * Raw outputs (logits or standardised predictions) of every row of {@code features}, in chunks;
   * {@code weights} must already hold the weight matrices.
   */
  float[] predict(NativeMatrix[] weights, float[] features) {
    return predict(
        weights, features.length / widths[0], (ws, from) -> ws.loadRange(features, from));
  }

  /**
   * Raw outputs of every example of {@code ex}, as {@link #predict(NativeMatrix[], float[])} gives
   * them for its features: the same chunks, read from the examples' store one chunk at a time.
   */
  float[] predict(NativeMatrix[] weights, Examples ex) {
    return predict(weights, ex.rows(), (ws, from) -> ws.loadRange(ex, from));
  }

  /** Fills a workspace's input with the rows of a chunk starting at {@code from}. */
  private interface ChunkLoader {
    void load(Workspace ws, int from);
  }

  private float[] predict(NativeMatrix[] weights, int rows, ChunkLoader loader) {
    int out = widths[layers];
    float[] result = new float[rows * out];
    int chunk = 512;
    for (int from = 0; from < rows; from += chunk) {
      int m = Math.min(chunk, rows - from);
      Workspace ws = workspace(m);
      loader.load(ws, from);
      ws.forward(weights);
      System.arraycopy(ws.output(), 0, result, from * out, m * out);
    }
    return result;
  }

  /** {@code C = op(A) op(B)} (row-major) over the first {@code m x n} block of C. */
  private static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      NativeMatrix a,
      NativeMatrix b,
      NativeMatrix c) {
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        m,
        n,
        k,
        1f,
        a.pointer,
        a.cols,
        b.pointer,
        b.cols,
        0f,
        c.pointer,
        c.cols);
  }

  /**
   * Buffers for one batch size: the activations of every layer and the back-propagated deltas, each
   * as a native matrix and a Java copy of the same layout. Layer {@code l}'s row holds its {@code
   * widths[l]} values and, for every layer but the output, one more column: 1 in the activations
   * (the bias input), unused (0) in the deltas.
   */
  final class Workspace {
    final int rows;
    private final int[] stride;
    private final NativeMatrix[] acts;
    private final float[][] actArrays;
    // made at the first backward pass (a workspace that only predicts never needs them), and
    // none for the input layer, whose delta is never computed
    private NativeMatrix[] deltas;
    private float[][] deltaArrays;
    private float[] row;
    // the exponentials of a tanh or sigmoid layer
    private float[] scratch;

    Workspace(int rows) {
      this.rows = rows;
      stride = new int[layers + 1];
      acts = new NativeMatrix[layers + 1];
      actArrays = new float[layers + 1][];
      for (int l = 0; l <= layers; l++) {
        stride[l] = widths[l] + (l < layers ? 1 : 0);
        acts[l] = new NativeMatrix(rows, stride[l]);
        actArrays[l] = new float[rows * stride[l]];
        if (l < layers) {
          for (int r = 0; r < rows; r++) {
            actArrays[l][r * stride[l] + widths[l]] = 1f;
          }
          acts[l].put(0, actArrays[l], 0, actArrays[l].length);
        }
      }
    }

    private void ensureDeltas() {
      if (deltas != null) {
        return;
      }
      deltas = new NativeMatrix[layers + 1];
      deltaArrays = new float[layers + 1][];
      for (int l = 1; l <= layers; l++) {
        deltas[l] = new NativeMatrix(rows, stride[l]);
        deltaArrays[l] = new float[rows * stride[l]];
      }
    }

    private float[] scratch(int n) {
      if (scratch == null || scratch.length < n) {
        scratch = new float[n];
      }
      return scratch;
    }

    /**
     * The activation of the first {@code width} values of each row of {@code stride}: over whole
     * rows, then the column of ones set back where tanh or the sigmoid moved it (their exponentials
     * go through a scratch array, made at the first such layer).
     */
    private void activate(Activation act, float[] a, int width, int stride) {
      switch (act) {
        case RELU -> relu(a);
        case LEAKY_RELU -> leakyRelu(a);
        case TANH -> FloatMath.tanh(a, scratch(a.length), a.length);
        case SIGMOID -> FloatMath.sigmoid(a, scratch(a.length), a.length);
        case IDENTITY -> {}
      }
      if ((act == Activation.TANH || act == Activation.SIGMOID) && stride > width) {
        for (int base = width; base < a.length; base += stride) {
          a[base] = 1f;
        }
      }
    }

    /** Copies rows {@code order[from .. from + rows)} of {@code features} into the input layer. */
    void loadRows(float[] features, int[] order, int from) {
      int cols = widths[0];
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(features, order[from + r] * cols, x, r * stride[0], cols);
      }
      acts[0].put(0, x, 0, x.length);
    }

    /**
     * Copies examples {@code order[from .. from + rows)} of {@code ex} into the input layer, one
     * row at a time through a buffer that stays in the L1 cache (the input layer's Java copy is
     * never read: only its native matrix feeds the products, and its column of ones stays).
     */
    void loadRows(Examples ex, int[] order, int from) {
      int cols = widths[0];
      if (row == null) {
        row = new float[cols];
      }
      for (int r = 0; r < rows; r++) {
        ex.copyRow(order[from + r], row, 0);
        acts[0].put(r * stride[0], row, 0, cols);
      }
    }

    /** Copies the contiguous examples {@code [from, from + rows)} of {@code ex} into the input. */
    void loadRange(Examples ex, int from) {
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        ex.copyRow(from + r, x, r * stride[0]);
      }
      acts[0].put(0, x, 0, x.length);
    }

    /** Copies the contiguous rows {@code [from, from + rows)} into the input layer. */
    void loadRange(float[] features, int from) {
      int cols = widths[0];
      float[] x = actArrays[0];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(features, (from + r) * cols, x, r * stride[0], cols);
      }
      acts[0].put(0, x, 0, x.length);
    }

    /**
     * Forward pass; afterwards {@code output()} holds the raw output (logits or the regression
     * prediction) and every hidden layer's activations are in {@code acts}. One product per layer,
     * the bias included.
     */
    void forward(NativeMatrix[] weights) {
      for (int l = 0; l < layers; l++) {
        gemm(false, false, rows, widths[l + 1], widths[l] + 1, acts[l], weights[l], acts[l + 1]);
        if (inPlace(l)) {
          relu(acts[l + 1].bytes, rows * stride[l + 1]);
          continue;
        }
        float[] a = actArrays[l + 1];
        acts[l + 1].get(0, a, 0, a.length);
        activate(activations[l], a, widths[l + 1], stride[l + 1]);
        if (l < layers - 1) {
          acts[l + 1].put(0, a, 0, a.length);
        }
      }
    }

    /**
     * Back-propagates {@code outputDelta()} (dLoss/d raw output). Fills {@code grads[l]} ({@code
     * [in + 1][out]}: the weight gradients, then the bias gradient as the last row). The input
     * layer's delta is not computed.
     */
    void backward(NativeMatrix[] weights, NativeMatrix[] grads) {
      ensureDeltas();
      for (int l = layers - 1; l >= 0; l--) {
        int width = widths[l + 1];
        float[] d = deltaArrays[l + 1];
        float[] a = actArrays[l + 1];
        Activation act = activations[l];
        if (inPlace(l)) {
          reluDelta(deltas[l + 1].bytes, acts[l + 1].bytes, rows * stride[l + 1]);
        } else {
          if (l < layers - 1) {
            deltas[l + 1].get(0, d, 0, d.length);
          }
          // the extra column of a hidden layer's delta stays 0 whatever the derivative there
          if (act == Activation.RELU) {
            reluDelta(d, a);
          } else if (act == Activation.LEAKY_RELU) {
            leakyReluDelta(d, a);
          } else if (act == Activation.TANH) {
            tanhDelta(d, a);
          } else if (act == Activation.SIGMOID) {
            sigmoidDelta(d, a);
          }
          deltas[l + 1].put(0, d, 0, d.length);
        }
        gemm(true, false, widths[l] + 1, width, rows, acts[l], deltas[l + 1], grads[l]);
        if (l > 0) {
          gemm(false, true, rows, widths[l], width, deltas[l + 1], weights[l], deltas[l]);
        }
      }
    }

    float[] output() {
      return actArrays[layers];
    }

    /**
     * Whether layer {@code l}'s activation runs on its native matrix (a hidden ReLU layer: no copy
     * to its Java array and back, forward or backward), not on its Java copy.
     */
    private boolean inPlace(int l) {
      return l < layers - 1 && activations[l] == Activation.RELU;
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
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      v.blend(FloatVector.zero(F), v.compare(VectorOperators.LT, 0f)).intoArray(a, i);
    }
    for (int i = end; i < a.length; i++) {
      if (a[i] < 0) {
        a[i] = 0;
      }
    }
  }

  private static final ByteOrder ORDER = ByteOrder.nativeOrder();

  /** {@link #relu(float[])} on the first {@code n} floats of a native matrix's bytes. */
  static void relu(ByteBuffer a, int n) {
    int end = F.loopBound(n);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromByteBuffer(F, a, i * 4, ORDER);
      v.blend(FloatVector.zero(F), v.compare(VectorOperators.LT, 0f))
          .intoByteBuffer(a, i * 4, ORDER);
    }
    for (int i = end; i < n; i++) {
      if (a.getFloat(i * 4) < 0) {
        a.putFloat(i * 4, 0);
      }
    }
  }

  /** {@link #reluDelta(float[], float[])} on the first {@code n} floats of native matrices. */
  static void reluDelta(ByteBuffer d, ByteBuffer a, int n) {
    int end = F.loopBound(n);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromByteBuffer(F, d, i * 4, ORDER);
      v.blend(
              FloatVector.zero(F),
              FloatVector.fromByteBuffer(F, a, i * 4, ORDER).compare(VectorOperators.LE, 0f))
          .intoByteBuffer(d, i * 4, ORDER);
    }
    for (int i = end; i < n; i++) {
      if (a.getFloat(i * 4) <= 0) {
        d.putFloat(i * 4, 0);
      }
    }
  }

  /** {@code d[i] = 0} where {@code a[i] <= 0}: the ReLU's derivative, as {@link #relu}. */
  static void reluDelta(float[] d, float[] a) {
    int end = F.loopBound(d.length);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, d, i);
      v.blend(FloatVector.zero(F), FloatVector.fromArray(F, a, i).compare(VectorOperators.LE, 0f))
          .intoArray(d, i);
    }
    for (int i = end; i < d.length; i++) {
      if (a[i] <= 0) {
        d[i] = 0;
      }
    }
  }

  /**
   * {@code a[i] *= slope} where {@code a[i] < 0}: the leaky ReLU ({@link Activation#LEAKY_SLOPE}).
   */
  static void leakyRelu(float[] a) {
    float slope = Activation.LEAKY_SLOPE;
    int end = F.loopBound(a.length);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(a, i);
    }
    for (int i = end; i < a.length; i++) {
      if (a[i] < 0) {
        a[i] = a[i] * slope;
      }
    }
  }

  /** {@code d[i] *= slope} where {@code a[i] <= 0}: the leaky ReLU's derivative from its output. */
  static void leakyReluDelta(float[] d, float[] a) {
    float slope = Activation.LEAKY_SLOPE;
    int end = F.loopBound(d.length);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, d, i);
      v.blend(v.mul(slope), FloatVector.fromArray(F, a, i).compare(VectorOperators.LE, 0f))
          .intoArray(d, i);
    }
    for (int i = end; i < d.length; i++) {
      if (a[i] <= 0) {
        d[i] = d[i] * slope;
      }
    }
  }

  /** {@code d[i] *= 1 - a[i]^2}: tanh's derivative from its output, the square fused. */
  static void tanhDelta(float[] d, float[] a) {
    int end = F.loopBound(d.length);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      FloatVector.fromArray(F, d, i)
          .mul(v.neg().fma(v, FloatVector.broadcast(F, 1f)))
          .intoArray(d, i);
    }
    for (int i = end; i < d.length; i++) {
      d[i] = d[i] * Math.fma(-a[i], a[i], 1f);
    }
  }

  /** {@code d[i] *= a[i] (1 - a[i])}: the sigmoid's derivative from its output. */
  static void sigmoidDelta(float[] d, float[] a) {
    int end = F.loopBound(d.length);
    for (int i = 0; i < end; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, a, i);
      FloatVector.fromArray(F, d, i)
          .mul(v.mul(FloatVector.broadcast(F, 1f).sub(v)))
          .intoArray(d, i);
    }
    for (int i = end; i < d.length; i++) {
      d[i] = d[i] * (a[i] * (1f - a[i]));
    }
  }
}
