package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Fine-tuning's own step size (ours, docs/method.md): the setting, its default and its use. */
class FineTuneLearningRateTest {

  private static final Examples TRAIN = TestNetworks.blobs(300, 6, 3, 21);

  /** Half the weights of a small trained network zeroed: a pruned network to fine-tune. */
  private static DenseNetwork pruned() {
    DenseNetwork init =
        Initialisation.kaimingUniform(
            new int[] {6, 16, 8, 3}, Activation.RELU, OutputKind.LOGITS, 5);
    DenseTrainer t = new DenseTrainer(init, TRAIN, 1e-2, false, 1.0, 5);
    t.epochs(5, 32);
    DenseNetwork net = t.network();
    java.util.List<DenseLayer> layers = new java.util.ArrayList<>();
    for (DenseLayer d : net.layers()) {
      float[] w = d.weights().clone();
      for (int i = 0; i < w.length; i += 2) {
        w[i] = 0;
      }
      layers.add(new DenseLayer(d.inputs(), d.outputs(), w, d.bias(), d.activation()));
    }
    return new DenseNetwork(layers, net.output());
  }

  @Test
  void byDefaultFineTuningStepsAtTheSharedStepSize() {
    CompressionConfig c = CompressionConfig.defaults();
    assertThat(c.fineTuneLearningRate()).isEqualTo(CompressionConfig.FINE_TUNE_LEARNING_RATE_AUTO);
    // MNIST's LeNet-300-100 on a job's 42,000 training rows: 3 epochs (987 steps) beat the floor;
    // ten times the step there cost the full Fashion-MNIST its budget (AUTO_FINE_TUNE_RATE)
    assertThat(Compression.fineTuneLearningRate(c, 42_000, 266_200)).isEqualTo(1e-3);
    // a table network on 300 rows: the floor's 5,000 steps set the length
    assertThat(Compression.fineTuneLearningRate(c, 300, 4_032)).isEqualTo(1e-3);
    // LeNet-300-100 on 3,500 rows: 84 steps in 3 epochs, the floor's 500 set it
    assertThat(Compression.fineTuneLearningRate(c, 3_500, 266_200)).isEqualTo(1e-3);
  }

  @Test
  void aRateSetByTheUserIsUsedWhateverTheLength() {
    CompressionConfig c =
        CompressionConfig.defaults().toBuilder().fineTuneLearningRate(2e-3).build();
    assertThat(Compression.fineTuneLearningRate(c, 42_000, 266_200)).isEqualTo(2e-3);
    assertThat(Compression.fineTuneLearningRate(c, 300, 4_032)).isEqualTo(2e-3);
  }

  @Test
  void outOfRangeIsRejected() {
    assertThatThrownBy(
            () -> CompressionConfig.defaults().toBuilder().fineTuneLearningRate(-1e-3).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("fineTuneLearningRate");
  }

  @Test
  void fineTuningStepsAtItsOwnRateNotTheVariationalOne() {
    DenseNetwork net = pruned();
    long weights = 6 * 16 + 16 * 8 + 8 * 3;
    CompressionConfig own =
        CompressionConfig.defaults().toBuilder()
            .learningRate(1e-3)
            .fineTuneLearningRate(2e-2)
            .fineTuneEpochs(3)
            .build();
    CompressionConfig shared = own.toBuilder().learningRate(2e-2).fineTuneLearningRate(0).build();
    CompressionConfig variational =
        own.toBuilder().learningRate(1e-3).fineTuneLearningRate(0).build();
    DenseNetwork a = Compression.fineTune(net, TRAIN, null, own, weights);
    DenseNetwork b = Compression.fineTune(net, TRAIN, null, shared, weights);
    DenseNetwork c = Compression.fineTune(net, TRAIN, null, variational, weights);
    assertThat(Compression.sameNetwork(a, b)).isTrue();
    assertThat(Compression.sameNetwork(a, c)).isFalse();
    // the pruned weights stay pruned
    for (int l = 0; l < net.layers().size(); l++) {
      float[] before = net.layers().get(l).weights();
      float[] after = a.layers().get(l).weights();
      for (int i = 0; i < before.length; i++) {
        if (before[i] == 0) {
          assertThat(after[i]).isZero();
        }
      }
    }
  }
}
