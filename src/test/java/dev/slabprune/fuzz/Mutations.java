package dev.slabprune.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Format-blind byte mutations, and helpers for the format-aware ones. */
public final class Mutations {

  /** Values that break size arithmetic: zero, -1, the int and long extremes, powers of two. */
  public static final long[] EXTREMES = {
    0,
    1,
    -1,
    2,
    255,
    256,
    0xFFFF,
    0x10000,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    0xFFFF_FFFFL,
    1L << 32,
    1L << 40,
    1L << 60,
    Long.MAX_VALUE,
    Long.MIN_VALUE
  };

  private Mutations() {}

  public static long extreme(Random r) {
    return EXTREMES[r.nextInt(EXTREMES.length)];
  }

  public static byte[] pick(Random r, List<byte[]> seeds) {
    return seeds.get(r.nextInt(seeds.size()));
  }

  /** One to four random byte-level mutations of a random seed. */
  public static byte[] havoc(Random r, List<byte[]> seeds) {
    byte[] b = pick(r, seeds);
    int rounds = 1 + r.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      b = once(r, b, seeds);
    }
    return b;
  }

  /** One byte-level mutation. */
  public static byte[] once(Random r, byte[] b, List<byte[]> seeds) {
    if (b.length == 0) {
      return new byte[] {(byte) r.nextInt()};
    }
    switch (r.nextInt(10)) {
      case 0 -> { // flip a bit
        b = b.clone();
        int at = r.nextInt(b.length);
        b[at] ^= (byte) (1 << r.nextInt(8));
      }
      case 1 -> { // set a byte
        b = b.clone();
        b[r.nextInt(b.length)] = (byte) r.nextInt();
      }
      case 2 -> { // insert random bytes
        byte[] ins = new byte[1 + r.nextInt(8)];
        r.nextBytes(ins);
        b = splice(b, r.nextInt(b.length + 1), 0, ins);
      }
      case 3 -> { // delete a range
        int at = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(b.length - at, 64));
        b = splice(b, at, len, new byte[0]);
      }
      case 4 -> { // duplicate a chunk
        int at = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(b.length - at, 256));
        int times = 1 + r.nextInt(r.nextBoolean() ? 4 : 64);
        byte[] chunk = Arrays.copyOfRange(b, at, at + len);
        ByteArrayOutputStream rep = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
          rep.writeBytes(chunk);
        }
        b = splice(b, at, 0, rep.toByteArray());
      }
      case 5 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
      case 6 -> { // splice with another seed
        byte[] other = pick(r, seeds);
        int cut = r.nextInt(b.length + 1);
        int from = other.length == 0 ? 0 : r.nextInt(other.length);
        b = concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, from, other.length));
      }
      case 7 -> { // overwrite an integer, little- or big-endian
        int width = new int[] {1, 2, 4, 8}[r.nextInt(4)];
        b = b.clone();
        putInt(b, r.nextInt(b.length), width, extreme(r), r.nextBoolean());
      }
      case 8 -> { // overwrite with a protobuf varint
        byte[] v = varint(extreme(r));
        int at = r.nextInt(b.length);
        b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(4)), v);
      }
      default -> { // repeat one byte many times
        int at = r.nextInt(b.length);
        byte[] run = new byte[1 + r.nextInt(1024)];
        Arrays.fill(run, b[at]);
        b = splice(b, at, 0, run);
      }
    }
    return b;
  }

  /** Writes the low {@code width} bytes of {@code v} at {@code at}, clipped to the array. */
  public static void putInt(byte[] b, int at, int width, long v, boolean littleEndian) {
    for (int i = 0; i < width && at + i < b.length; i++) {
      int shift = littleEndian ? 8 * i : 8 * (width - 1 - i);
      b[at + i] = (byte) (v >>> shift);
    }
  }

  public static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  public static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
