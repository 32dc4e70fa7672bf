package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlabLayerPassTest {

  /** A layer whose size is not a multiple of the vector width, with both softplus regimes. */
  private static SlabLayer layer(long seed) {
    SlabLayer s = new SlabLayer(37, 113); // 4,294 parameters: two chunks, the second short
    Random r = new Random(seed);
    for (int i = 0; i < s.size; i++) {
      s.mu[i] = (float) r.nextGaussian();
      s.rho[i] = (float) (i % 3 == 0 ? -1 + 0.5 * r.nextGaussian() : -6 + r.nextGaussian());
      s.v[i] = (float) (4 * r.nextGaussian());
    }
    return s;
  }

  private static SlabLayer.Step step(double tau) {
    SlabLayer.Step s = new SlabLayer.Step();
    s.tau = tau;
    s.sigma0 = 1;
    s.logSigma0 = 0;
    s.invVar0 = 1;
    s.logitLambda = Math.log(1e-4) - Math.log1p(-1e-4);
    s.klScale = 1.0 / 5000;
    s.learningRate = 1e-2;
    s.inclusionLearningRate = 1e-2;
    return s;
  }

  /** Draws, then three steps of Adam and the next draw with made-up NLL gradients. */
  private static SlabLayer run(boolean vector, double tau) {
    boolean before = SlabLayer.vector;
    SlabLayer.vector = vector;
    try {
      SlabLayer s = layer(3);
      SlabLayer.Step step = step(tau);
      s.sample(step, NoiseBlocks.key(8, 0, 0));
      Random r = new Random(4);
      for (int t = 1; t <= 3; t++) {
        for (int i = 0; i < s.size; i++) {
          s.grad[i] = (float) (0.1 * r.nextGaussian());
        }
        step.t = t;
        s.update(step, true, NoiseBlocks.key(8, t, 0), null);
      }
      return s;
    } finally {
      SlabLayer.vector = before;
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.7})
  void theVectorPassAndTheScalarPassGiveTheSameBits(double tau) {
    SlabLayer a = run(true, tau);
    SlabLayer b = run(false, tau);
    assertThat(a.mu).isEqualTo(b.mu);
    assertThat(a.rho).isEqualTo(b.rho);
    assertThat(a.v).isEqualTo(b.v);
    assertThat(a.theta).isEqualTo(b.theta);
    for (int f = 0; f < SlabLayer.WORK; f++) {
      assertThat(a.field(f)).as("work field %d", f).isEqualTo(b.field(f));
    }
    // and the pass did something: some gates are closed, every value is finite
    long closed = 0;
    for (int i = 0; i < a.size; i++) {
      closed += a.field(SlabLayer.GATE, i) == 0 ? 1 : 0;
      assertThat(a.mu[i]).isFinite();
      assertThat(a.field(SlabLayer.KL_V, i)).isFinite();
    }
    assertThat(closed).isPositive();
  }
}
