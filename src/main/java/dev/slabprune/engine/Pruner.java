package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a finished {@link Posterior} into a physically smaller network, with no training: weight,
 * node and input-feature inclusion probabilities (Saha, Liu &amp; Liang, arXiv 2411.00273; the
 * posterior is that of Bai, Song &amp; Cheng, NeurIPS 2020) and a {@link PruningRule}. Re-pruning
 * with another rule is another call.
 */
final class Pruner {

  /** Joint mask draws for the Monte Carlo node PIPs. */
  static final int MC_DRAWS = 100;

  private Pruner() {}

  /**
   * @param pruneNodes remove hidden nodes that fail the rule or have no live path
   * @param selectInputs remove inputs that fail the rule or have no kept weight
   * @param seed seeds the Monte Carlo node PIPs
   */
  public static PruningResult prune(
      Posterior post, PruningRule rule, boolean pruneNodes, boolean selectInputs, long seed) {
    return prune(post, rule, pruneNodes, selectInputs, seed, true);
  }

  /**
   * As {@link #prune(Posterior, PruningRule, boolean, boolean, long)}; without {@code monteCarlo}
   * the Monte Carlo node PIPs are left empty (the path's many candidates do not need them). A
   * target size ({@link PruningRule.TargetWeights}, {@link PruningRule.TargetDensity}) is met
   * within the weights that lose every live path: the top-k grows until that many survive.
   */
  static PruningResult prune(
      Posterior post,
      PruningRule rule,
      boolean pruneNodes,
      boolean selectInputs,
      long seed,
      boolean monteCarlo) {
    long total = totalWeights(post);
    long target = -1;
    if (rule instanceof PruningRule.TargetWeights t) {
      target = Math.min(t.weights(), total);
    } else if (rule instanceof PruningRule.TargetDensity d) {
      target = d.weights(total);
    }
    if (target < 0) {
      PruningRule applied = rule instanceof PruningRule.QualityBudget ? PruningRule.median() : rule;
      PruningResult r = pruneOnce(post, applied, pruneNodes, selectInputs, seed, monteCarlo);
      return withRule(r, rule);
    }
    // Weights between nodes that lose every live path go too: ask for more until `target` stay.
    long ask = target;
    PruningResult r = null;
    long previous = -1;
    int stalls = 0;
    for (int round = 0; round < 32; round++) {
      r =
          pruneOnce(
              post, new PruningRule.TargetWeights(ask), pruneNodes, selectInputs, seed, false);
      if (r.keptWeights() >= target || ask >= total) {
        break;
      }
      // weights added to dead ends do not count: ask for more each time nothing was gained
      stalls = r.keptWeights() > previous ? 0 : Math.min(stalls + 1, 20);
      previous = r.keptWeights();
      ask = Math.min(total, ask + (Math.max(1, target - r.keptWeights()) << stalls));
    }
    if (monteCarlo) {
      r = pruneOnce(post, new PruningRule.TargetWeights(ask), pruneNodes, selectInputs, seed, true);
    }
    return withRule(r, rule);
  }

  static PruningResult withRule(PruningResult r, PruningRule rule) {
    return new PruningResult(
        r.network(),
        r.keptInputs(),
        r.keptNodes(),
        r.maskedNetwork(),
        r.keptWeights(),
        r.totalWeights(),
        r.inputPips(),
        r.nodePips(),
        r.nodePipsMonteCarlo(),
        r.layers(),
        rule);
  }

  static long totalWeights(Posterior post) {
    long total = 0;
    for (int l = 0; l < post.layers(); l++) {
      total += (long) post.widths[l] * post.widths[l + 1];
    }
    return total;
  }

