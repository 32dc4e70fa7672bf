package dev.slabprune.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.support.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs in a JVM of its own with a 128 MB heap (the {@code low-heap} surefire execution): an
 * artifact larger than the heap must stream through the store.
 */
@Tag("low-heap")
class ArtifactStoreLowHeapTest {

  private static final long SIZE = 200L * 1024 * 1024;

  @Test
  void aTwoHundredMegabyteArtifactRoundTripsThroughAHeapTooSmallToHoldIt() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("this test only means something when the heap cannot hold the artifact")
        .isLessThan(SIZE);
    ArtifactStore store =
        new ArtifactStore(TestDatabase.get().migratedDataSource(), Clock.systemUTC());
    long seed = System.nanoTime();

    MessageDigest written = MessageDigest.getInstance("SHA-256");
    Artifact artifact =
        store.store(new DigestingStream(new PseudoRandomStream(seed, SIZE), written), "x/test");

    assertThat(artifact.sizeBytes()).isEqualTo(SIZE);
    assertThat(artifact.sha256()).isEqualTo(HexFormat.of().formatHex(written.digest()));
    ComparingSink sink = new ComparingSink(new PseudoRandomStream(seed, SIZE));
    try (ArtifactContent content = store.open(artifact.sha256())) {
      content.stream().transferTo(sink);
    }
    assertThat(sink.mismatchAt).as("first differing byte").isEqualTo(-1);
    assertThat(sink.compared).isEqualTo(SIZE);
    assertThat(store.deleteIfUnreferenced(artifact.sha256())).isTrue();
  }

  /** Deterministic bytes from a seed, generated as they are read. */
  private static final class PseudoRandomStream extends InputStream {
    private final SplittableRandom random;
    private long left;

    PseudoRandomStream(long seed, long size) {
      this.random = new SplittableRandom(seed);
      this.left = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(length, left);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) random.nextInt(256);
      }
      left -= n;
      return n;
    }
  }

  private static final class DigestingStream extends InputStream {
    private final InputStream in;
    private final MessageDigest digest;

    DigestingStream(InputStream in, MessageDigest digest) {
      this.in = in;
      this.digest = digest;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        digest.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        digest.update(buffer, offset, n);
      }
      return n;
    }
  }

  /** Compares what is written with the expected stream, byte by byte, keeping nothing. */
  private static final class ComparingSink extends OutputStream {
    private final InputStream expected;
    private final byte[] scratch = new byte[1 << 16];
    long compared;
    long mismatchAt = -1;

    ComparingSink(InputStream expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      int done = 0;
      while (done < length) {
        int n = expected.read(scratch, 0, Math.min(scratch.length, length - done));
        if (n < 0) {
          if (mismatchAt < 0) {
            mismatchAt = compared;
          }
          return;
        }
        for (int i = 0; i < n; i++) {
          if (mismatchAt < 0 && scratch[i] != buffer[offset + done + i]) {
            mismatchAt = compared + i;
          }
        }
        done += n;
        compared += n;
      }
    }
  }
}
