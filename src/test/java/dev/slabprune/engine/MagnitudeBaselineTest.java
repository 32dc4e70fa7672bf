package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MagnitudeBaselineTest {

  private static final int[] WIDTHS = {6, 7, 5, 3};

  @Test
  void networksAreTheSameOnlyWhenEveryShapeActivationAndValueIsBitForBitEqual() {
    DenseNetwork a = start();
    assertThat(Compression.sameNetwork(a, start())).isTrue();
    assertThat(Compression.sameNetwork(a, withFirstWeight(a, 1e-7f))).isFalse();
    assertThat(Compression.sameNetwork(withFirstWeight(a, 0f), withFirstWeight(a, -0f))).isFalse();
    List<DenseLayer> layers = new ArrayList<>(a.layers());
    DenseLayer first = layers.get(0);
    layers.set(
        0,
        new DenseLayer(
            first.inputs(), first.outputs(), first.weights(), first.bias(), Activation.TANH));
    assertThat(Compression.sameNetwork(a, new DenseNetwork(layers, a.output()))).isFalse();
  }

  @Test
  void theMagnitudeBaselineOfAMagnitudePruningThatFoldsNoBiasIsThatPruningsNetwork() {
    DenseNetwork start = start();
    Posterior byMagnitude = byMagnitude(start);
    for (long k : new long[] {60, 25, 10}) {
      PruningResult pruning =
          Pruner.prune(byMagnitude, new PruningRule.TargetWeights(k), false, false, 1, false);
      assertThat(
              Compression.sameNetwork(
                  Compression.magnitudeBaseline(start, pruning), pruning.network()))
          .as("%d weights", k)
          .isTrue();
    }
  }

  @Test
  void aMagnitudePruningThatDropsNodesFoldsTheirBiasesAndIsNotTheBaseline() {
    DenseNetwork start = start();
    PruningResult pruning =
        Pruner.prune(byMagnitude(start), new PruningRule.TargetWeights(40), true, true, 1, false);
    assertThat(
            Compression.sameNetwork(
                Compression.magnitudeBaseline(start, pruning), pruning.network()))
        .isFalse();
  }

  /** The upload as a posterior whose inclusion ranks weights by magnitude, biases always kept. */
  private static Posterior byMagnitude(DenseNetwork start) {
    int layers = start.layers().size();
    float[][] mu = new float[layers][];
    float[][] rho = new float[layers][];
    float[][] v = new float[layers][];
    for (int l = 0; l < layers; l++) {
      DenseLayer d = start.layers().get(l);
      int w = d.weights().length;
      int size = w + d.outputs();
      mu[l] = new float[size];
      rho[l] = new float[size];
      v[l] = new float[size];
      System.arraycopy(d.weights(), 0, mu[l], 0, w);
      System.arraycopy(d.bias(), 0, mu[l], w, d.outputs());
      Arrays.fill(rho[l], -5f);
      for (int i = 0; i < w; i++) {
        v[l][i] = Math.abs(d.weights()[i]);
      }
      Arrays.fill(v[l], w, size, Float.MAX_VALUE);
    }
    return TestNetworks.classifier(
        WIDTHS,
        new Activation[] {Activation.RELU, Activation.RELU, Activation.IDENTITY},
        mu,
        rho,
        v,
        null);
  }

  private static DenseNetwork start() {
    return Initialisation.kaimingUniform(WIDTHS, Activation.RELU, OutputKind.LOGITS, 4);
  }

  private static DenseNetwork withFirstWeight(DenseNetwork net, float value) {
    List<DenseLayer> layers = new ArrayList<>(net.layers());
    DenseLayer first = layers.get(0);
    float[] w = first.weights().clone();
    w[0] = value;
    layers.set(
        0,
        new DenseLayer(
            first.inputs(), first.outputs(), w, first.bias().clone(), first.activation()));
    return new DenseNetwork(layers, net.output());
  }
}
