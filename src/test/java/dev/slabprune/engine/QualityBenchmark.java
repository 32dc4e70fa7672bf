package dev.slabprune.engine;

import dev.slabprune.support.NamedArgs;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * {@code bench/run quality}: LeNet-300-100 on an MNIST-style IDX directory. Trains a dense network
 * (the "uploaded" model), compresses it with the given settings, prints one JSON line.
 *
 * <p>Arguments: {@code DIR [key=value ...]} with keys epochs, pretrain, finetune, lr, seed,
 * threshold, samples, peer (a JSON object printed by the PyTorch peer, or null).
 */
public final class QualityBenchmark {

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    java.util.Map<String, String> opt =
        NamedArgs.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
    int epochs = Integer.parseInt(opt.getOrDefault("epochs", "20"));
    int pretrain = Integer.parseInt(opt.getOrDefault("pretrain", "5"));
    long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
    CompressionConfig defaults = CompressionConfig.defaults();
    CompressionConfig config =
        defaults.toBuilder()
            .epochs(epochs)
            .seed(seed)
            .fineTuneEpochs(
                Integer.parseInt(
                    opt.getOrDefault("finetune", String.valueOf(defaults.fineTuneEpochs()))))
            .learningRate(Double.parseDouble(opt.getOrDefault("lr", "1e-3")))
            .evaluationSamples(Integer.parseInt(opt.getOrDefault("samples", "30")))
            .pruning(
                new PruningRule.Threshold(Double.parseDouble(opt.getOrDefault("threshold", "0.5"))))
            .build();

    Examples train = load(dir, "train", 60000);
    Examples test = load(dir, "t10k", 10000);
    long t0 = System.nanoTime();
    DenseNetwork start =
        Initialisation.kaimingUniform(
            new int[] {784, 300, 100, 10}, Activation.RELU, OutputKind.LOGITS, seed);
    DenseTrainer dense = new DenseTrainer(start, train, 1e-3, false, 1.0, seed);
    dense.epochs(pretrain, 128);
    start = dense.network();
    double pretrainSeconds = (System.nanoTime() - t0) / 1e9;

    long t1 = System.nanoTime();
    Compression.Result result =
        Compression.run(
            start, train, null, test, config, List.of(TrainingListener.failOnNaN()), () -> false);
    double seconds = (System.nanoTime() - t1) / 1e9;
    CompressionReport r = result.report();
    long t2 = System.nanoTime();
    Compression.Repruned again =
        Compression.reprune(
            result.posterior(), new PruningRule.Threshold(0.9), true, true, null, seed);
    double repruneMillis = (System.nanoTime() - t2) / 1e6;

