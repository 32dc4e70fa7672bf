package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.fuzz.FuzzLoop;
import dev.slabprune.fuzz.Mutations;
import dev.slabprune.fuzz.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Mutants of the golden {@code .npy} pairs and {@code .npz} archives: header dicts with extreme
 * shapes, odd dtypes and wrong lengths, archives rebuilt from mutated arrays (stored or deflated),
 * bytes flipped. Only a dataset or a {@link DatasetFormatException} may come back.
 */
class NpyDatasetReaderFuzzTest {

  private static final String[] DESCRS = {
    "<f4", "<f8", ">f8", "|u1", "<i8", "|b1", "<f2", "<c16", "|O", "<U3", "<i", "", "<f99999999999"
  };

  @Test
  void mutatedNpyAndNpzFilesAreReadOrRefusedWithADatasetFormatErrorWithinTimeAndMemory() {
    byte[] f4 = Resources.bytes("features_f4.npy");
    byte[] f8 = Resources.bytes("features_f8_fortran.npy");
    byte[] i8 = Resources.bytes("features_i8.npy");
    byte[] labels = Resources.bytes("labels_i8.npy");
    byte[] targets = Resources.bytes("targets_f8.npy");
    List<byte[]> seeds = new ArrayList<>();
    // a leading 0 marks a features/labels pair, a leading 1 an npz archive
    seeds.add(withMode(0, new Pair(f4, labels).encode()));
    seeds.add(withMode(0, new Pair(f8, targets).encode()));
    seeds.add(withMode(0, new Pair(i8, labels).encode()));
    seeds.add(withMode(1, Resources.bytes("xy.npz")));
    seeds.add(withMode(1, Resources.bytes("features_labels_compressed.npz")));
    NpyDatasetReader reader = new NpyDatasetReader(FuzzSupport.LIMITS);
    FuzzLoop.Report report =
        new FuzzLoop(
                "npy",
                seeds,
                NpyDatasetReaderFuzzTest::mutate,
                b -> {
                  byte[] body = java.util.Arrays.copyOfRange(b, 1, b.length);
                  if (b[0] == 0) {
                    Pair p = Pair.decode(body);
                    reader.read(
                        new ByteArrayInputStream(p.first()),
                        new ByteArrayInputStream(p.second()),
                        null);
                  } else {
                    reader.readNpz(new ByteArrayInputStream(body), null);
                  }
                },
                FuzzSupport.MAX_ALLOCATED)
            .run(16);
    System.out.println(report.summary());
    assertThat(report.failures()).isEmpty();
    assertThat(report.parsed()).isGreaterThanOrEqualTo(seeds.size());
    assertThat(report.refused()).isPositive();
  }

  static byte[] mutate(Random r, List<byte[]> seeds) {
    byte[] seed = Mutations.pick(r, seeds);
    int mode = seed[0];
    byte[] body = java.util.Arrays.copyOfRange(seed, 1, seed.length);
    if (mode == 0) {
      Pair p = Pair.decode(body);
      boolean first = r.nextBoolean();
      byte[] npy = mutateNpy(r, first ? p.first() : p.second());
      return withMode(0, (first ? new Pair(npy, p.second()) : new Pair(p.first(), npy)).encode());
    }
    if (r.nextInt(3) == 0) {
      return withMode(1, Mutations.havoc(r, List.of(body)));
    }
    // rebuild the archive from its arrays, one of them mutated
    List<String> names = new ArrayList<>();
    List<byte[]> arrays = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(body))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        names.add(e.getName());
        arrays.add(zip.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int k = r.nextInt(arrays.size());
    arrays.set(k, mutateNpy(r, arrays.get(k)));
    if (r.nextInt(4) == 0) {
      names.set(k, new String[] {"x.npy", "y.npy", "a.npy", "y", "x.npy"}[r.nextInt(5)]);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < arrays.size(); i++) {
        String name = names.get(i);
        ZipEntry e = new ZipEntry(names.subList(0, i).contains(name) ? i + name : name);
        zip.setLevel(r.nextInt(10));
        zip.putNextEntry(e);
        zip.write(arrays.get(i));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return withMode(1, out.toByteArray());
  }

  /** A header rewritten with an extreme shape, another dtype or a wrong length; or havoc. */
  static byte[] mutateNpy(Random r, byte[] npy) {
    if (npy.length < 10 || r.nextInt(3) == 0) {
      return Mutations.havoc(r, List.of(npy));
    }
    int major = npy[6] & 0xFF;
    int lengthBytes = major == 1 ? 2 : 4;
    ByteBuffer lb = ByteBuffer.wrap(npy, 8, lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = lengthBytes == 2 ? lb.getShort() & 0xFFFF : lb.getInt();
    int start = 8 + lengthBytes;
    if (headerLength < 0 || start + headerLength > npy.length) {
      return Mutations.havoc(r, List.of(npy));
    }
    String header = new String(npy, start, headerLength, StandardCharsets.ISO_8859_1);
    byte[] data = java.util.Arrays.copyOfRange(npy, start + headerLength, npy.length);
    switch (r.nextInt(5)) {
      case 0 -> {
        StringBuilder shape = new StringBuilder("(");
        int rank = r.nextInt(4);
        for (int d = 0; d < rank; d++) {
          long v = Mutations.extreme(r);
          shape.append(r.nextBoolean() ? Long.toUnsignedString(v) : Long.toString(v)).append(", ");
        }
        header = header.replaceFirst("\\([^)]*\\)", shape.append(")").toString());
      }
      case 1 ->
          header =
              header.replaceFirst(
                  "'descr': '[^']*'", "'descr': '" + DESCRS[r.nextInt(DESCRS.length)] + "'");
      case 2 -> header = header.replace("False", "True");
      case 3 -> { // the length field lies
        byte[] out = npy.clone();
        Mutations.putInt(out, 8, lengthBytes, Mutations.extreme(r), true);
        return out;
      }
      default -> {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        h = Mutations.once(r, h, List.of(h));
        header = new String(h, StandardCharsets.ISO_8859_1);
      }
    }
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out =
        ByteBuffer.allocate(start + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(npy, 0, 8);
    if (lengthBytes == 2) {
      out.putShort((short) h.length);
    } else {
      out.putInt(h.length);
    }
    return out.put(h).put(data).array();
  }

  private static byte[] withMode(int mode, byte[] body) {
    return Mutations.concat(new byte[] {(byte) mode}, body);
  }
}
