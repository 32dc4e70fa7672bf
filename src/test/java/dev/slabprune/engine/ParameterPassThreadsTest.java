package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParameterPassThreadsTest {

  private static final Examples TRAIN = TestNetworks.blobs(400, 200, 3, 1);
  // 200-80-10-3: 16,080 + 810 + 33 parameters, six chunks of the parameter pass
  private static final DenseNetwork START =
      Initialisation.kaimingUniform(
          new int[] {200, 80, 10, 3}, Activation.RELU, OutputKind.LOGITS, 5);

  private static Posterior train(int threads) {
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder()
            .epochs(3)
            .batchSize(64)
            .learningRate(5e-2)
            .seed(17)
            .stopUndecided(0)
            .threads(threads)
            .build();
    VariationalTrainer trainer = new VariationalTrainer(START, TRAIN, null, config);
    return trainer.train(() -> false);
  }

  @Test
  void oneThreadAndSeveralGiveBitIdenticalPosteriors() {
    Posterior one = train(1);
    Posterior two = train(2);
    Posterior three = train(3);
    for (int l = 0; l < 3; l++) {
      assertThat(two.mu[l]).as("mu of layer %d", l).isEqualTo(one.mu[l]);
      assertThat(two.rho[l]).as("rho of layer %d", l).isEqualTo(one.rho[l]);
      assertThat(two.v[l]).as("vartheta of layer %d", l).isEqualTo(one.v[l]);
      assertThat(three.mu[l]).isEqualTo(one.mu[l]);
      assertThat(three.v[l]).isEqualTo(one.v[l]);
    }
    // and training moved the parameters away from the start
    float[] weights = START.layers().get(0).weights();
    assertThat(java.util.Arrays.copyOf(one.mu[0], weights.length)).isNotEqualTo(weights);
  }

  @Test
  void theThreadCountIsASettingFrom1To256() {
    assertThat(CompressionConfig.defaults().threads()).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> CompressionConfig.builder().threads(0).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("threads");
  }
}
