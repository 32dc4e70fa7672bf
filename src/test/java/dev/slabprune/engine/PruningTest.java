package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PruningTest {

  private static final int[] WIDTHS = {6, 5, 4, 3};
  private static final float ON = 5f;
  private static final float OFF = -5f;

  /**
   * A hand-made posterior: weights randomly on or off, plus the cases the pruner must get right.
   * Level-1 node 0 has no kept inputs but a kept bias (a constant); level-1 node 1 has no kept
   * outputs (dead); level-2 node 3 is constant with a negative bias; input 5 has no kept weights.
   */
  static Posterior handMade(Activation hidden, long seed) {
    Random r = new Random(seed);
    int layers = WIDTHS.length - 1;
    float[][] mu = new float[layers][];
    float[][] rho = new float[layers][];
    float[][] v = new float[layers][];
    Activation[] acts = new Activation[layers];
    for (int l = 0; l < layers; l++) {
      int in = WIDTHS[l];
      int out = WIDTHS[l + 1];
      int size = in * out + out;
      mu[l] = new float[size];
      rho[l] = new float[size];
      v[l] = new float[size];
      acts[l] = l + 1 < layers ? hidden : Activation.IDENTITY;
      for (int i = 0; i < size; i++) {
        mu[l][i] = (float) r.nextGaussian();
        rho[l][i] = -6f;
        v[l][i] = r.nextDouble() < 0.6 ? ON : OFF;
      }
    }
    // level-1 node 0: no kept incoming weight, kept bias 0.8
    for (int i = 0; i < WIDTHS[0]; i++) {
      v[0][i * WIDTHS[1]] = OFF;
    }
    v[0][WIDTHS[0] * WIDTHS[1]] = ON;
    mu[0][WIDTHS[0] * WIDTHS[1]] = 0.8f;
    for (int k = 0; k < WIDTHS[2]; k++) {
      v[1][0 * WIDTHS[2] + k] = ON;
    }
    // level-1 node 1: no kept outgoing weight
    for (int k = 0; k < WIDTHS[2]; k++) {
      v[1][1 * WIDTHS[2] + k] = OFF;
    }
    // level-2 node 3: constant with a negative bias
    for (int i = 0; i < WIDTHS[1]; i++) {
      v[1][i * WIDTHS[2] + 3] = OFF;
    }
    v[1][WIDTHS[1] * WIDTHS[2] + 3] = ON;
    mu[1][WIDTHS[1] * WIDTHS[2] + 3] = -0.5f;
    for (int k = 0; k < WIDTHS[3]; k++) {
      v[2][3 * WIDTHS[3] + k] = ON;
    }
    // input 5: no kept weight
    for (int k = 0; k < WIDTHS[1]; k++) {
      v[0][5 * WIDTHS[1] + k] = OFF;
    }
    // every other hidden node keeps at least one input and one output
    for (int j = 2; j < WIDTHS[1]; j++) {
      v[0][j] = ON;
      v[1][j * WIDTHS[2]] = ON;
    }
    for (int j = 0; j < 3; j++) {
      v[1][WIDTHS[2] + j] = OFF;
      v[1][2 * WIDTHS[2] + j] = ON;
      v[2][j * WIDTHS[3]] = ON;
    }
    return TestNetworks.classifier(WIDTHS.clone(), acts, mu, rho, v, null);
  }

  /** The full network with weights = mu where phi &gt; 0.5, else 0, built independently. */
  static DenseNetwork maskedByHand(Posterior p) {
    List<DenseLayer> layers = new java.util.ArrayList<>();
    for (int l = 0; l < p.layers(); l++) {
      int in = p.widths[l];
      int out = p.widths[l + 1];
      float[] w = new float[in * out];
      float[] b = new float[out];
      for (int i = 0; i < w.length; i++) {
        w[i] = p.v[l][i] > 0 ? p.mu[l][i] : 0f;
      }
      for (int j = 0; j < out; j++) {
        b[j] = p.v[l][in * out + j] > 0 ? p.mu[l][in * out + j] : 0f;
      }
      layers.add(new DenseLayer(in, out, w, b, p.activations[l]));
    }
    return new DenseNetwork(layers, OutputKind.LOGITS);
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void thePrunedNetworkComputesWhatTheMaskedFullNetworkComputes(Activation hidden) {
    Posterior post = handMade(hidden, 3);
    PruningResult result = Pruner.prune(post, PruningRule.median(), true, true, 1);

    // the constant node, the dead node and the empty input are physically gone
    assertThat(result.network().architecture()).isEqualTo(new int[] {5, 3, 3, 3});
    assertThat(result.keptInputs()).containsExactly(0, 1, 2, 3, 4);
    assertThat(result.keptNodes().get(0)).containsExactly(2, 3, 4);
    assertThat(result.keptNodes().get(1)).containsExactly(0, 1, 2);

    Random r = new Random(9);
    int rows = 50;
    float[] x = new float[rows * WIDTHS[0]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (2 * r.nextGaussian());
    }
    Examples all = Examples.classification(x, rows, WIDTHS[0], new int[rows], 3);
    double[] expected = maskedByHand(post).forward(x, rows);
    double[] pruned =
        result.network().forward(all.selectColumns(result.keptInputs()).features(), rows);
    double[] masked = result.maskedNetwork().forward(x, rows);
    for (int i = 0; i < expected.length; i++) {
      assertThat(pruned[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
      assertThat(masked[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
    }
    // the folding mattered: without the constant node's bias the function is different
    DenseNetwork byHand = maskedByHand(post);
    List<DenseLayer> withoutBias = new java.util.ArrayList<>(byHand.layers());
    DenseLayer first = withoutBias.get(0);
    float[] bias = first.bias().clone();
    bias[0] = 0f;
    withoutBias.set(
        0,
        new DenseLayer(first.inputs(), first.outputs(), first.weights(), bias, first.activation()));
    double[] changed = new DenseNetwork(withoutBias, OutputKind.LOGITS).forward(x, rows);
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      diff = Math.max(diff, Math.abs(changed[i] - expected[i]));
    }
    assertThat(diff).isGreaterThan(1e-3);
  }

  @Test
  void nodePipsInClosedFormAgreeWithTheMonteCarloEstimateWhenEveryGateIsNearlyCertain() {
    Posterior post = handMade(Activation.RELU, 4);
    PruningResult result = Pruner.prune(post, PruningRule.median(), true, true, 2);
    double[] closed = result.nodePips().get(0);
    double[] mc = result.nodePipsMonteCarlo().get(0);
    // node 1 has no kept output: both estimates put it near 0; node 2 is near 1
    assertThat(closed[1]).isLessThan(0.05);
    assertThat(mc[1]).isLessThan(0.1);
    assertThat(closed[2]).isGreaterThan(0.95);
    assertThat(mc[2]).isGreaterThan(0.9);
    // closed form treats node 0 as fed by its bias, like the Monte Carlo path rule
    assertThat(closed[0]).isGreaterThan(0.95);
    assertThat(mc[0]).isGreaterThan(0.9);
    assertThat(result.inputPips()[5]).isLessThan(0.05);
  }

  /** A posterior whose PIPs are spread over (0, 1). */
  private static Posterior graded(long seed) {
    Posterior p = handMade(Activation.RELU, seed);
    Random r = new Random(seed);
    for (float[] v : p.v) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (4 * r.nextGaussian());
      }
    }
    return p;
  }

  @Test
  void rePruningWithAStricterThresholdKeepsOnlyWeightsAboveIt() {
    Posterior post = graded(5);
    Compression.Repruned median =
        Compression.reprune(post, PruningRule.median(), false, false, null, 1);
    Compression.Repruned strict =
        Compression.reprune(post, new PruningRule.Threshold(0.9), false, false, null, 1);

    assertThat(strict.pruning().keptWeights()).isLessThan(median.pruning().keptWeights());
    for (Compression.Repruned rp : List.of(median, strict)) {
      double t = ((PruningRule.Threshold) rp.pruning().rule()).threshold();
      DenseNetwork net = rp.pruning().network();
      for (int l = 0; l < net.layers().size(); l++) {
        float[] w = net.layers().get(l).weights();
        double[] pips = post.weightPips(l);
        for (int i = 0; i < w.length; i++) {
          assertThat(w[i] != 0).isEqualTo(pips[i] > t);
        }
      }
    }
  }

  @Test
  void rePruningToATargetSizeKeepsExactlyThatManyOfTheMostProbableWeights() {
    Posterior post = graded(6);
    Compression.Repruned top =
        Compression.reprune(post, new PruningRule.TargetWeights(10), false, false, null, 1);
    assertThat(top.pruning().keptWeights()).isEqualTo(10);
    double smallestKept = 1;
    double largestDropped = 0;
    for (int l = 0; l < post.layers(); l++) {
      float[] w = top.pruning().network().layers().get(l).weights();
      double[] pips = post.weightPips(l);
      for (int i = 0; i < w.length; i++) {
        if (w[i] != 0) {
          smallestKept = Math.min(smallestKept, pips[i]);
        } else {
          largestDropped = Math.max(largestDropped, pips[i]);
        }
      }
    }
    assertThat(smallestKept).isGreaterThanOrEqualTo(largestDropped);
  }

  @Test
  void rePruningWithNoRuleKeepsEveryWeight() {
    Posterior post = graded(7);
    Compression.Repruned all =
        Compression.reprune(post, new PruningRule.None(), true, true, null, 1);
    assertThat(all.pruning().keptWeights()).isEqualTo(all.pruning().totalWeights());
    assertThat(all.pruning().network().architecture()).isEqualTo(WIDTHS);
  }
}
