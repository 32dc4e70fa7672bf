package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeGateTest {

  private static final int[] WIDTHS = {4, 5, 3};
  private static final int ROWS = 6;

  private static VariationalTrainer trainer(long seed) {
    Random r = new Random(seed);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < 2; l++) {
      float[] w = new float[WIDTHS[l] * WIDTHS[l + 1]];
      float[] b = new float[WIDTHS[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextGaussian();
      }
      layers.add(
          new DenseLayer(
              WIDTHS[l], WIDTHS[l + 1], w, b, l == 0 ? Activation.TANH : Activation.IDENTITY));
    }
    float[] x = new float[ROWS * WIDTHS[0]];
    int[] y = new int[ROWS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < ROWS; i++) {
      y[i] = r.nextInt(WIDTHS[2]);
    }
    return new VariationalTrainer(
        new DenseNetwork(layers, OutputKind.LOGITS),
        Examples.classification(x, ROWS, WIDTHS[0], y, WIDTHS[2]),
        null,
        CompressionConfig.builder()
            .batchSize(ROWS)
            .nodeGates(true)
            .priorInclusion(PriorInclusion.of(1e-3))
            .build());
  }

  /** Every weight and gate open, slab noise zero: theta~ = mu. */
  private static void openAll(VariationalTrainer t) {
    SlabLayer.Step step = t.stepConstants();
    for (int l = 0; l < 2; l++) {
      SlabLayer s = t.layer(l);
      double[] u = new double[s.size];
      Arrays.fill(u, 0.5);
      Arrays.fill(s.v, 20f);
      s.sampleWith(step, u, new double[s.size]);
      NodeGates g = t.gates(l);
      Arrays.fill(g.v, 20f);
      double[] gu = new double[g.count];
      Arrays.fill(gu, 0.5);
      g.sampleWith(step, t.gateLogitPrior(l), gu);
    }
    for (int i = 0; i < ROWS; i++) {
      t.order()[i] = i;
    }
  }

  @Test
  void theGateGradientIsTheDerivativeOfTheLossInTheScaleOfTheNodesOutgoingWeights() {
    VariationalTrainer t = trainer(3);
    openAll(t);
    t.forwardBackward(0, ROWS);
    double[][] gradients = {t.gates(0).gradZ.clone(), t.gates(1).gradZ.clone()};
    int checked = 0;
    for (int l = 0; l < 2; l++) {
      SlabLayer s = t.layer(l);
      double[] analytic = gradients[l];
      for (int j = 0; j < s.inputs; j++) {
        float[] row = Arrays.copyOfRange(s.theta, j * s.outputs, (j + 1) * s.outputs);
        double h = 1e-2;
        double up = scaledLoss(t, s, j, row, 1 + h);
        double down = scaledLoss(t, s, j, row, 1 - h);
        System.arraycopy(row, 0, s.theta, j * s.outputs, s.outputs);
        double fd = (up - down) / (2 * h);
        assertThat(analytic[j])
            .as("dNLL/dz of row %d of layer %d", j, l)
            .isCloseTo(fd, within(2e-3 * Math.max(1, Math.abs(fd))));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(4 + 5);
  }

  private static double scaledLoss(
      VariationalTrainer t, SlabLayer s, int j, float[] row, double scale) {
    for (int k = 0; k < row.length; k++) {
      s.theta[j * s.outputs + k] = (float) (row[k] * scale);
    }
    return t.forwardBackward(0, ROWS);
  }

  @Test
  void aClosedGateSilencesItsNodeAndStopsTheGradientOfItsWeights() {
    VariationalTrainer t = trainer(4);
    openAll(t);
    NodeGates g = t.gates(0);
    double[] u = new double[g.count];
    Arrays.fill(u, 0.5);
    g.v[2] = -20f;
    g.sampleWith(t.stepConstants(), t.gateLogitPrior(0), u);
    assertThat(g.gate(2)).isZero();
    t.forwardBackward(0, ROWS);
    SlabLayer s = t.layer(0);
    for (int k = 0; k < s.outputs; k++) {
      assertThat(s.grad[2 * s.outputs + k]).isZero();
    }
    // the closed gate still learns whether reopening would help
    assertThat(g.gradZ[2]).isNotZero();
  }

  @Test
  void theGateKlGradientIsTheDerivativeOfTheBernoulliKl() {
    double logPrior = Math.log(1e-3);
    double log1m = Math.log1p(-1e-3);
    for (double v : new double[] {-6, -1, 0, 0.5, 3, 9}) {
      double h = 1e-5;
      double fd =
          (NodeGates.bernoulliKl(v + h, logPrior, log1m)
                  - NodeGates.bernoulliKl(v - h, logPrior, log1m))
              / (2 * h);
      double phi = SlabMath.sigmoid(v);
      double analytic = phi * (1 - phi) * (v - (logPrior - log1m));
      assertThat(analytic).as("at vartheta %s", v).isCloseTo(fd, within(1e-6));
    }
  }

  /** Every weight in with PIP near 1; the gates of input 1 and of hidden node 2 closed. */
  @Test
  void thePathsSnapshotsKeepTheGatesSoTheirCandidatesDropTheNodesWhoseGateFails() {
    Posterior post = gatedPosterior();
    PosteriorPath path = PosteriorPath.fromBytes(PosteriorPath.of(post).toBytes());
    Posterior atSnapshot = path.at(path.snapshots().get(0));

    assertThat(atSnapshot.hasNodeGates()).isTrue();
    for (int l = 0; l < post.layers(); l++) {
      assertThat(atSnapshot.gatePips(l)).isEqualTo(post.gatePips(l));
    }
    PruningResult fromSnapshot = Pruner.prune(atSnapshot, PruningRule.median(), true, true, 1);
    PruningResult fromPosterior = Pruner.prune(post, PruningRule.median(), true, true, 1);
    assertThat(fromSnapshot.keptInputs()).isEqualTo(fromPosterior.keptInputs());
    assertThat(fromSnapshot.network().architecture())
        .isEqualTo(fromPosterior.network().architecture());
    assertThat(fromSnapshot.keptWeights()).isEqualTo(fromPosterior.keptWeights());
  }

  private static Posterior gatedPosterior() {
    int[] widths = {3, 4, 2};
    float[][] mu = new float[2][];
    float[][] rho = new float[2][];
    float[][] v = new float[2][];
    float[][] gates = new float[2][];
    for (int l = 0; l < 2; l++) {
      int size = widths[l] * widths[l + 1] + widths[l + 1];
      mu[l] = new float[size];
      rho[l] = new float[size];
      v[l] = new float[size];
      Arrays.fill(mu[l], 0.5f);
      Arrays.fill(rho[l], -6f);
      Arrays.fill(v[l], 8f);
      gates[l] = new float[widths[l]];
      Arrays.fill(gates[l], 8f);
    }
    gates[0][1] = -8f;
    gates[1][2] = -8f;
    return TestNetworks.classifier(
        widths, new Activation[] {Activation.RELU, Activation.IDENTITY}, mu, rho, v, gates);
  }

  @Test
  void thePrunedNetworkDropsTheInputsAndNodesWhoseGateFails() {
    PruningResult median = Pruner.prune(gatedPosterior(), PruningRule.median(), true, true, 1);
    assertThat(median.keptInputs()).containsExactly(0, 2);
    assertThat(median.keptNodes().get(0)).containsExactly(0, 1, 3);
    assertThat(median.network().layers().get(0).inputs()).isEqualTo(2);
    assertThat(median.network().layers().get(0).outputs()).isEqualTo(3);
    assertThat(median.keptWeights()).isEqualTo(2 * 3 + 3 * 2);
    assertThat(median.inputPips()[1]).isLessThan(0.01);
    assertThat(median.nodePips().get(0)[2]).isLessThan(0.01);
    assertThat(median.nodePipsMonteCarlo().get(0)[2]).isLessThan(0.05);

    // a target size ranks weights by phi times their node's gate: the closed rows come last
    PruningResult top =
        Pruner.prune(gatedPosterior(), new PruningRule.TargetWeights(14), true, true, 1);
    assertThat(top.keptInputs()).containsExactly(0, 2);
    assertThat(top.keptNodes().get(0)).containsExactly(0, 1, 3);
    // the 14 weights of open rows, less the two into the closed node 2, which lead nowhere
    assertThat(top.keptWeights()).isEqualTo(12);
  }

  @Test
  void theModelAverageSamplesTheGates() {
    Posterior p = gatedPosterior();
    Examples x = Examples.classification(new float[] {1, 0, 1, 0, 5, 0}, 2, 3, new int[] {0, 1}, 2);
    Scores withGates = Evaluator.modelAverage(p, x, 5, 1, 1.0);
    Posterior open =
        new Posterior(
            p.widths,
            p.activations,
            p.output,
            p.lambda,
            p.slabSd,
            p.noiseSd,
            p.mu,
            p.rho,
            p.v,
            p.targetMean,
            p.targetSd,
            List.of(),
            null);
    Scores without = Evaluator.modelAverage(open, x, 5, 1, 1.0);
    // input 1 (value 5 in the second row) only matters when its gate is sampled open
    assertThat(withGates.nll()).isNotEqualTo(without.nll());
  }
}
