package dev.slabprune.dataset;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read through it to an output stream: bytes skipped are read and copied. */
final class TeeInputStream extends FilterInputStream {

  private final OutputStream copy;

  TeeInputStream(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      copy.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      copy.write(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 1 << 16)];
    long skipped = 0;
    while (skipped < n) {
      int got = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (got < 0) {
        break;
      }
      skipped += got;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void mark(int readlimit) {
    // not supported: a reset would copy bytes twice
  }

  @Override
  public void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  /** Reads (and so copies) what is left of the stream. */
  void drain() throws IOException {
    byte[] buffer = new byte[1 << 16];
    while (read(buffer, 0, buffer.length) >= 0) {
      // copied by read
    }
  }

  /** Leaves the underlying stream to its owner; the copy is closed by whoever stores it. */
  @Override
  public void close() {}
}
