package dev.slabprune.model.format;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The golden ONNX files under {@code src/test/resources/onnx/} and their recorded outputs. */
final class Golden {

  static final List<String> MODELS =
      List.of(
          "torch_mlp",
          "torch_image_mlp",
          "torch_batchnorm_mlp",
          "torch_standardised_mlp",
          "torch_view_mlp",
          "float_data_mlp",
          "matmul_add_mlp",
          "gather_mlp",
          "float64_mlp",
          "sklearn_style_multiclass",
          "sklearn_style_binary",
          "sklearn_style_regressor");

  /** Input rows and the outputs the producing library computed for them. */
  record Io(int rows, int inputs, float[] x, int outputs, double[] y) {}

  private Golden() {}

  static byte[] bytes(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/onnx/" + name + ".onnx")) {
      if (in == null) {
        throw new IllegalStateException("no golden model " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Io io(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/onnx/" + name + ".io.txt")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
      String[] head = lines[0].split(" ");
      int rows = Integer.parseInt(head[1]);
      int inputs = Integer.parseInt(head[2]);
      float[] x = new float[rows * inputs];
      for (int r = 0; r < rows; r++) {
        String[] v = lines[1 + r].trim().split(" ");
        for (int c = 0; c < inputs; c++) {
          x[r * inputs + c] = Float.parseFloat(v[c]);
        }
      }
      int outputs = Integer.parseInt(lines[1 + rows].split(" ")[2]);
      double[] y = new double[rows * outputs];
      for (int r = 0; r < rows; r++) {
        String[] v = lines[2 + rows + r].trim().split(" ");
        for (int c = 0; c < outputs; c++) {
          y[r * outputs + c] = Double.parseDouble(v[c]);
        }
      }
      return new Io(rows, inputs, x, outputs, y);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
