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
    assertThat(c.resolvedFineTuneLearningRate()).isEqualTo(c.learningRate());
    // it follows learningRate, whatever that is set to
    assertThat(c.toBuilder().learningRate(4e-3).build().resolvedFineTuneLearningRate())
        .isEqualTo(4e-3);
  }

  @Test
  void aRateSetByTheUserIsUsedWhateverTheSharedOne() {
    CompressionConfig c =
        CompressionConfig.defaults().toBuilder().fineTuneLearningRate(2e-3).build();
    assertThat(c.resolvedFineTuneLearningRate()).isEqualTo(2e-3);
    assertThat(c.toBuilder().learningRate(5e-2).build().resolvedFineTuneLearningRate())
        .isEqualTo(2e-3);
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
    long weights = 6 * 16 + 16 * 8 + 8 * 3;
    // this small network on 300 rows: the floor of steps sets the length, not the 3 epochs
    assertThat(Compression.fineTuneEpochs(config(3), TRAIN.rows(), weights)).isGreaterThan(3);
    stepsAtItsOwnRateNotTheVariationalOne(config(3), weights);
  }

  @Test
  void fineTuningStepsAtTheSharedRateAlsoWhereItsEpochsSetTheLength() {
    // as pruned from a network of a million weights, whose floor is 500 steps (167 epochs here)
    long weights = 1_000_000;
    assertThat(Compression.fineTuneEpochs(config(200), TRAIN.rows(), weights)).isEqualTo(200);
    stepsAtItsOwnRateNotTheVariationalOne(config(200), weights);
  }

  /** Fine-tuning at 2e-2 set as its own rate, the variational phase at 1e-3. */
  private static CompressionConfig config(int fineTuneEpochs) {
    return CompressionConfig.defaults().toBuilder()
        .learningRate(1e-3)
        .fineTuneLearningRate(2e-2)
        .fineTuneEpochs(fineTuneEpochs)
        .build();
  }

  private static void stepsAtItsOwnRateNotTheVariationalOne(CompressionConfig own, long weights) {
    DenseNetwork net = pruned();
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
