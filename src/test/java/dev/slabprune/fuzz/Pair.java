package dev.slabprune.fuzz;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Two files in one fuzz input: a 4-byte length, the first file, then the second. */
public record Pair(byte[] first, byte[] second) {

  public byte[] encode() {
    return ByteBuffer.allocate(4 + first.length + second.length)
        .putInt(first.length)
        .put(first)
        .put(second)
        .array();
  }

  public static Pair decode(byte[] b) {
    if (b.length < 4) {
      return new Pair(new byte[0], b);
    }
    int n = Math.min(Math.max(ByteBuffer.wrap(b).getInt(), 0), b.length - 4);
    return new Pair(Arrays.copyOfRange(b, 4, 4 + n), Arrays.copyOfRange(b, 4 + n, b.length));
  }
}
