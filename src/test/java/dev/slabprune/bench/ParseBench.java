package dev.slabprune.bench;

import dev.slabprune.dataset.format.CsvDatasetReader;
import dev.slabprune.dataset.format.CsvOptions;
import dev.slabprune.dataset.format.IdxDatasetReader;
import dev.slabprune.dataset.format.ParsedDataset;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Parse throughput of the CSV and IDX readers: writes a ~200 MB CSV (20 numeric features and a
 * string label per row) and a ~200 MB IDX pair (250,000 images of 28x28 pixels) into a temporary
 * folder, parses each once to warm up and three times measured, and prints one JSON line with the
 * best and median MB/s of wall-clock time and the best MB/s of CPU time (MB = 10^6 bytes of file).
 * Run it from the project folder:
 *
 * <pre>
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx3g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.slabprune.bench.ParseBench [csvMegabytes] [idxImages]
 * </pre>
 */
public final class ParseBench {

  private static final int RUNS = 3;

  public static void main(String[] args) throws IOException {
    long csvBytes = (args.length > 0 ? Long.parseLong(args[0]) : 200) * 1_000_000L;
    int images = args.length > 1 ? Integer.parseInt(args[1]) : 250_000;
    Path dir = Files.createTempDirectory("parse-bench");
    try {
      Path csv = dir.resolve("bench.csv");
      long rows = writeCsv(csv, csvBytes);
      Path idxImages = dir.resolve("images-idx3-ubyte");
      Path idxLabels = dir.resolve("labels-idx1-ubyte");
      writeIdx(idxImages, idxLabels, images);

      CsvDatasetReader csvReader = new CsvDatasetReader();
      double[] csvRates =
          measure(
              Files.size(csv),
              () -> {
                try (InputStream in = Files.newInputStream(csv)) {
                  return csvReader.read(in, CsvOptions.DETECT);
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              },
              rows);
      IdxDatasetReader idxReader = new IdxDatasetReader();
      long idxSize = Files.size(idxImages) + Files.size(idxLabels);
      double[] idxRates = measure(idxSize, () -> idxReader.read(idxImages, idxLabels), images);

      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"csv_bytes\":%d,\"csv_rows\":%d,\"csv_mb_per_s_best\":%.1f,"
                  + "\"csv_mb_per_s_median\":%.1f,\"csv_mb_per_cpu_s_best\":%.1f,"
                  + "\"idx_bytes\":%d,\"idx_images\":%d,"
                  + "\"idx_mb_per_s_best\":%.1f,\"idx_mb_per_s_median\":%.1f,"
                  + "\"idx_mb_per_cpu_s_best\":%.1f,\"runs\":%d,"
                  + "\"java\":\"%s\",\"cores\":%d}",
              Files.size(csv),
              rows,
              csvRates[0],
              csvRates[1],
              csvRates[2],
              idxSize,
              images,
              idxRates[0],
              idxRates[1],
              idxRates[2],
              RUNS,
              System.getProperty("java.version"),
              Runtime.getRuntime().availableProcessors()));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Best and median MB/s of wall-clock time, and best MB/s of the parsing thread's CPU time
   * (steadier on a machine shared with other work), over {@link #RUNS} runs after one warm-up run.
   */
  private static double[] measure(long bytes, Supplier<ParsedDataset> parse, long expectedRows) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    check(parse.get(), expectedRows);
    double[] rates = new double[RUNS];
    double bestCpu = 0;
    for (int r = 0; r < RUNS; r++) {
      long cpuStart = threads.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      ParsedDataset data = parse.get();
      long elapsed = System.nanoTime() - start;
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      check(data, expectedRows);
      rates[r] = bytes / 1e6 / (elapsed / 1e9);
      bestCpu = Math.max(bestCpu, bytes / 1e6 / (cpu / 1e9));
    }
    Arrays.sort(rates);
    return new double[] {rates[RUNS - 1], rates[RUNS / 2], bestCpu};
  }

  private static void check(ParsedDataset data, long expectedRows) {
    if (data.rows() != expectedRows) {
      throw new IllegalStateException("parsed " + data.rows() + " rows, wrote " + expectedRows);
    }
  }

  private static long writeCsv(Path file, long targetBytes) throws IOException {
    Random random = new Random(1);
    String[] labels = {"cat", "dog", "bird"};
    long rows = 0;
    long written = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < 20; c++) {
        line.append("f").append(c).append(',');
      }
      line.append("label\n");
      out.write(line.toString());
      written += line.length();
      while (written < targetBytes) {
        line.setLength(0);
        for (int c = 0; c < 20; c++) {
          line.append((float) (random.nextGaussian() * 10)).append(',');
        }
        line.append(labels[random.nextInt(3)]).append('\n');
        out.write(line.toString());
        written += line.length();
        rows++;
      }
    }
    return rows;
  }

  private static void writeIdx(Path images, Path labels, int count) throws IOException {
    Random random = new Random(2);
    byte[] image = new byte[28 * 28];
    try (DataOutputStream out = new DataOutputStream(buffered(Files.newOutputStream(images)))) {
      out.writeInt(0x803);
      out.writeInt(count);
      out.writeInt(28);
      out.writeInt(28);
      for (int i = 0; i < count; i++) {
        random.nextBytes(image);
        out.write(image);
      }
    }
    try (DataOutputStream out = new DataOutputStream(buffered(Files.newOutputStream(labels)))) {
      out.writeInt(0x801);
      out.writeInt(count);
      for (int i = 0; i < count; i++) {
        out.write(random.nextInt(10));
      }
    }
  }

  private static OutputStream buffered(OutputStream out) {
    return new java.io.BufferedOutputStream(out, 1 << 16);
  }
}
