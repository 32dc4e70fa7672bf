package dev.slabprune.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A row-major float32 matrix in native memory, an operand or a result of the BLAS products in
 * {@link Mlp}. Allocated once (zeroed) and reused; JavaCPP frees it when the matrix becomes
 * unreachable, and counts it against {@code org.bytedeco.javacpp.maxbytes}.
 */
final class NativeMatrix {

  final int rows;
  final int cols;
  final FloatPointer pointer;
  private final FloatBuffer view;

  /** The same memory as bytes in the platform's order: element i is at byte {@code 4 i}. */
  final ByteBuffer bytes;

  NativeMatrix(int rows, int cols) {
    this.rows = rows;
    this.cols = cols;
    pointer = new FloatPointer(Math.multiplyExact((long) rows, cols)).zero();
    view = pointer.asBuffer();
    bytes = pointer.asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** Copies {@code length} floats of {@code source} from {@code offset} to element {@code at}. */
  void put(int at, float[] source, int offset, int length) {
    view.put(at, source, offset, length);
  }

  /** Copies {@code length} floats from element {@code at} into {@code target} at {@code offset}. */
  void get(int at, float[] target, int offset, int length) {
    view.get(at, target, offset, length);
  }
}
