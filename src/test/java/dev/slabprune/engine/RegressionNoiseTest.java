package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The noise sd of a regression's likelihood estimated from the upload (ours, {@code noiseSd} 0 =
 * auto), and the fine-tuning floor that grows on small networks.
 */
class RegressionNoiseTest {

  /** y = 3 x + e, e ~ N(0, noise^2), x ~ N(0, 1): the upload y = 3 x leaves residuals e. */
  private static Examples line(int rows, double noise, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      x[i] = (float) r.nextGaussian();
      y[i] = (float) (3 * x[i] + noise * r.nextGaussian());
    }
    return Examples.regression(x, rows, 1, y);
  }

  /** One linear layer: y = slope x. */
  private static DenseNetwork linear(float slope) {
    return new DenseNetwork(
        List.of(new DenseLayer(1, 1, new float[] {slope}, new float[] {0}, Activation.IDENTITY)),
        OutputKind.REGRESSION);
  }

  private static double sd(float[] v) {
    double m = 0;
    for (float f : v) {
      m += f;
    }
    m /= v.length;
    double s = 0;
    for (float f : v) {
      s += (f - m) * (f - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  @Test
  void autoTakesTheUploadsResidualInUnitsOfTheTargetsSd() {
    Examples train = line(4000, 0.6, 1);
    CompressionConfig config = CompressionConfig.defaults().toBuilder().epochs(1).build();
    assertThat(config.noiseSd()).isEqualTo(CompressionConfig.NOISE_SD_FROM_UPLOAD);

    VariationalTrainer trainer = new VariationalTrainer(linear(3), train, null, config);

    // residual sd 0.6 against a target sd of sqrt(9 + 0.36)
    double expected = 0.6 / sd(train.targets());
    assertThat(trainer.config().noiseSd()).isCloseTo(expected, within(0.02));
    assertThat(trainer.posterior().noiseSd).isEqualTo(trainer.config().noiseSd());
  }

  @Test
  void validationRowsTheUploadDidNotFitRaiseTheEstimate() {
    // the upload fits the training rows closely (noise 0.2) but the validation rows are noisier
    Examples train = line(2000, 0.2, 7);
    Examples validation = line(500, 0.9, 8);
    CompressionConfig config = CompressionConfig.defaults().toBuilder().epochs(1).build();

    VariationalTrainer trainer = new VariationalTrainer(linear(3), train, validation, config);

    assertThat(trainer.config().noiseSd()).isCloseTo(0.9 / sd(train.targets()), within(0.03));
  }

  @Test
  void aGivenNoiseSdIsKept() {
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder().epochs(1).noiseSd(0.7).build();
    VariationalTrainer trainer = new VariationalTrainer(linear(3), line(500, 0.6, 2), null, config);
    assertThat(trainer.config().noiseSd()).isEqualTo(0.7);
  }

  @Test
  void theEstimateIsBoundedBelowForAnInterpolatingUploadAndAboveForAnUntrainedOne() {
    CompressionConfig config = CompressionConfig.defaults().toBuilder().epochs(1).build();
    VariationalTrainer exact = new VariationalTrainer(linear(3), line(500, 0, 3), null, config);
    assertThat(exact.config().noiseSd()).isEqualTo(CompressionConfig.MIN_UPLOAD_NOISE_SD);

    VariationalTrainer untrained =
        new VariationalTrainer(linear(-3), line(500, 0.6, 4), null, config);
    assertThat(untrained.config().noiseSd()).isEqualTo(1.0);

    assertThatThrownBy(() -> CompressionConfig.uploadNoiseSd(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.toBuilder().noiseSd(-1).build())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aClassificationNeedsNoEstimate() {
    CompressionConfig config = CompressionConfig.defaults().toBuilder().epochs(1).build();
    Examples blobs = TestNetworks.blobs(200, 4, 3, 5);
    DenseNetwork net =
        Initialisation.kaimingUniform(new int[] {4, 8, 3}, Activation.RELU, OutputKind.LOGITS, 6);
    assertThat(new VariationalTrainer(net, blobs, null, config).config().noiseSd()).isEqualTo(1.0);
  }

  @Test
  void theFineTuningFloorGrowsOnSmallNetworks() {
    CompressionConfig config = CompressionConfig.defaults();
    // LeNet-300-100 (266,200 weights): 3 epochs on 54,000 rows (422 steps each), 500 steps on 4,000
    assertThat(Compression.fineTuneEpochs(config, 54_000, 266_200)).isEqualTo(3);
    assertThat(Compression.fineTuneEpochs(config, 4_000, 266_200)).isEqualTo(16);
    // a 10-32-16-1 network (848 weights) on 1,600 rows (13 steps an epoch): 5,000 steps
    assertThat(Compression.fineTuneEpochs(config, 1_600, 848)).isEqualTo(385);
    // in between: 120e6 / 40,000 = 3,000 steps
    assertThat(Compression.fineTuneEpochs(config, 1_280, 40_000)).isEqualTo(300);
    assertThat(Compression.fineTuneEpochs(config.toBuilder().fineTuneEpochs(0).build(), 1_600, 848))
        .isZero();
  }
}
