package dev.slabprune.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The path of prunable networks along training (ours, ALGORITHM.md §9): the final posterior, the
 * median model of every epoch end scored on the validation examples without fine-tuning, and a
 * bounded set of posterior snapshots (the inclusion logits and slab means, what pruning needs) to
 * choose and fine-tune candidates from. Kept with a job's result, so that re-pruning chooses from
 * the same path.
 */
public final class PosteriorPath {

  /** Posterior snapshots kept: beyond this, the one closest in size to its successor goes. */
  public static final int MAX_SNAPSHOTS = 8;

  private static final int MAGIC = 0x534c5050; // "SLPP"
  private static final int VERSION = 2;
  private static final int POSTERIOR_MAGIC = 0x534c5042; // a bare posterior, stored before paths

  /**
   * A posterior at an epoch end: slab means and inclusion logits per layer, and the node gates'
   * logits (null without node gates).
   */
  record Snapshot(int epoch, long medianWeights, float[][] mu, float[][] v, float[][] gates) {}

  private final Posterior posterior;
  private final List<PathPoint> medians;
  private final List<Snapshot> snapshots;
  private final double seconds;

  PosteriorPath(
      Posterior posterior, List<PathPoint> medians, List<Snapshot> snapshots, double seconds) {
    this.posterior = posterior;
    this.medians = List.copyOf(medians);
    this.snapshots = List.copyOf(snapshots);
    this.seconds = seconds;
  }

  /** A path of one point: the posterior alone (results stored before paths were kept). */
  public static PosteriorPath of(Posterior posterior) {
    int last =
        posterior.history().isEmpty()
            ? 0
            : posterior.history().get(posterior.history().size() - 1).epoch();
    return new PosteriorPath(posterior, List.of(), List.of(snapshot(last, posterior, -1)), 0);
  }

  /** The final posterior. */
  public Posterior posterior() {
    return posterior;
  }

  /** The median model of every epoch end, unfine-tuned, in epoch order. */
  public List<PathPoint> medians() {
    return medians;
  }

  /** Epochs of the snapshots kept, in order. */
  public int[] snapshotEpochs() {
    return snapshots.stream().mapToInt(Snapshot::epoch).toArray();
  }

  List<Snapshot> snapshots() {
    return snapshots;
  }

  /** Wall time spent recording the path during training. */
  double seconds() {
    return seconds;
  }

  /**
   * The posterior as it stood at {@code s}; the slab sds are the final ones (pruning needs none).
   */
  Posterior at(Snapshot s) {
    Posterior p = posterior;
    return new Posterior(
        p.widths,
        p.activations,
        p.output,
        p.lambda,
        p.slabSd,
        p.noiseSd,
        s.mu(),
        p.rho,
        s.v(),
        p.targetMean,
        p.targetSd,
        p.history,
        s.gates());
  }

  /**
   * The uploaded network as a posterior whose inclusion order is the weights' magnitude: top-k of
   * it is magnitude pruning, with the same removal of nodes and inputs that lose every path. Biases
   * are always kept; a regression's last layer is standardised as the posterior's is.
   */
  Posterior magnitudeOf(DenseNetwork start) {
    Posterior p = posterior;
    int layers = p.layers();
    float[][] mu = new float[layers][];
    float[][] v = new float[layers][];
    for (int l = 0; l < layers; l++) {
      DenseLayer d = start.layers().get(l);
      int w = d.weights().length;
      int out = d.outputs();
      mu[l] = new float[w + out];
      v[l] = new float[w + out];
      System.arraycopy(d.weights(), 0, mu[l], 0, w);
      System.arraycopy(d.bias(), 0, mu[l], w, out);
      boolean standardise = l == layers - 1 && p.targetSd.length > 0;
      for (int i = 0; i < w; i++) {
        float m = Math.abs(d.weights()[i]);
        v[l][i] = m == 0 ? -1f : m;
        if (standardise) {
          mu[l][i] = (float) (mu[l][i] / p.targetSd[i % out]);
        }
      }
      for (int j = 0; j < out; j++) {
        v[l][w + j] = Float.MAX_VALUE;
        if (standardise) {
          mu[l][w + j] = (float) ((mu[l][w + j] - p.targetMean[j]) / p.targetSd[j]);
        }
      }
    }
    return at(new Snapshot(0, Pruner.totalWeights(p), mu, v, null));
  }

  /**
   * The snapshot to take {@code weights} weights from: the latest of those whose median model is
   * the smallest still at least that large (the posterior ran near that size there); the smallest
   * median when every one is smaller.
   */
  Snapshot nearest(long weights) {
    Snapshot best = null;
    for (Snapshot s : snapshots) {
      if (s.medianWeights() >= weights
          && (best == null || s.medianWeights() <= best.medianWeights())) {
        best = s;
      }
    }
    if (best != null) {
      return best;
    }
    for (Snapshot s : snapshots) {
      if (best == null || s.medianWeights() >= best.medianWeights()) {
        best = s;
      }
    }
    return best;
  }

