package dev.slabprune.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained spike-and-slab variational posterior (Bai, Song &amp; Cheng, NeurIPS 2020): for every
 * weight and bias, {@code q(gamma) = Bernoulli(phi)} with {@code phi = sigmoid(vartheta)} and
 * {@code theta | gamma = 1 ~ N(mu, softplus(rho)^2)}. Everything pruning needs, without the
 * training data; serialisable so that re-pruning with another rule needs no training.
 */
public final class Posterior {

  private static final int MAGIC = 0x534c5042; // "SLPB"
  private static final int VERSION = 2;

  final int[] widths;
  final Activation[] activations;
  final OutputKind output;
  final double lambda;
  final double slabSd;
  final double noiseSd;
  final float[][] mu;
  final float[][] rho;
  final float[][] v;

  /** Regression targets were standardised as (y - mean) / sd; identity for classification. */
  final double[] targetMean;

  final double[] targetSd;
  final List<EpochSummary> history;

  /**
   * Node gate logits (ours): {@code gates[l][j]} is vartheta of the gate on row j of weight layer l
   * (input feature j for l = 0, else hidden node j of level l); null without node gates.
   */
  final float[][] gates;

  Posterior(
      int[] widths,
      Activation[] activations,
      OutputKind output,
      double lambda,
      double slabSd,
      double noiseSd,
      float[][] mu,
      float[][] rho,
      float[][] v,
      double[] targetMean,
      double[] targetSd,
      List<EpochSummary> history,
      float[][] gates) {
    this.widths = widths;
    this.activations = activations;
    this.output = output;
    this.lambda = lambda;
    this.slabSd = slabSd;
    this.noiseSd = noiseSd;
    this.mu = mu;
    this.rho = rho;
    this.v = v;
    this.targetMean = targetMean;
    this.targetSd = targetSd;
    this.history = List.copyOf(history);
    this.gates = gates;
  }

  /** Whether the posterior has node gates (then node and input PIPs are their parameters). */
  public boolean hasNodeGates() {
    return gates != null;
  }

  /**
   * Inclusion probabilities of the gates on the rows of weight layer {@code l} (l = 0: the input
   * features; else hidden level l), or null without node gates.
   */
  public double[] gatePips(int l) {
    if (gates == null) {
      return null;
    }
    double[] p = new double[gates[l].length];
    for (int j = 0; j < p.length; j++) {
      p[j] = SlabMath.sigmoid(gates[l][j]);
    }
    return p;
  }

  /** Widths from input to output. */
  public int[] architecture() {
    return widths.clone();
  }

  public OutputKind output() {
    return output;
  }

  /** The prior inclusion probability the posterior was trained with. */
  public double lambda() {
    return lambda;
  }

  public List<EpochSummary> history() {
    return history;
  }

  public int layers() {
    return widths.length - 1;
  }

  /**
   * Inclusion probabilities phi of layer {@code l}'s weights, row-major {@code [in][out]} like
   * {@link DenseLayer#weights()}.
   */
  public double[] weightPips(int l) {
    int count = widths[l] * widths[l + 1];
    double[] p = new double[count];
    for (int i = 0; i < count; i++) {
      p[i] = SlabMath.sigmoid(v[l][i]);
    }
    return p;
  }

