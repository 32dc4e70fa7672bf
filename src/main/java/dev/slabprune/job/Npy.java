package dev.slabprune.job;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes a float64 array in NumPy's {@code .npy} format (version 1.0, little-endian, C order). */
final class Npy {

  private Npy() {}

  static byte[] float64(double[] values, int... shape) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String shapeText =
        shape.length == 1
            ? "(" + shape[0] + ",)"
            : "(" + dims.substring(0, dims.length() - 2) + ")";
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shapeText + ", }";
    // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of
    // 64 and ended by a newline.
    int unpadded = 10 + header.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String padded = header + " ".repeat(padding) + "\n";
    ByteBuffer out =
        ByteBuffer.allocate(10 + padded.length() + values.length * 8)
            .order(ByteOrder.LITTLE_ENDIAN);
    out.put((byte) 0x93)
        .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
        .put((byte) 1)
        .put((byte) 0);
    out.putShort((short) padded.length());
    out.put(padded.getBytes(StandardCharsets.US_ASCII));
    for (double v : values) {
      out.putDouble(v);
    }
    return out.array();
  }
}
