package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigAndListenerTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    CompressionConfig c = CompressionConfig.defaults();
    assertThat(c.batchSize()).isEqualTo(128);
    assertThat(c.learningRate()).isEqualTo(1e-3);
    assertThat(c.slabSd()).isEqualTo(1.0);
    assertThat(c.temperature()).isEqualTo(0.5);
    assertThat(c.evaluationSamples()).isEqualTo(30);
    assertThat(c.priorInclusion().auto()).isTrue();
    assertThat(c.pruning()).isEqualTo(new PruningRule.Threshold(0.5));
    // ours, docs/method.md
    assertThat(c.inclusionStart()).isEqualTo(CompressionConfig.InclusionStart.MAGNITUDE);
    assertThat(c.resolvedInclusionLearningRate()).isEqualTo(1e-2);
    assertThat(c.klWeight(0)).isEqualTo(1e-3);
    assertThat(c.klWeight(1_500)).isCloseTo(Math.sqrt(1e-3), within(1e-12));
    assertThat(c.klWeight(3_000)).isEqualTo(1.0);
    assertThat(c.nodeGates()).isTrue();
    assertThat(c.stopUndecided()).isEqualTo(0.05);
  }

  @Test
  void newTrainingSettingsOutOfRangeAreRejected() {
    CompressionConfig c = CompressionConfig.defaults();
    assertThatThrownBy(() -> c.toBuilder().klAnnealStart(0).build())
        .hasMessageContaining("klAnnealStart");
    assertThatThrownBy(() -> c.toBuilder().inclusionLearningRate(2).build())
        .hasMessageContaining("inclusionLearningRate");
    assertThatThrownBy(() -> c.toBuilder().lambdaFloor(1).build())
        .hasMessageContaining("lambdaFloor");
    assertThatThrownBy(() -> c.toBuilder().settleEpochs(0).build())
        .hasMessageContaining("settleEpochs");
  }

  @Test
  void outOfRangeSettingsAreRejectedWithAMessageNamingTheField() {
    CompressionConfig c = CompressionConfig.defaults();
    assertThatThrownBy(() -> c.toBuilder().batchSize(0).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> c.toBuilder().learningRate(-1).build())
        .hasMessageContaining("learningRate");
    assertThatThrownBy(() -> c.toBuilder().temperature(0).build())
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> c.toBuilder().slabSd(Double.NaN).build())
        .hasMessageContaining("slabSd");
    assertThatThrownBy(() -> PriorInclusion.of(1.5)).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> new PruningRule.Threshold(1)).hasMessageContaining("[0, 1)");
    assertThatThrownBy(() -> new PruningRule.TargetWeights(0)).hasMessageContaining("at least 1");
  }

  @Test
  void theAutomaticPriorInclusionFollowsTheFormulaOfBaiSongAndCheng() {
    // about 1e-4 for 200-7-7-7-1 on 3000 examples (ALGORITHM.md §5)
    double lambda = PriorInclusion.automatic().resolve(new int[] {200, 7, 7, 7, 1}, 3000);
    long t = 201 * 7 + 8 * 7 + 8 * 7 + 8;
    double expected =
        Math.exp(-(Math.log(t) + 0.1 * (4 * Math.log(7) + Math.log(Math.sqrt(3000) * 200))));
    assertThat(lambda).isEqualTo(expected);
    assertThat(lambda).isBetween(5e-5, 2e-4);
  }

  @Test
  void theNanListenerFailsTheRunOnANonFiniteLoss() {
    TrainingListener guard = TrainingListener.failOnNaN();
    guard.onSteps(new StepProgress(1, 10, 20, 0.3));
    assertThatThrownBy(() -> guard.onSteps(new StepProgress(1, 10, 20, Double.NaN)))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageContaining("epoch 1");
  }

  @Test
  void listenersHearEveryEpochAndTheRequestedSteps() {
    Examples train = TestNetworks.blobs(256, 4, 2, 1);
    DenseNetwork start =
        Initialisation.kaimingUniform(new int[] {4, 6, 2}, Activation.TANH, OutputKind.LOGITS, 1);
    List<EpochSummary> epochs = new java.util.ArrayList<>();
    List<StepProgress> steps = new java.util.ArrayList<>();
    VariationalTrainer trainer =
        new VariationalTrainer(
            start,
            train,
            train,
            CompressionConfig.builder().epochs(3).batchSize(32).stepEventInterval(4).build());
    trainer.addListener(
        new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary s, java.util.function.Supplier<byte[]> checkpoint) {
            epochs.add(s);
          }

          @Override
          public void onSteps(StepProgress p) {
            steps.add(p);
          }
        });
    trainer.train(() -> false);
    assertThat(epochs).extracting(EpochSummary::epoch).containsExactly(1, 2, 3);
    assertThat(steps).hasSize(3 * 2);
    assertThat(epochs.get(2).validationMetric()).isBetween(0.0, 1.0);
    assertThat(epochs.get(2).kl()).isPositive();
  }

  @Test
  void cancellingEndsTheRunWithTheNumberOfCompletedEpochs() {
    Examples train = TestNetworks.blobs(256, 4, 2, 1);
    DenseNetwork start =
        Initialisation.kaimingUniform(new int[] {4, 6, 2}, Activation.RELU, OutputKind.LOGITS, 1);
    VariationalTrainer trainer =
        new VariationalTrainer(
            start, train, null, CompressionConfig.builder().epochs(5).batchSize(32).build());
    int[] polls = {0};
    assertThatThrownBy(() -> trainer.train(() -> ++polls[0] > 8 * 2 + 1))
        .isInstanceOfSatisfying(
            TrainingCancelledException.class, e -> assertThat(e.epoch()).isEqualTo(2));
  }

  @Test
  void earlyStoppingEndsTheRunAndKeepsTheBestEpoch() {
    Examples train = TestNetworks.blobs(256, 4, 2, 1);
    Examples validation = TestNetworks.blobs(256, 4, 2, 2);
    DenseNetwork start =
        Initialisation.kaimingUniform(new int[] {4, 6, 2}, Activation.RELU, OutputKind.LOGITS, 1);
    // a learning rate this large prunes everything within a few epochs, so accuracy must fall
    VariationalTrainer trainer =
        new VariationalTrainer(
            start,
            train,
            validation,
            CompressionConfig.defaults().toBuilder()
                .epochs(200)
                .batchSize(32)
                .learningRate(0.3)
                .earlyStoppingPatience(3)
                .build());
    Posterior post = trainer.train(() -> false);
    List<EpochSummary> h = post.history();
    assertThat(h.size()).isLessThan(200);
    double best = h.stream().mapToDouble(EpochSummary::validationMetric).max().orElseThrow();
    // the last three epochs did not improve on the best one, which came three epochs earlier
    assertThat(h.get(h.size() - 4).validationMetric()).isEqualTo(best);
    // and the returned posterior is that epoch's: re-scoring its median model gives the best
    PruningResult p = Pruner.prune(post, PruningRule.median(), false, false, 1);
    Scores s = Evaluator.score(p.network(), validation, 1.0, new double[0]);
    assertThat(s.accuracy()).isEqualTo(best);
  }
}