    StringBuilder history = new StringBuilder("[");
    for (EpochSummary e : r.history()) {
      if (history.length() > 1) {
        history.append(',');
      }
      history.append(
          String.format(
              Locale.ROOT,
              "{\"epoch\":%d,\"elbo\":%.1f,\"kl\":%.1f,\"nll\":%.4f,\"density\":%.5f,\"seconds\":%.1f}",
              e.epoch(),
              e.elbo(),
              e.kl(),
              e.nll(),
              e.density(),
              e.seconds()));
    }
    history.append(']');
    StringBuilder histograms = new StringBuilder("[");
    for (LayerSummary ls : r.pruning().layers()) {
      if (histograms.length() > 1) {
        histograms.append(',');
      }
      histograms.append(java.util.Arrays.toString(ls.pipHistogram()).replace(" ", ""));
    }
    histograms.append(']');
    String peer = opt.getOrDefault("peer", "null");
    String peerAcc = "null";
    if (!peer.equals("null")) {
      java.util.regex.Matcher ft =
          java.util.regex.Pattern.compile(
                  "\"test_accuracy_median_model_finetuned\"\\s*:\\s*([0-9.eE-]+)")
              .matcher(peer);
      java.util.regex.Matcher med =
          java.util.regex.Pattern.compile("\"test_accuracy_median_model\"\\s*:\\s*([0-9.eE-]+)")
              .matcher(peer);
      peerAcc = ft.find() ? ft.group(1) : med.find() ? med.group(1) : "null";
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "{\"data\":\"%s\",\"epochs\":%d,\"pretrain_epochs\":%d,\"finetune_epochs\":%d,"
                + "\"lambda\":%.3g,\"uploaded_test_accuracy\":%.4f,"
                + "\"pruned_test_accuracy\":%.4f,\"pruned_before_finetune_test_accuracy\":%.4f,"
                + "\"model_average_test_accuracy\":%.4f,\"magnitude_test_accuracy\":%.4f,"
                + "\"peer_test_accuracy\":%s,\"weight_density\":%.5f,\"kept_weights\":%d,"
                + "\"surviving_architecture\":%s,\"kept_input_pixels\":%d,"
                + "\"pruned_nll\":%.4f,\"pruned_ece\":%.4f,\"model_average_nll\":%.4f,"
                + "\"model_average_ece\":%.4f,\"model_average_entropy\":%.4f,"
                + "\"uploaded_parameters\":%d,\"pruned_parameters\":%d,\"uploaded_flops\":%d,"
                + "\"pruned_flops\":%d,\"pruned_sparse_flops\":%d,\"uploaded_latency_us\":%.2f,"
                + "\"pruned_latency_us\":%.2f,\"reprune_ms\":%.1f,\"reprune_0.9_density\":%.5f,"
                + "\"pretrain_seconds\":%.1f,\"compression_seconds\":%.1f,\"pip_histograms\":%s,"
                + "\"history\":%s,"
                + "\"peer\":%s}",
            dir.getFileName(),
            epochs,
            pretrain,
            config.fineTuneEpochs(),
            r.lambda(),
            r.uploaded().accuracy(),
            r.pruned().accuracy(),
            r.prunedBeforeFineTuning().accuracy(),
            r.modelAverage().accuracy(),
            r.magnitude().accuracy(),
            peerAcc,
            r.pruning().weightDensity(),
            r.pruning().keptWeights(),
            java.util.Arrays.toString(r.network().architecture()).replace(" ", ""),
            r.pruning().keptInputs().length,
            r.pruned().nll(),
            r.pruned().ece(),
            r.modelAverage().nll(),
            r.modelAverage().ece(),
            r.modelAverage().uncertainty(),
            r.uploadedParameters(),
            r.prunedParameters(),
            r.uploadedFlops(),
            r.prunedFlops(),
            r.prunedSparseFlops(),
            r.uploadedLatencyMicros(),
            r.prunedLatencyMicros(),
            repruneMillis,
            again.pruning().weightDensity(),
            pretrainSeconds,
            seconds,
            histograms,
            history,
            peer));
  }

  /** A minimal IDX reader for the benchmark (plain or gzip), pixels scaled to [0, 1]. */
  static Examples load(Path dir, String prefix, int expectedRows) throws IOException {
    byte[] images = read(find(dir, prefix + "-images"));
    byte[] labels = read(find(dir, prefix + "-labels"));
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(images));
    int magic = in.readInt();
    if (magic != 0x00000803) {
      throw new IOException("not an IDX image file: magic " + Integer.toHexString(magic));
    }
    int rows = in.readInt();
    int h = in.readInt();
    int w = in.readInt();
    int cols = h * w;
    float[] x = new float[rows * cols];
    for (int i = 0; i < x.length; i++) {
      x[i] = (images[16 + i] & 0xff) / 255f;
    }
    int[] y = new int[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = labels[8 + i] & 0xff;
    }
    if (rows != expectedRows) {
      System.err.println("note: " + rows + " rows in " + prefix);
    }
    return Examples.classification(x, rows, cols, y, 10);
  }

  private static Path find(Path dir, String prefix) throws IOException {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix))
          .sorted()
          .findFirst()
          .orElseThrow(() -> new IOException("no " + prefix + "* in " + dir));
    }
  }

  private static byte[] read(Path p) throws IOException {
    try (InputStream raw = Files.newInputStream(p);
        InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    }
  }
}