  /** Inclusion probabilities of layer {@code l}'s biases. */
  public double[] biasPips(int l) {
    int w = widths[l] * widths[l + 1];
    double[] p = new double[widths[l + 1]];
    for (int j = 0; j < p.length; j++) {
      p[j] = SlabMath.sigmoid(v[l][w + j]);
    }
    return p;
  }

  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new EngineException("could not serialise the posterior", e);
    }
  }

  public static Posterior fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      if (in.readInt() != MAGIC) {
        throw new InvalidInputException("not a serialised posterior");
      }
      int version = in.readInt();
      if (version != VERSION && version != 1) {
        throw new InvalidInputException("unsupported posterior format version " + version);
      }
      return read(in, version);
    } catch (IOException e) {
      throw new InvalidInputException("truncated or corrupt posterior: " + e.getMessage());
    }
  }

  void write(DataOutputStream out) throws IOException {
    Codec.writeInts(out, widths);
    for (Activation a : activations) {
      out.writeByte(a.ordinal());
    }
    out.writeByte(output.ordinal());
    out.writeDouble(lambda);
    out.writeDouble(slabSd);
    out.writeDouble(noiseSd);
    for (int l = 0; l < layers(); l++) {
      Codec.writeFloats(out, mu[l]);
      Codec.writeFloats(out, rho[l]);
      Codec.writeFloats(out, v[l]);
    }
    Codec.writeDoubles(out, targetMean);
    Codec.writeDoubles(out, targetSd);
    Codec.writeHistory(out, history);
    out.writeBoolean(gates != null);
    if (gates != null) {
      for (float[] g : gates) {
        Codec.writeFloats(out, g);
      }
    }
  }

  /** Reads what {@link #write} wrote ({@code version} 2), or version 1 (no node gates). */
  static Posterior read(DataInputStream in, int version) throws IOException {
    int[] widths = Codec.readInts(in);
    int layers = widths.length - 1;
    Activation[] acts = new Activation[layers];
    for (int l = 0; l < layers; l++) {
      acts[l] = Activation.values()[in.readByte()];
    }
    OutputKind output = OutputKind.values()[in.readByte()];
    double lambda = in.readDouble();
    double slabSd = in.readDouble();
    double noiseSd = in.readDouble();
    float[][] mu = new float[layers][];
    float[][] rho = new float[layers][];
    float[][] v = new float[layers][];
    for (int l = 0; l < layers; l++) {
      mu[l] = Codec.readFloats(in);
      rho[l] = Codec.readFloats(in);
      v[l] = Codec.readFloats(in);
    }
    double[] mean = Codec.readDoubles(in);
    double[] sd = Codec.readDoubles(in);
    List<EpochSummary> history = Codec.readHistory(in);
    float[][] gates = null;
    if (version >= 2 && in.readBoolean()) {
      gates = new float[layers][];
      for (int l = 0; l < layers; l++) {
        gates[l] = Codec.readFloats(in);
        if (gates[l].length != widths[l]) {
          throw new IOException("node gates of layer " + l + " do not match its inputs");
        }
      }
    }
    return new Posterior(
        widths, acts, output, lambda, slabSd, noiseSd, mu, rho, v, mean, sd, history, gates);
  }

  static final class Codec {
    private Codec() {}

    static void writeInts(DataOutputStream out, int[] a) throws IOException {
      out.writeInt(a.length);
      for (int x : a) {
        out.writeInt(x);
      }
    }

    static int[] readInts(DataInputStream in) throws IOException {
      int[] a = new int[checkedLength(in)];
      for (int i = 0; i < a.length; i++) {
        a[i] = in.readInt();
      }
      return a;
    }

    static void writeFloats(DataOutputStream out, float[] a) throws IOException {
      out.writeInt(a.length);
      byte[] buf = new byte[a.length * 4];
      java.nio.ByteBuffer.wrap(buf).asFloatBuffer().put(a);
      out.write(buf);
    }

    static float[] readFloats(DataInputStream in) throws IOException {
      int n = checkedLength(in);
      byte[] buf = new byte[n * 4];
      in.readFully(buf);
      float[] a = new float[n];
      java.nio.ByteBuffer.wrap(buf).asFloatBuffer().get(a);
      return a;
    }

    static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
      out.writeInt(a.length);
      for (double x : a) {
        out.writeDouble(x);
      }
    }

    static double[] readDoubles(DataInputStream in) throws IOException {
      double[] a = new double[checkedLength(in)];
      for (int i = 0; i < a.length; i++) {
        a[i] = in.readDouble();
      }
      return a;
    }

    static void writeHistory(DataOutputStream out, List<EpochSummary> history) throws IOException {
      out.writeInt(history.size());
      for (EpochSummary e : history) {
        out.writeInt(e.epoch());
        out.writeDouble(e.elbo());
        out.writeDouble(e.kl());
        out.writeDouble(e.nll());
        out.writeDouble(e.density());
        out.writeDouble(e.validationMetric());
        out.writeDouble(e.seconds());
      }
    }

    static List<EpochSummary> readHistory(DataInputStream in) throws IOException {
      int n = checkedLength(in);
      List<EpochSummary> h = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        h.add(
            new EpochSummary(
                in.readInt(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble(),
                in.readDouble()));
      }
      return h;
    }

    private static int checkedLength(DataInputStream in) throws IOException {
      int n = in.readInt();
      if (n < 0 || n > 1 << 28) {
        throw new IOException("implausible array length " + n);
      }
      return n;
    }
  }
}
