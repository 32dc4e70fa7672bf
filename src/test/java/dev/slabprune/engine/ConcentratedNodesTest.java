package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The node-level candidate of a target size: the top-k gathered on fewer hidden nodes. */
class ConcentratedNodesTest {

  private static final int[] WIDTHS = {20, 30, 16, 4};

  /** Random inclusion logits and slab means; node gates when {@code gated}. */
  static Posterior random(long seed, boolean gated) {
    return TestNetworks.randomPosterior(WIDTHS, seed, gated);
  }

  private static PruningResult prune(Posterior post, long k) {
    return Pruner.prune(post, new PruningRule.TargetWeights(k), true, true, 1, false);
  }

  @Test
  void aSmallTargetKeepsThatManyWeightsOnAtMostTheCubeRootShareOfEachLayersNodes() {
    for (boolean gated : new boolean[] {false, true}) {
      Posterior post = random(3, gated);
      long total = Pruner.totalWeights(post);
      long k = Math.round(total * 0.15);
      PruningResult plain = prune(post, k);
      PruningResult gathered = prune(Pruner.concentrated(post, k), k);

      assertThat(gathered.keptWeights()).isBetween(k, k + WIDTHS[1]);
      double share = Math.cbrt((double) k / total);
      int plainNodes = 0;
      int gatheredNodes = 0;
      for (int l = 0; l < gathered.keptNodes().size(); l++) {
        int width = WIDTHS[l + 1];
        assertThat(gathered.keptNodes().get(l).length)
            .isLessThanOrEqualTo((int) Math.ceil(width * share));
        plainNodes += plain.keptNodes().get(l).length;
        gatheredNodes += gathered.keptNodes().get(l).length;
      }
      assertThat(gatheredNodes).isLessThan(plainNodes);
    }
  }

  @Test
  void theKeptNodesAreThoseWithTheMostTopKWeightsInTimesOut() {
    Posterior post = random(5, true);
    long total = Pruner.totalWeights(post);
    long k = Math.round(total * 0.15);
    boolean[][] keep = Pruner.weightMask(post, new PruningRule.TargetWeights(k));
    int in = WIDTHS[0];
    int w = WIDTHS[1];
    int out = WIDTHS[2];
    long[] product = new long[w];
    for (int j = 0; j < w; j++) {
      long fanIn = 0;
      long fanOut = 0;
      for (int i = 0; i < in; i++) {
        fanIn += keep[0][i * w + j] ? 1 : 0;
      }
      for (int o = 0; o < out; o++) {
        fanOut += keep[1][j * out + o] ? 1 : 0;
      }
      product[j] = fanIn * fanOut;
    }
    Posterior gathered = Pruner.concentrated(post, k);
    long weakestKept = Long.MAX_VALUE;
    long strongestDropped = Long.MIN_VALUE;
    for (int j = 0; j < w; j++) {
      boolean dropped = gathered.gates[1][j] == Pruner.DROPPED;
      if (dropped) {
        strongestDropped = Math.max(strongestDropped, product[j]);
        // everything of a dropped node ranks last: its weights in and out and its bias
        for (int i = 0; i < in; i++) {
          assertThat(gathered.v[0][i * w + j]).isEqualTo(Pruner.DROPPED);
        }
        assertThat(gathered.v[0][in * w + j]).isEqualTo(Pruner.DROPPED);
        for (int o = 0; o < out; o++) {
          assertThat(gathered.v[1][j * out + o]).isEqualTo(Pruner.DROPPED);
        }
      } else {
        weakestKept = Math.min(weakestKept, product[j]);
      }
    }
    assertThat(strongestDropped).isGreaterThan(Long.MIN_VALUE);
    assertThat(weakestKept).isGreaterThanOrEqualTo(strongestDropped);
    // the posterior it came from is untouched
    assertThat(post.gates[1]).doesNotContain(Pruner.DROPPED);
  }

  @Test
  void aTargetOfEveryWeightDropsNoNode() {
    Posterior post = random(7, true);
    long total = Pruner.totalWeights(post);
    assertThat(Pruner.concentrated(post, total)).isSameAs(post);
  }

  @Test
  void theUploadsMagnitudeOrderIsGatheredTheSameWay() {
    // a posterior without gates whose inclusion order is a magnitude (positive values)
    Posterior post = random(11, false);
    for (float[] v : post.v) {
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.abs(v[i]);
      }
    }
    long total = Pruner.totalWeights(post);
    long k = Math.round(total * 0.1);
    PruningResult gathered = prune(Pruner.concentrated(post, k), k);
    PruningResult plain = prune(post, k);
    assertThat(gathered.keptWeights()).isBetween(k, k + WIDTHS[1]);
    assertThat(Arrays.stream(gathered.keptNodes().get(0)).count())
        .isLessThan(plain.keptNodes().get(0).length);
  }

  @Test
  void theGatheredNetworkCostsFewerMultiplyAddsAsDeployed() {
    Posterior post = random(13, true);
    long total = Pruner.totalWeights(post);
    long k = Math.round(total * 0.15);
    PruningResult plain = prune(post, k);
    PruningResult gathered = prune(Pruner.concentrated(post, k), k);
    long expected = 0;
    for (DenseLayer d : gathered.network().layers()) {
      expected += (long) d.inputs() * d.outputs();
    }
    assertThat(PathSearch.denseCost(gathered)).isEqualTo(expected);
    assertThat(PathSearch.denseCost(gathered)).isLessThan(PathSearch.denseCost(plain));
  }
}
