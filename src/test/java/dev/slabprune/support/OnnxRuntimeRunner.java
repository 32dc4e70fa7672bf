package dev.slabprune.support;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an ONNX model in ONNX Runtime on a row-major float batch. */
public final class OnnxRuntimeRunner {

  private OnnxRuntimeRunner() {}

  /** The model's output for {@code x} ({@code rows x width}), row-major, as doubles. */
  public static double[] run(byte[] model, float[] x, int rows, int width) {
    return run(model, x, new long[] {rows, width});
  }

  /** The model's output for {@code x} of the given input shape (batch first), row-major. */
  public static double[] run(byte[] model, float[] x, long[] shape) {
    int rows = (int) shape[0];
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(model, options)) {
        NodeInfo input = session.getInputInfo().values().iterator().next();
        boolean isDouble = ((TensorInfo) input.getInfo()).type == OnnxJavaType.DOUBLE;
        OnnxTensor tensor;
        if (isDouble) {
          double[] d = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
          }
          tensor = OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
        } else {
          tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        }
        try (tensor;
            OrtSession.Result result = session.run(Map.of(input.getName(), tensor))) {
          Object value = null;
          for (Map.Entry<String, ai.onnxruntime.OnnxValue> output : result) {
            Object v = output.getValue().getValue();
            if (v instanceof float[][] || v instanceof double[][]) {
              value = v;
              break;
            }
          }
          if (value instanceof float[][] f) {
            double[] out = new double[rows * f[0].length];
            for (int r = 0; r < rows; r++) {
              for (int c = 0; c < f[0].length; c++) {
                out[r * f[0].length + c] = f[r][c];
              }
            }
            return out;
          }
          double[][] dd = (double[][]) value;
          double[] out = new double[rows * dd[0].length];
          for (int r = 0; r < rows; r++) {
            System.arraycopy(dd[r], 0, out, r * dd[0].length, dd[0].length);
          }
          return out;
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  public static double maxAbsDiff(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