  private static Snapshot snapshot(int epoch, Posterior p, long medianWeights) {
    float[][] mu = new float[p.layers()][];
    float[][] v = new float[p.layers()][];
    float[][] gates = p.gates == null ? null : new float[p.layers()][];
    for (int l = 0; l < mu.length; l++) {
      mu[l] = p.mu[l].clone();
      v[l] = p.v[l].clone();
      if (gates != null) {
        gates[l] = p.gates[l].clone();
      }
    }
    long median = medianWeights;
    if (median < 0) {
      median = 0;
      for (int l = 0; l < v.length; l++) {
        int out = p.widths[l + 1];
        int count = p.widths[l] * out;
        for (int i = 0; i < count; i++) {
          if (v[l][i] > 0 && (gates == null || gates[l][i / out] > 0)) {
            median++;
          }
        }
      }
    }
    return new Snapshot(epoch, median, mu, v, gates);
  }

  /** Drops, while there are too many, the earlier of the two neighbours closest in size. */
  static void thin(List<Snapshot> kept, int max) {
    while (kept.size() > max) {
      int drop = 0;
      double closest = Double.POSITIVE_INFINITY;
      for (int i = 0; i + 1 < kept.size(); i++) {
        double gap =
            Math.abs(
                Math.log1p(kept.get(i).medianWeights())
                    - Math.log1p(kept.get(i + 1).medianWeights()));
        if (gap < closest) {
          closest = gap;
          drop = i;
        }
      }
      kept.remove(drop);
    }
  }

  /**
   * Records the path during training: at each epoch end, the median model pruned and scored on
   * {@code validation} (the training examples when there are none), and the posterior snapshot.
   */
  public static final class Recorder implements TrainingListener {
    private final Examples validation;
    private final CompressionConfig config;
    private final List<PathPoint> medians = new ArrayList<>();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private double seconds;
    private double lastDensity = Double.NaN;

    /** Runs of up to this many epochs record every epoch; longer ones about this many. */
    static final int EVERY_EPOCH = 200;

    /** A relative change of density that is always recorded. */
    static final double DENSITY_STEP = 0.05;

    Recorder(Examples validation, CompressionConfig config) {
      this.validation = validation;
      this.config = config;
    }

    @Override
    public void onPosterior(EpochSummary summary, Supplier<Posterior> current) {
      if (!worthRecording(summary)) {
        return;
      }
      long started = System.nanoTime();
      Posterior p = current.get();
      PruningResult median =
          Pruner.prune(
              p,
              PruningRule.median(),
              config.pruneNodes(),
              config.selectInputs(),
              config.seed(),
              false);
      double score = PathSearch.score(median.network(), median, validation, p, config);
      medians.add(PathPoint.of(summary.epoch(), median, score, false, PathPoint.POSTERIOR));
      snapshots.add(snapshot(summary.epoch(), p, median.keptWeights()));
      thin(snapshots, MAX_SNAPSHOTS);
      seconds += (System.nanoTime() - started) / 1e9;
      lastDensity = summary.density();
    }

    /**
     * The first epoch, then every epoch on runs of up to {@link #EVERY_EPOCH} epochs and one in
     * {@code ceil(epochs / EVERY_EPOCH)} on longer ones, and always where the density (known for
     * free) moved by more than {@link #DENSITY_STEP} of itself since the last point: the crossings,
     * never long plateaus. Decided by the epochs alone, so a resumed run records what the
     * uninterrupted one would.
     */
    private boolean worthRecording(EpochSummary summary) {
      if (Double.isNaN(lastDensity)) {
        return true;
      }
      int stride = Math.max(1, (config.epochs() + EVERY_EPOCH - 1) / EVERY_EPOCH);
      double d = summary.density();
      return summary.epoch() % stride == 0
          || Math.abs(d - lastDensity) > DENSITY_STEP * Math.max(lastDensity, 1e-6);
    }

    /** The recorder's state, for a training checkpoint: resuming restores it. */
    byte[] state() {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeDouble(seconds);
        out.writeDouble(lastDensity);
        writePoints(out, medians);
        writeSnapshots(out, snapshots);
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new EngineException("could not serialise the path", e);
      }
    }

    void restore(byte[] state, int[] widths) {
      try {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        seconds = in.readDouble();
        lastDensity = in.readDouble();
        medians.clear();
        medians.addAll(readPoints(in));
        snapshots.clear();
        snapshots.addAll(readSnapshots(in, widths));
      } catch (IOException e) {
        throw new InvalidInputException("truncated or corrupt path in the checkpoint: " + e);
      }
    }

