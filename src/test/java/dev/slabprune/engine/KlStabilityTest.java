package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KlStabilityTest {

  @Test
  void klAndItsGradientsStayFiniteForVarthetaFromMinus50To50InFloat32() {
    int size = 1001;
    SlabLayer layer = new SlabLayer(size, 1);
    SlabLayer.Step step = new SlabLayer.Step();
    step.tau = 0.5;
    step.sigma0 = 1;
    step.logSigma0 = 0;
    step.invVar0 = 1;
    step.logitLambda = Math.log(6e-8) - Math.log1p(-6e-8);
    step.klScale = 1.0 / 60000;
    step.learningRate = 1e-3;
    step.t = 1;
    double[] u = new double[layer.size];
    double[] eps = new double[layer.size];
    for (int i = 0; i < layer.size; i++) {
      layer.v[i] = (float) (-50 + 100.0 * Math.min(i, size - 1) / (size - 1));
      layer.mu[i] = 0.3f;
      layer.rho[i] = i % 3 == 0 ? -12f : -6f;
      layer.grad[i] = 0.01f;
      u[i] = 0.5;
      eps[i] = 1;
    }
    layer.sampleWith(step, u, eps);
    double kl = layer.kl(Math.log(6e-8), Math.log1p(-6e-8), 1);
    float[] grads = new float[3 * layer.size];
    layer.update(step, false, 0, grads);

    assertThat(kl).isFinite().isPositive();
    for (float g : grads) {
      assertThat(g).isFinite();
    }
    for (int i = 0; i < layer.size; i++) {
      assertThat(layer.field(SlabLayer.KL_V, i)).isFinite();
      double one =
          SlabMath.kl(layer.mu[i], layer.rho[i], layer.v[i], Math.log(6e-8), Math.log1p(-6e-8), 1);
      assertThat(one).as("KL at vartheta %s", layer.v[i]).isFinite().isGreaterThanOrEqualTo(0);
      assertThat((float) one).isFinite();
    }
    // at vartheta = -50 the parameter is off: its KL is about -log(1 - lambda), tiny but finite
    assertThat(SlabMath.kl(0.3, -6, -50, Math.log(6e-8), Math.log1p(-6e-8), 1)).isLessThan(1e-6);
  }
}
