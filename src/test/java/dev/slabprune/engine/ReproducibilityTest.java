package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReproducibilityTest {

  private static final Examples TRAIN = TestNetworks.blobs(600, 10, 3, 1);
  private static final Examples VALID = TestNetworks.blobs(200, 10, 3, 2);
  private static final Examples TEST = TestNetworks.blobs(300, 10, 3, 3);
  private static final DenseNetwork START =
      Initialisation.kaimingUniform(
          new int[] {10, 16, 8, 3}, Activation.RELU, OutputKind.LOGITS, 5);
  private static final CompressionConfig CONFIG =
      CompressionConfig.defaults().toBuilder()
          .epochs(8)
          .batchSize(64)
          .learningRate(5e-2)
          .fineTuneEpochs(1)
          .evaluationSamples(5)
          .seed(99)
          .build();

  @Test
  void theSameSeedGivesTheSamePosteriorAndReportBitForBit() {
    Compression.Result a =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);
    Compression.Result b =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);

    assertSamePosterior(a.posterior(), b.posterior());
    assertSameReport(a.report(), b.report());
    // and the run did something: some inclusion probabilities moved away from the start
    assertThat(java.util.Arrays.stream(a.posterior().weightPips(0)).min().orElseThrow())
        .isLessThan(0.9);
  }

  @Test
  void aDifferentSeedGivesADifferentPosterior() {
    Compression.Result a =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);
    Compression.Result b =
        Compression.run(
            START,
            TRAIN,
            VALID,
            TEST,
            CONFIG.toBuilder().seed(100).build(),
            List.of(),
            () -> false);
    assertThat(a.posterior().mu[0]).isNotEqualTo(b.posterior().mu[0]);
  }

  @Test
  void resumingFromAMidRunCheckpointEqualsTheUninterruptedRun() {
    Compression.Result full =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);

    AtomicReference<byte[]> saved = new AtomicReference<>();
    TrainingListener saver =
        new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary s, java.util.function.Supplier<byte[]> checkpoint) {
            if (s.epoch() == 3) {
              saved.set(checkpoint.get());
            }
          }
        };
    // cancel in the middle of epoch 5, after the checkpoint of epoch 3 was taken
    int[] steps = {0};
    assertThatThrownBy(
            () ->
                Compression.run(
                    START,
                    TRAIN,
                    VALID,
                    TEST,
                    CONFIG,
                    List.of(saver),
                    () -> ++steps[0] > 4 * 10 + 3))
        .isInstanceOf(TrainingCancelledException.class);
    assertThat(saved.get()).isNotNull();

    Compression.Result resumed =
        Compression.resume(saved.get(), START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);

    assertSamePosterior(resumed.posterior(), full.posterior());
    assertSameReport(resumed.report(), full.report());
  }

  @Test
  void resumingARunWithNodeGatesAnnealingAndTheStoppingRuleEqualsTheUninterruptedRun() {
    CompressionConfig config =
        CONFIG.toBuilder()
            .epochs(12)
            .nodeGates(true)
            .klAnnealSteps(30)
            .inclusionLearningRate(5e-2)
            .inclusionStart(CompressionConfig.InclusionStart.MAGNITUDE)
            .stopUndecided(0.5)
            .settleEpochs(2)
            .build();
    Compression.Result full =
        Compression.run(START, TRAIN, VALID, TEST, config, List.of(), () -> false);
    assertThat(full.posterior().hasNodeGates()).isTrue();

    AtomicReference<byte[]> saved = new AtomicReference<>();
    TrainingListener saver =
        new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary s, java.util.function.Supplier<byte[]> checkpoint) {
            if (s.epoch() == 3) {
              saved.set(checkpoint.get());
            }
          }
        };
    int[] steps = {0};
    assertThatThrownBy(
            () ->
                Compression.run(
                    START,
                    TRAIN,
                    VALID,
                    TEST,
                    config,
                    List.of(saver),
                    () -> ++steps[0] > 4 * 10 + 3))
        .isInstanceOf(TrainingCancelledException.class);
    Compression.Result resumed =
        Compression.resume(saved.get(), START, TRAIN, VALID, TEST, config, List.of(), () -> false);

    assertSamePosterior(resumed.posterior(), full.posterior());
    assertSameReport(resumed.report(), full.report());
    assertThat(resumed.posterior().history()).hasSameSizeAs(full.posterior().history());
    Posterior copy = Posterior.fromBytes(full.posterior().toBytes());
    assertThat(copy.gatePips(0)).isEqualTo(full.posterior().gatePips(0));
  }

  @Test
  void aListenerCanEndTrainingAfterAnEpoch() {
    TrainingListener stopAtTwo =
        new TrainingListener() {
          @Override
          public boolean stopAfterEpoch(EpochSummary summary) {
            return summary.epoch() == 2;
          }
        };
    Compression.Result r =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(stopAtTwo), () -> false);
    assertThat(r.posterior().history()).hasSize(2);
  }

  @Test
  void aPosteriorSurvivesSerialisation() {
    Compression.Result a =
        Compression.run(START, TRAIN, VALID, TEST, CONFIG, List.of(), () -> false);
    Posterior copy = Posterior.fromBytes(a.posterior().toBytes());
    assertThat(copy.toBytes()).isEqualTo(a.posterior().toBytes());
    assertThat(copy.history()).isEqualTo(a.posterior().history());
  }

  /** Parameters bit for bit, the epoch wall times aside. */
  private static void assertSamePosterior(Posterior a, Posterior b) {
    assertThat(a.lambda()).isEqualTo(b.lambda());
    for (int l = 0; l < a.layers(); l++) {
      assertThat(Arrays.equals(a.mu[l], b.mu[l])).as("mu of layer %d", l).isTrue();
      assertThat(Arrays.equals(a.rho[l], b.rho[l])).as("rho of layer %d", l).isTrue();
      assertThat(Arrays.equals(a.v[l], b.v[l])).as("vartheta of layer %d", l).isTrue();
      if (a.gates != null || b.gates != null) {
        assertThat(Arrays.equals(a.gates[l], b.gates[l])).as("node gates of layer %d", l).isTrue();
      }
    }
  }

  /** Everything but the measured latencies and epoch wall times. */
  private static void assertSameReport(CompressionReport a, CompressionReport b) {
    assertThat(a.network()).usingRecursiveComparison().isEqualTo(b.network());
    assertThat(a.pruning().keptInputs()).isEqualTo(b.pruning().keptInputs());
    assertThat(a.pruning().nodePips()).usingRecursiveComparison().isEqualTo(b.pruning().nodePips());
    assertThat(a.pruning().nodePipsMonteCarlo())
        .usingRecursiveComparison()
        .isEqualTo(b.pruning().nodePipsMonteCarlo());
    assertThat(a.pruning().inputPips()).isEqualTo(b.pruning().inputPips());
    assertThat(a.pruned()).isEqualTo(b.pruned());
    assertThat(a.prunedBeforeFineTuning()).isEqualTo(b.prunedBeforeFineTuning());
    assertThat(a.modelAverage()).isEqualTo(b.modelAverage());
    assertThat(a.magnitude()).isEqualTo(b.magnitude());
    assertThat(a.prunedParameters()).isEqualTo(b.prunedParameters());
    assertThat(a.history().size()).isEqualTo(b.history().size());
    for (int i = 0; i < a.history().size(); i++) {
      EpochSummary x = a.history().get(i);
      EpochSummary y = b.history().get(i);
      assertThat(new double[] {x.elbo(), x.kl(), x.nll(), x.density(), x.validationMetric()})
          .isEqualTo(new double[] {y.elbo(), y.kl(), y.nll(), y.density(), y.validationMetric()});
    }
  }
}