    /** The path up to now, ending at {@code posterior}, the trained one. */
    PosteriorPath path(Posterior posterior) {
      List<Snapshot> kept = new ArrayList<>(snapshots);
      int last =
          posterior.history().isEmpty()
              ? 0
              : posterior.history().get(posterior.history().size() - 1).epoch();
      if (kept.isEmpty() || kept.get(kept.size() - 1).epoch() != last || last == 0) {
        // early stopping gave back an earlier epoch, or nothing was recorded (a resumed run)
        kept.add(snapshot(last, posterior, -1));
        thin(kept, MAX_SNAPSHOTS);
      }
      return new PosteriorPath(posterior, medians, kept, seconds);
    }
  }

  /** The path's bytes: the posterior, the medians and the snapshots, versioned binary. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      byte[] post = posterior.toBytes();
      out.writeInt(post.length);
      out.write(post);
      writePoints(out, medians);
      writeSnapshots(out, snapshots);
      out.writeDouble(seconds);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new EngineException("could not serialise the posterior path", e);
    }
  }

  private static void writePoints(DataOutputStream out, List<PathPoint> points) throws IOException {
    out.writeInt(points.size());
    for (PathPoint p : points) {
      out.writeInt(p.epoch());
      out.writeLong(p.weights());
      Posterior.Codec.writeInts(out, p.nodes());
      out.writeInt(p.inputs());
      out.writeDouble(p.density());
      out.writeDouble(p.validationScore());
    }
  }

  private static List<PathPoint> readPoints(DataInputStream in) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > 1 << 24) {
      throw new IOException("implausible path length " + count);
    }
    List<PathPoint> points = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      points.add(
          new PathPoint(
              in.readInt(),
              in.readLong(),
              Posterior.Codec.readInts(in),
              in.readInt(),
              in.readDouble(),
              in.readDouble(),
              false,
              false,
              false,
              PathPoint.POSTERIOR));
    }
    return points;
  }

  private static void writeSnapshots(DataOutputStream out, List<Snapshot> snapshots)
      throws IOException {
    out.writeInt(snapshots.size());
    for (Snapshot s : snapshots) {
      out.writeInt(s.epoch());
      out.writeLong(s.medianWeights());
      for (int l = 0; l < s.mu().length; l++) {
        Posterior.Codec.writeFloats(out, s.mu()[l]);
        Posterior.Codec.writeFloats(out, s.v()[l]);
      }
      out.writeBoolean(s.gates() != null);
      if (s.gates() != null) {
        for (float[] g : s.gates()) {
          Posterior.Codec.writeFloats(out, g);
        }
      }
    }
  }

  private static List<Snapshot> readSnapshots(DataInputStream in, int[] widths) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > 1 << 10) {
      throw new IOException("implausible snapshot count " + count);
    }
    int layers = widths.length - 1;
    List<Snapshot> snapshots = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int epoch = in.readInt();
      long median = in.readLong();
      float[][] mu = new float[layers][];
      float[][] v = new float[layers][];
      for (int l = 0; l < layers; l++) {
        int size = widths[l] * widths[l + 1] + widths[l + 1];
        mu[l] = Posterior.Codec.readFloats(in);
        v[l] = Posterior.Codec.readFloats(in);
        if (mu[l].length != size || v[l].length != size) {
          throw new IOException("a snapshot's sizes do not match the network's");
        }
      }
      float[][] gates = null;
      if (in.readBoolean()) {
        gates = new float[layers][];
        for (int l = 0; l < layers; l++) {
          gates[l] = Posterior.Codec.readFloats(in);
          if (gates[l].length != widths[l]) {
            throw new IOException("a snapshot's gates do not match the network's");
          }
        }
      }
      snapshots.add(new Snapshot(epoch, median, mu, v, gates));
    }
    return snapshots;
  }

  /** Reads {@link #toBytes()}, or a bare serialised {@link Posterior} as a path of one point. */
  public static PosteriorPath fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int magic = in.readInt();
      if (magic == POSTERIOR_MAGIC) {
        return of(Posterior.fromBytes(data));
      }
      if (magic != MAGIC) {
        throw new InvalidInputException("not a serialised posterior path");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new InvalidInputException("unsupported posterior path format version " + version);
      }
      int length = in.readInt();
      if (length < 0 || length > data.length) {
        throw new IOException("implausible posterior length " + length);
      }
      byte[] post = new byte[length];
      in.readFully(post);
      Posterior posterior = Posterior.fromBytes(post);
      List<PathPoint> medians = readPoints(in);
      List<Snapshot> snapshots = readSnapshots(in, posterior.widths);
      double seconds = in.readDouble();
      return new PosteriorPath(posterior, medians, snapshots, seconds);
    } catch (IOException e) {
      throw new InvalidInputException("truncated or corrupt posterior path: " + e.getMessage());
    }
  }
}