  private static PruningResult pruneOnce(
      Posterior post,
      PruningRule rule,
      boolean pruneNodes,
      boolean selectInputs,
      long seed,
      boolean monteCarlo) {
    int layers = post.layers();
    int[] widths = post.widths;
    boolean[][] keep = weightMask(post, rule);
    double threshold = rule instanceof PruningRule.Threshold t ? t.threshold() : 0.5;
    boolean byPip = rule instanceof PruningRule.Threshold;

    double[] inputPips = pathPips(post.v[0], widths[0], widths[1], true);
    List<double[]> nodePips = new ArrayList<>();
    for (int l = 1; l < layers; l++) {
      double[] fed = pathPips(post.v[l - 1], widths[l - 1], widths[l], false);
      double[] used = pathPips(post.v[l], widths[l], widths[l + 1], true);
      double[] p = new double[widths[l]];
      for (int j = 0; j < p.length; j++) {
        p[j] = fed[j] * used[j];
      }
      nodePips.add(p);
    }
    if (post.gates != null) {
      // a node gate's PIP is a parameter: a node is in use when its gate and a path are
      double[] g0 = post.gatePips(0);
      for (int i = 0; i < inputPips.length; i++) {
        inputPips[i] *= g0[i];
      }
      for (int l = 1; l < layers; l++) {
        double[] g = post.gatePips(l);
        double[] p = nodePips.get(l - 1);
        for (int j = 0; j < p.length; j++) {
          p[j] *= g[j];
        }
      }
    }
    List<double[]> nodeMc = monteCarlo ? monteCarloNodePips(post, seed) : List.of();

    // alive[l][j]: node j of level l (0 = inputs, layers = outputs) is kept
    boolean[][] alive = new boolean[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      alive[l] = new boolean[widths[l]];
      Arrays.fill(alive[l], true);
    }
    if (selectInputs && byPip) {
      for (int i = 0; i < widths[0]; i++) {
        alive[0][i] = inputPips[i] > threshold;
      }
    }
    if (pruneNodes && byPip) {
      for (int l = 1; l < layers; l++) {
        for (int j = 0; j < widths[l]; j++) {
          alive[l][j] = nodePips.get(l - 1)[j] > threshold;
        }
      }
    }
    if (post.gates != null && rule instanceof PruningRule.TargetWeights) {
      // the ranking already weighed each weight by its gate; a closed gate closes its node
      for (int l = 0; l < layers; l++) {
        if ((l == 0 && !selectInputs) || (l > 0 && !pruneNodes)) {
          continue;
        }
        for (int j = 0; j < widths[l]; j++) {
          alive[l][j] &= post.gates[l][j] > 0;
        }
      }
    }
    // A node whose output reaches no kept node does nothing: remove it (top-down).
    for (int l = layers - 1; l >= 0; l--) {
      if ((l == 0 && !selectInputs) || (l > 0 && !pruneNodes)) {
        continue;
      }
      int out = widths[l + 1];
      for (int j = 0; j < widths[l]; j++) {
        if (!alive[l][j]) {
          continue;
        }
        boolean used = false;
        for (int k = 0; k < out && !used; k++) {
          used = alive[l + 1][k] && keep[l][j * out + k];
        }
        alive[l][j] = used;
      }
    }
    // Effective masks: only weights between kept nodes survive.
    long keptWeights = 0;
    float[][] maskedW = new float[layers][];
    float[][] maskedB = new float[layers][];
    for (int l = 0; l < layers; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      maskedW[l] = new float[in * out];
      maskedB[l] = new float[out];
      for (int i = 0; i < in; i++) {
        for (int k = 0; k < out; k++) {
          int idx = i * out + k;
          if (keep[l][idx] && alive[l][i] && alive[l + 1][k]) {
            maskedW[l][idx] = post.mu[l][idx];
          }
        }
      }
      for (int k = 0; k < out; k++) {
        if (keep[l][in * out + k] && alive[l + 1][k]) {
          maskedB[l][k] = post.mu[l][in * out + k];
        }
      }
    }
    // A hidden node with no live input outputs the constant act(bias): fold it into the next
    // layer's biases and remove it (bottom-up, so chains of constants fold too).
    boolean[][] constant = new boolean[layers + 1][];
    constant[0] = new boolean[widths[0]];
    constant[layers] = new boolean[widths[layers]];
    float[][] bias = new float[layers][];
    for (int l = 0; l < layers; l++) {
      bias[l] = maskedB[l].clone();
    }
    for (int l = 1; l < layers; l++) {
      constant[l] = new boolean[widths[l]];
      if (!pruneNodes) {
        continue;
      }
      int in = widths[l - 1];
      int out = widths[l];
      for (int j = 0; j < out; j++) {
        if (!alive[l][j]) {
          continue;
        }
        boolean fed = false;
        for (int i = 0; i < in && !fed; i++) {
          fed = alive[l - 1][i] && !constant[l - 1][i] && maskedW[l - 1][i * out + j] != 0;
        }
        if (!fed) {
          constant[l][j] = true;
          double value = post.activations[l - 1].apply(bias[l - 1][j]);
          int next = widths[l + 1];
          for (int k = 0; k < next; k++) {
            bias[l][k] += (float) (value * maskedW[l][j * next + k]);
          }
        }
      }
    }
    // Assemble the smaller network.
    int[][] keptIndex = new int[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      int count = 0;
      int[] idx = new int[widths[l]];
      for (int j = 0; j < widths[l]; j++) {
        boolean k = l == layers || (alive[l][j] && !constant[l][j]);
        if (k) {
          idx[count++] = j;
        }
      }
      if (count == 0) {
        // keep one node with zero weights in and out, so every layer stays non-empty
        idx[count++] = 0;
      }
      keptIndex[l] = Arrays.copyOf(idx, count);
    }
    List<DenseLayer> newLayers = new ArrayList<>();
    List<LayerSummary> summaries = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int out = widths[l + 1];
      int[] rows = keptIndex[l];
      int[] cols = keptIndex[l + 1];
      float[] w = new float[rows.length * cols.length];
      long kept = 0;
      for (int r = 0; r < rows.length; r++) {
        boolean rowLive = alive[l][rows[r]] && !constant[l][rows[r]];
        for (int c = 0; c < cols.length; c++) {
          float value = rowLive ? maskedW[l][rows[r] * out + cols[c]] : 0f;
          boolean colLive = l + 1 == layers || (alive[l + 1][cols[c]] && !constant[l + 1][cols[c]]);
          w[r * cols.length + c] = colLive ? value : 0f;
          if (w[r * cols.length + c] != 0) {
            kept++;
          }
        }
      }
      float[] b = new float[cols.length];
      for (int c = 0; c < cols.length; c++) {
        boolean colLive = l + 1 == layers || (alive[l + 1][cols[c]] && !constant[l + 1][cols[c]]);
        b[c] = colLive ? bias[l][cols[c]] : 0f;
      }
      keptWeights += kept;
      newLayers.add(new DenseLayer(rows.length, cols.length, w, b, post.activations[l]));
      summaries.add(
          new LayerSummary(
              l,
              rows.length,
              cols.length,
              kept,
              (double) kept / ((long) widths[l] * out),
              histogram(post.v[l], widths[l] * out)));
    }
    DenseNetwork network = unstandardise(new DenseNetwork(newLayers, post.output), post);
    List<DenseLayer> masked = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      masked.add(
          new DenseLayer(widths[l], widths[l + 1], maskedW[l], maskedB[l], post.activations[l]));
    }
    DenseNetwork maskedNetwork = unstandardise(new DenseNetwork(masked, post.output), post);
    long total = 0;
    for (int l = 0; l < layers; l++) {
      total += (long) widths[l] * widths[l + 1];
    }
    List<int[]> keptNodes = new ArrayList<>();
    for (int l = 1; l < layers; l++) {
      keptNodes.add(keptIndex[l]);
    }
    return new PruningResult(
        network,
        keptIndex[0],
        keptNodes,
        maskedNetwork,
        keptWeights,
        total,
        inputPips,
        nodePips,
        nodeMc,
        summaries,
        rule);
  }

  /** Whether each parameter (weights then biases, per layer) passes the rule on its own. */
  static boolean[][] weightMask(Posterior post, PruningRule rule) {
    int layers = post.layers();
    boolean[][] keep = new boolean[layers][];
    for (int l = 0; l < layers; l++) {
      keep[l] = new boolean[post.v[l].length];
    }
    if (rule instanceof PruningRule.None) {
      for (boolean[] k : keep) {
        Arrays.fill(k, true);
      }
      return keep;
    }
    double threshold = rule instanceof PruningRule.Threshold t ? t.threshold() : 0.5;
    // phi > t  <=>  v > logit(t); comparing v avoids phi rounding to 1 in float
    double cut = Math.log(threshold) - Math.log1p(-threshold);
    for (int l = 0; l < layers; l++) {
      int weights = post.widths[l] * post.widths[l + 1];
      int out = post.widths[l + 1];
      for (int i = 0; i < keep[l].length; i++) {
        keep[l][i] = post.v[l][i] > cut;
        if (post.gates != null && i < weights) {
          keep[l][i] &= post.gates[l][i / out] > cut;
        }
      }
    }
    if (rule instanceof PruningRule.TargetWeights target) {
      long total = totalWeights(post);
      int k = (int) Math.min(target.weights(), total);
      float[] vs = new float[(int) total];
      int p = 0;
      for (int l = 0; l < layers; l++) {
        int count = post.widths[l] * post.widths[l + 1];
        for (int i = 0; i < count; i++) {
          vs[p++] = rankScore(post, l, i);
        }
      }
      float[] sorted = vs.clone();
      Arrays.sort(sorted);
      float kth = sorted[sorted.length - k];
      long above = 0;
      for (float x : sorted) {
        if (x > kth) {
          above++;
        }
      }
      // strictly above the k-th largest first, then ties at it in order of position
      long ties = k - above;
      p = 0;
      for (int l = 0; l < layers; l++) {
        int count = post.widths[l] * post.widths[l + 1];
        for (int i = 0; i < count; i++) {
          float x = vs[p++];
          // a weight of a node that concentrated() dropped never enters
          boolean in = x > DROPPED && (x > kth || (x == kth && ties > 0));
          if (x == kth && ties > 0) {
            ties--;
          }
          keep[l][i] = in;
        }
      }
    }
    return keep;
  }

  /** The ranking value {@link #concentrated} gives the weights, bias and gate of a dropped node. */
  static final float DROPPED = -1e30f;

  /**
   * {@code post} with the top-{@code k} weights gathered on fewer hidden nodes (ours): a node-level
   * candidate for a target size. At density {@code d = k / total}, each hidden layer keeps at most
   * {@code ceil(width * d^(1/3))} nodes (the share at which a layer between two such layers keeps
   * its nodes at the density it keeps its weights), and never more than the plain top-k feeds and
   * uses: those with the most top-k weights in times out (ties: the more probable gate, then the
   * lower index). The other nodes' weights in and out, bias and gate rank last ({@link #DROPPED}),
   * so a top-k of the result falls on the kept nodes, the weights the dropped ones held going to
   * the kept ones. Returns {@code post} itself when every node is kept.
   */
  static Posterior concentrated(Posterior post, long k) {
    long total = totalWeights(post);
    int layers = post.layers();
    int[] widths = post.widths;
    boolean[][] keep = weightMask(post, new PruningRule.TargetWeights(Math.min(k, total)));
    double share = Math.cbrt((double) Math.min(k, total) / total);
    float[][] v = null;
    float[][] gates = null;
    for (int l = 1; l < layers; l++) {
      int in = widths[l - 1];
      int w = widths[l];
      int out = widths[l + 1];
      long[] fanIn = new long[w];
      long[] fanOut = new long[w];
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < w; j++) {
          if (keep[l - 1][i * w + j]) {
            fanIn[j]++;
          }
        }
      }
      int live = 0;
      for (int j = 0; j < w; j++) {
        for (int o = 0; o < out; o++) {
          if (keep[l][j * out + o]) {
            fanOut[j]++;
          }
        }
        if (fanIn[j] > 0 && fanOut[j] > 0) {
          live++;
        }
      }
      int n = (int) Math.max(1, Math.min(live, Math.ceil(w * share)));
      if (n >= w) {
        continue;
      }
      float[] gate = post.gates == null ? null : post.gates[l];
      Integer[] order = new Integer[w];
      for (int j = 0; j < w; j++) {
        order[j] = j;
      }
      Arrays.sort(
          order,
          (a, b) -> {
            int c = Long.compare(fanIn[b] * fanOut[b], fanIn[a] * fanOut[a]);
            if (c == 0 && gate != null) {
              c = Float.compare(gate[b], gate[a]);
            }
            return c != 0 ? c : Integer.compare(a, b);
          });
      if (v == null) {
        v = new float[layers][];
        for (int m = 0; m < layers; m++) {
          v[m] = post.v[m].clone();
        }
        if (post.gates != null) {
          gates = new float[layers][];
          for (int m = 0; m < layers; m++) {
            gates[m] = post.gates[m].clone();
          }
        }
      }
      for (int r = n; r < w; r++) {
        int j = order[r];
        for (int i = 0; i < in; i++) {
          v[l - 1][i * w + j] = DROPPED;
        }
        v[l - 1][in * w + j] = DROPPED;
        for (int o = 0; o < out; o++) {
          v[l][j * out + o] = DROPPED;
        }
        if (gates != null) {
          gates[l][j] = DROPPED;
        }
      }
    }
    if (v == null) {
      return post;
    }
    return new Posterior(
        widths,
        post.activations,
        post.output,
        post.lambda,
        post.slabSd,
        post.noiseSd,
        post.mu,
        post.rho,
        v,
        post.targetMean,
        post.targetSd,
        post.history,
        gates);
  }

  /**
   * A weight's rank for a target size: its inclusion logit, or with node gates log(phi_w) plus
   * log(phi_gate) of its row's gate, so that a weight behind an unlikely gate ranks low.
   */
  private static float rankScore(Posterior post, int l, int i) {
    if (post.gates == null) {
      return post.v[l][i];
    }
    int out = post.widths[l + 1];
    return (float) (SlabMath.logPhi(post.v[l][i]) + SlabMath.logPhi(post.gates[l][i / out]));
  }

  /**
   * {@code 1 - prod(1 - phi)} over the weights leaving each row ({@code rows = true}, the "used"
   * probability of the layer's inputs) or entering each column together with its bias ({@code rows
   * = false}, "fed"), as {@code -expm1(-sum softplus(v))} so that it stays exact in log space.
   */
  static double[] pathPips(float[] v, int in, int out, boolean rows) {
    double[] sum = new double[rows ? in : out];
    for (int i = 0; i < in; i++) {
      for (int k = 0; k < out; k++) {
        sum[rows ? i : k] += SlabMath.softplus(v[i * out + k]);
      }
    }
    if (!rows) {
      for (int k = 0; k < out; k++) {
        sum[k] += SlabMath.softplus(v[in * out + k]);
      }
    }
    double[] p = new double[sum.length];
    for (int j = 0; j < p.length; j++) {
      p[j] = -Math.expm1(-sum[j]);
    }
    return p;
  }

  /**
   * Draws every gate from q, marks the hidden nodes on a live input-to-output path (fed by a kept
   * bias or a kept weight from a fed node, and using a kept weight into a used node), and averages
   * over {@link #MC_DRAWS} draws.
   */
  static List<double[]> monteCarloNodePips(Posterior post, long seed) {
    int layers = post.layers();
    int[] widths = post.widths;
    Rng rng = new Rng(seed ^ 0x6A09E667F3BCC909L);
    float[][] phi = new float[layers][];
    for (int l = 0; l < layers; l++) {
      phi[l] = new float[post.v[l].length];
      for (int i = 0; i < phi[l].length; i++) {
        phi[l][i] = (float) SlabMath.sigmoid(post.v[l][i]);
      }
    }
    double[][] counts = new double[layers + 1][];
    boolean[][] gates = new boolean[layers][];
    for (int l = 0; l < layers; l++) {
      gates[l] = new boolean[phi[l].length];
    }
    boolean[][] fed = new boolean[layers + 1][];
    boolean[][] used = new boolean[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      counts[l] = new double[widths[l]];
      fed[l] = new boolean[widths[l]];
      used[l] = new boolean[widths[l]];
    }
    for (int d = 0; d < MC_DRAWS; d++) {
      for (int l = 0; l < layers; l++) {
        for (int i = 0; i < phi[l].length; i++) {
          gates[l][i] = rng.nextOpenUniform() < phi[l][i];
        }
        if (post.gates != null) {
          int out = widths[l + 1];
          for (int j = 0; j < widths[l]; j++) {
            if (rng.nextOpenUniform() >= SlabMath.sigmoid(post.gates[l][j])) {
              Arrays.fill(gates[l], j * out, (j + 1) * out, false);
            }
          }
        }
      }
      Arrays.fill(fed[0], true);
      for (int l = 1; l <= layers; l++) {
        int in = widths[l - 1];
        int out = widths[l];
        for (int k = 0; k < out; k++) {
          fed[l][k] = gates[l - 1][in * out + k];
        }
        for (int i = 0; i < in; i++) {
          if (fed[l - 1][i]) {
            int base = i * out;
            for (int k = 0; k < out; k++) {
              fed[l][k] |= gates[l - 1][base + k];
            }
          }
        }
      }
      Arrays.fill(used[layers], true);
      for (int l = layers - 1; l >= 1; l--) {
        int out = widths[l + 1];
        for (int j = 0; j < widths[l]; j++) {
          boolean u = false;
          int base = j * out;
          for (int k = 0; k < out && !u; k++) {
            u = used[l + 1][k] && gates[l][base + k];
          }
          used[l][j] = u;
        }
      }
      for (int l = 1; l < layers; l++) {
        for (int j = 0; j < widths[l]; j++) {
          if (fed[l][j] && used[l][j]) {
            counts[l][j]++;
          }
        }
      }
    }
    List<double[]> result = new ArrayList<>();
    for (int l = 1; l < layers; l++) {
      double[] p = counts[l];
      for (int j = 0; j < p.length; j++) {
        p[j] /= MC_DRAWS;
      }
      result.add(p);
    }
    return result;
  }

  private static long[] histogram(float[] v, int count) {
    long[] h = new long[10];
    for (int i = 0; i < count; i++) {
      double p = SlabMath.sigmoid(v[i]);
      h[Math.min(9, (int) (p * 10))]++;
    }
    return h;
  }

  /** Maps a last layer that predicts the standardised target back to the original units. */
  static DenseNetwork unstandardise(DenseNetwork net, Posterior post) {
    if (post.targetSd.length == 0) {
      return net;
    }
    List<DenseLayer> ls = new ArrayList<>(net.layers());
    DenseLayer last = ls.get(ls.size() - 1);
    int out = last.outputs();
    float[] w = last.weights().clone();
    float[] b = last.bias().clone();
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (w[i] * post.targetSd[i % out]);
    }
    for (int j = 0; j < out; j++) {
      b[j] = (float) (b[j] * post.targetSd[j] + post.targetMean[j]);
    }
    ls.set(ls.size() - 1, new DenseLayer(last.inputs(), out, w, b, last.activation()));
    return new DenseNetwork(ls, net.output());
  }
}
