package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GradientTest {

  private static final int[] WIDTHS = {4, 5, 3, 3};
  private static final Activation[] ACTS = {
    Activation.TANH, Activation.SIGMOID, Activation.IDENTITY
  };
  private static final int ROWS = 6;
  private static final double LAMBDA = 1e-3;
  private static final double SIGMA0 = 1.0;

  /** Parameters, noise and a batch of a small network, with mixed gates and slab widths. */
  private static final class Setup {
    final double[][] mu = new double[3][];
    final double[][] rho = new double[3][];
    final double[][] v = new double[3][];
    final double[][] u = new double[3][];
    final double[][] eps = new double[3][];
    final double[] x = new double[ROWS * WIDTHS[0]];
    final int[] labels = new int[ROWS];

    Setup(long seed) {
      Random r = new Random(seed);
      for (int l = 0; l < 3; l++) {
        int size = WIDTHS[l] * WIDTHS[l + 1] + WIDTHS[l + 1];
        mu[l] = new double[size];
        rho[l] = new double[size];
        v[l] = new double[size];
        u[l] = new double[size];
        eps[l] = new double[size];
        for (int i = 0; i < size; i++) {
          mu[l][i] = r.nextGaussian();
          // both sides of the series/log switch in softplus at rho = log(0.01)
          rho[l][i] = i % 2 == 0 ? -1 + 0.5 * r.nextGaussian() : -6 + r.nextGaussian();
          v[l][i] = 3 * r.nextGaussian();
          u[l][i] = 0.02 + 0.96 * r.nextDouble();
          eps[l][i] = r.nextGaussian();
        }
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextGaussian();
      }
      for (int i = 0; i < ROWS; i++) {
        labels[i] = r.nextInt(WIDTHS[3]);
      }
    }
  }

  private static ReferenceStep reference(double tau) {
    return new ReferenceStep(WIDTHS, ACTS, true, tau, SIGMA0, LAMBDA, ROWS, 1.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.7})
  void analyticGradientsMatchCentralFiniteDifferencesInDoublePrecision(double tau) {
    Setup s = new Setup(7);
    ReferenceStep ref = reference(tau);
    ReferenceStep.Result base =
        ref.evaluate(s.mu, s.rho, s.v, s.u, s.eps, null, s.x, ROWS, s.labels, null);
    double h = 1e-6;
    int checked = 0;
    for (int l = 0; l < 3; l++) {
      for (int i = 0; i < s.mu[l].length; i++) {
        double fdMu = centralDifference(s.mu, l, i, h, () -> loss(ref, s, null));
        double fdRho = centralDifference(s.rho, l, i, h, () -> loss(ref, s, null));
        final int layer = l;
        final int index = i;
        double v0 = s.v[l][i];
        double fdV =
            centralDifference(
                s.v, l, i, h, () -> loss(ref, s, surrogateGates(s, tau, layer, index, v0)));
        assertClose(base.dMu()[l][i], fdMu, "mu", l, i);
        assertClose(base.dRho()[l][i], fdRho, "rho", l, i);
        assertClose(base.dV()[l][i], fdV, "vartheta", l, i);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(4 * 5 + 5 + 5 * 3 + 3 + 3 * 3 + 3);
    // the network must actually matter: some NLL gradient through a gate and a slab is non-zero
    assertThat(base.nll()).isPositive();
  }

  /**
   * Gates of the surrogate {@code (g0 + s(v) - s(v0))}: equal to the hard gate at v0, with the
   * relaxed gate's derivative, which is what the straight-through estimator differentiates.
   */
  private static double[][] surrogateGates(Setup s, double tau, int layer, int index, double v0) {
    double[][] gates = new double[3][];
    for (int l = 0; l < 3; l++) {
      gates[l] = new double[s.v[l].length];
      for (int i = 0; i < gates[l].length; i++) {
        double hard = SlabMath.relaxedOdds(s.v[l][i], s.u[l][i], tau) < 1 ? 1 : 0;
        gates[l][i] = hard;
      }
    }
    double hard0 = SlabMath.relaxedOdds(v0, s.u[layer][index], tau) < 1 ? 1 : 0;
    double sNow =
        SlabMath.relaxedGate(SlabMath.relaxedOdds(s.v[layer][index], s.u[layer][index], tau));
    double s0 = SlabMath.relaxedGate(SlabMath.relaxedOdds(v0, s.u[layer][index], tau));
    gates[layer][index] = hard0 + sNow - s0;
    return gates;
  }

  private static double loss(ReferenceStep ref, Setup s, double[][] gates) {
    return ref.evaluate(s.mu, s.rho, s.v, s.u, s.eps, gates, s.x, ROWS, s.labels, null).loss();
  }

  private static double centralDifference(
      double[][] p, int l, int i, double h, java.util.function.DoubleSupplier f) {
    double old = p[l][i];
    p[l][i] = old + h;
    double up = f.getAsDouble();
    p[l][i] = old - h;
    double down = f.getAsDouble();
    p[l][i] = old;
    return (up - down) / (2 * h);
  }

  private static void assertClose(double analytic, double fd, String what, int l, int i) {
    double scale = Math.max(Math.abs(analytic), Math.abs(fd));
    assertThat(Math.abs(analytic - fd))
        .as(
            "d/d%s of layer %d parameter %d: analytic %s, finite difference %s",
            what, l, i, analytic, fd)
        .isLessThanOrEqualTo(1e-3 * scale + 1e-8);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.7})
  void theFloatTrainingStepComputesTheReferenceGradients(double tau) {
    Setup s = new Setup(11);
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      int w = WIDTHS[l] * WIDTHS[l + 1];
      float[] weights = new float[w];
      float[] bias = new float[WIDTHS[l + 1]];
      layers.add(new DenseLayer(WIDTHS[l], WIDTHS[l + 1], weights, bias, ACTS[l]));
    }
    float[] xf = new float[s.x.length];
    for (int i = 0; i < xf.length; i++) {
      xf[i] = (float) s.x[i];
    }
    VariationalTrainer trainer =
        new VariationalTrainer(
            new DenseNetwork(layers, OutputKind.LOGITS),
            Examples.classification(xf, ROWS, WIDTHS[0], s.labels, WIDTHS[3]),
            null,
            CompressionConfig.defaults().toBuilder()
                .temperature(tau)
                .priorInclusion(PriorInclusion.of(LAMBDA))
                .slabSd(SIGMA0)
                .batchSize(ROWS)
                // the weights' gradients; the node gates' own are checked in NodeGateTest
                .nodeGates(false)
                .build());
    double[][] mu = new double[3][];
    double[][] rho = new double[3][];
    double[][] v = new double[3][];
    SlabLayer.Step step = trainer.stepConstants();
    for (int l = 0; l < 3; l++) {
      SlabLayer layer = trainer.layer(l);
      mu[l] = new double[layer.size];
      rho[l] = new double[layer.size];
      v[l] = new double[layer.size];
      for (int i = 0; i < layer.size; i++) {
        layer.mu[i] = (float) s.mu[l][i];
        layer.rho[i] = (float) s.rho[l][i];
        layer.v[i] = (float) s.v[l][i];
        mu[l][i] = layer.mu[i];
        rho[l][i] = layer.rho[i];
        v[l][i] = layer.v[i];
      }
      layer.sampleWith(step, s.u[l], s.eps[l]);
    }
    for (int i = 0; i < ROWS; i++) {
      trainer.order()[i] = i;
    }
    double[] xd = new double[xf.length];
    for (int i = 0; i < xf.length; i++) {
      xd[i] = xf[i];
    }
    // the trainer's first step: the KL weight of an annealing schedule's start when one is on
    double klWeight = trainer.config().klWeight(0);
    ReferenceStep.Result ref =
        new ReferenceStep(WIDTHS, ACTS, true, tau, SIGMA0, LAMBDA, ROWS, 1.0, klWeight)
            .evaluate(mu, rho, v, s.u, s.eps, null, xd, ROWS, s.labels, null);
    double nll = trainer.forwardBackward(0, ROWS);
    assertThat(nll).isCloseTo(ref.nll(), org.assertj.core.data.Offset.offset(1e-5));
    for (int l = 0; l < 3; l++) {
      SlabLayer layer = trainer.layer(l);
      float[] out = new float[3 * layer.size];
      layer.update(step, false, 0, out);
      for (int i = 0; i < layer.size; i++) {
        assertFloatClose(out[i], ref.dMu()[l][i], "mu", l, i);
        assertFloatClose(out[layer.size + i], ref.dRho()[l][i], "rho", l, i);
        assertFloatClose(out[2 * layer.size + i], ref.dV()[l][i], "vartheta", l, i);
      }
    }
  }

  private static void assertFloatClose(float actual, double expected, String what, int l, int i) {
    assertThat((double) actual)
        .as("float d/d%s of layer %d parameter %d", what, l, i)
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4 * Math.abs(expected) + 1e-6));
  }
}
