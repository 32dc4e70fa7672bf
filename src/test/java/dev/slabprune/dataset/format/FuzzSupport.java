package dev.slabprune.dataset.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Limits and helpers shared by the dataset readers' fuzz tests. */
final class FuzzSupport {

  /** Small limits, so that a claim past them is refused quickly. */
  static final DatasetLimits LIMITS = new DatasetLimits(100_000, 4096, 4L << 20, 1000);

  /**
   * The most one parse may allocate: buffers, the chunked float array and its copy, for at most
   * {@code maxBytes} of input. Well below what any claim beyond the limits would cost.
   */
  static final long MAX_ALLOCATED = 24 * LIMITS.maxBytes();

  private FuzzSupport() {}

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] b) {
    try (GZIPInputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
      return z.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean gzipped(byte[] b) {
    return b.length >= 2 && (b[0] & 0xFF) == 0x1f && (b[1] & 0xFF) == 0x8b;
  }
}
