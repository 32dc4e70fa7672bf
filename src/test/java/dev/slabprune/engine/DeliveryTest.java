package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The path along training, the quality budget and exact targets, on tiny seeded networks. */
class DeliveryTest {

  private static final Examples TRAIN = TestNetworks.blobs(600, 6, 3, 11);
  private static final Examples VALID = TestNetworks.blobs(300, 6, 3, 12);
  private static final Examples TEST = TestNetworks.blobs(300, 6, 3, 13);

  /** A 6-24-12-3 network trained densely on the training rows: a well-trained upload. */
  static DenseNetwork upload() {
    DenseNetwork init =
        Initialisation.kaimingUniform(
            new int[] {6, 24, 12, 3}, Activation.RELU, OutputKind.LOGITS, 7);
    DenseTrainer t = new DenseTrainer(init, TRAIN, 1e-2, false, 1.0, 7);
    t.epochs(30, 32);
    return t.network();
  }

  /**
   * The reference method's training (every phi starting at 0.99, one step size, the full KL from
   * the first step, a fixed number of epochs) with a prior so small, and steps so large, that every
   * inclusion probability falls below 0.5.
   */
  static CompressionConfig collapsing() {
    return CompressionConfig.builder()
        .inclusionStart(CompressionConfig.InclusionStart.UNIFORM)
        .inclusionLearningRate(0)
        .klAnnealSteps(0)
        .stopUndecided(0)
        .epochs(40)
        .batchSize(64)
        .learningRate(5e-2)
        .priorInclusion(PriorInclusion.of(1e-30))
        .fineTuneEpochs(3)
        .evaluationSamples(3)
        .seed(5)
        .pruning(PruningRule.QualityBudget.defaults())
        .build();
  }

  @Test
  void whenTheMedianModelCollapsesThePathStillDeliversANetworkWithinBudget() {
    DenseNetwork start = upload();
    long t0 = System.nanoTime();
    Compression.Result result =
        Compression.run(start, TRAIN, VALID, TEST, collapsing(), List.of(), () -> false);
    double seconds = (System.nanoTime() - t0) / 1e9;
    CompressionReport report = result.report();
    BudgetResult budget = report.budget();

    PathPoint lastMedian = result.path().medians().get(result.path().medians().size() - 1);
    System.out.printf(
        "median at the end: %d weights, %.3f; delivered %s; reference %.3f (%s), limit %.3f;"
            + " run %.2f s, path %.3f s, search %.2f s, %d fine-tuned; test accuracy %.3f vs"
            + " upload %.3f%n",
        lastMedian.weights(),
        lastMedian.validationScore(),
        budget.delivered(),
        budget.reference(),
        budget.referenceSource(),
        budget.limit(),
        seconds,
        budget.pathSeconds(),
        budget.searchSeconds(),
        budget.candidatesFineTuned(),
        report.pruned().accuracy(),
        report.uploaded().accuracy());
    // the method's answer is useless: the final median model has collapsed
    assertThat(lastMedian.validationScore()).isLessThan(budget.limit() - 0.1);
    // the path's answer is a smaller network within budget
    assertThat(budget.met()).isTrue();
    assertThat(budget.advice()).isNull();
    assertThat(budget.delivered().fineTuned()).isTrue();
    assertThat(budget.delivered().validationScore()).isGreaterThanOrEqualTo(budget.limit());
    assertThat(budget.delivered().weights())
        .isGreaterThan(lastMedian.weights())
        .isLessThan(report.pruning().totalWeights());
    assertThat(report.pruning().keptWeights()).isEqualTo(budget.delivered().weights());
    assertThat(report.path()).filteredOn(PathPoint::delivered).hasSize(1);
    // the median model is recorded at every epoch where the density moved (the crossings)
    List<EpochSummary> history = result.posterior().history();
    List<Integer> recorded =
        report.path().stream().filter(p -> !p.fineTuned()).map(PathPoint::epoch).toList();
    for (int e = 1; e < history.size(); e++) {
      double before = history.get(e - 1).density();
      if (Math.abs(history.get(e).density() - before) > 0.05 * Math.max(before, 1e-6)) {
        assertThat(recorded).contains(history.get(e).epoch());
      }
    }
    assertThat(report.path())
        .isSortedAccordingTo(
            java.util.Comparator.comparingInt(PathPoint::epoch)
                .thenComparingLong(PathPoint::weights)
                .thenComparing(PathPoint::fineTuned));
    // confirmed on the test split with a margin for its noise: the score less the margin is
    // within the test split's limit
    assertThat(budget.confirmationRows()).isEqualTo(TEST.rows());
    assertThat(budget.confirmationMargin()).isBetween(0.0, 0.1);
    assertThat(budget.confirmationScore() - budget.confirmationMargin())
        .isGreaterThanOrEqualTo(budget.confirmationLimit() - 1e-9);
    // judged on validation, it holds on the test rows too
    assertThat(report.pruned().accuracy()).isGreaterThan(report.uploaded().accuracy() - 0.03);
  }

  @Test
  void eachSizeIsAlsoTriedOnFewerHiddenNodes() {
    DenseNetwork start = upload();
    CompressionReport report =
        Compression.run(start, TRAIN, VALID, TEST, collapsing(), List.of(), () -> false).report();
    List<PathPoint> tuned = report.path().stream().filter(PathPoint::fineTuned).toList();
    for (String[] pair :
        new String[][] {
          {PathPoint.POSTERIOR, PathPoint.POSTERIOR_NODES},
          {PathPoint.MAGNITUDE, PathPoint.MAGNITUDE_NODES}
        }) {
      List<PathPoint> gathered = tuned.stream().filter(p -> p.source().equals(pair[1])).toList();
      assertThat(gathered).as(pair[1]).isNotEmpty();
      for (PathPoint g : gathered) {
        // the plain candidate of the same size and posterior keeps at least as many nodes
        PathPoint plain =
            tuned.stream()
                .filter(p -> p.source().equals(pair[0]) && p.epoch() == g.epoch())
                .filter(p -> Math.abs(p.weights() - g.weights()) <= 24)
                .findFirst()
                .orElseThrow();
        assertThat(java.util.Arrays.stream(g.nodes()).sum())
            .isLessThanOrEqualTo(java.util.Arrays.stream(plain.nodes()).sum());
      }
    }
    assertThat(report.path()).filteredOn(PathPoint::delivered).hasSize(1);
  }

  @Test
  void aCandidateThatIsTheSameNetworkAsAnotherSharesItsFineTuning() {
    Posterior post = ConcentratedNodesTest.random(3, false);
    long k = Math.round(Pruner.totalWeights(post) * 0.15);
    PruningResult once = Pruner.prune(post, new PruningRule.TargetWeights(k), true, true, 1, false);
    PruningResult again =
        Pruner.prune(post, new PruningRule.TargetWeights(k), true, true, 1, false);
    PruningResult larger =
        Pruner.prune(post, new PruningRule.TargetWeights(k + 1), true, true, 1, false);
    assertThat(PathSearch.sameNetwork(once, again)).isTrue();
    assertThat(PathSearch.sameNetwork(once, larger)).isFalse();

    CompressionReport report =
        Compression.run(upload(), TRAIN, VALID, TEST, collapsing(), List.of(), () -> false)
            .report();
    List<PathPoint> tuned = report.path().stream().filter(PathPoint::fineTuned).toList();
    int twins = 0;
    for (PathPoint g : tuned) {
      if (!g.source().endsWith("-nodes")) {
        continue;
      }
      String plainSource = g.source().substring(0, g.source().length() - "-nodes".length());
      for (PathPoint p : tuned) {
        if (p.source().equals(plainSource)
            && p.epoch() == g.epoch()
            && p.weights() == g.weights()
            && java.util.Arrays.equals(p.nodes(), g.nodes())
            && p.inputs() == g.inputs()
            && p.validationScore() == g.validationScore()) {
          twins++;
        }
      }
    }
    // each point fine-tuned once, and the largest candidate, less the twins: at least one here,
    // at most the pairs that look alike (two different networks can tie on a few hundred rows)
    assertThat(twins).isPositive();
    assertThat(report.budget().candidatesFineTuned())
        .isLessThan(tuned.size() + 1)
        .isGreaterThanOrEqualTo(tuned.size() + 1 - twins);
  }

  @Test
  void anImpossibleBudgetIsNotMetAndSaysWhatToTry() {
    // labels drawn by a random teacher network, uploaded as it is: every weight matters, and
    // the upload is exact on every row, so no network on the path can match it. Validation on
    // the training rows: every network is judged on rows it learned, so the upload's exact score
    // is not mistaken for optimism on rows it saw and stays the reference. No fine-tuning: with
    // the floor of a network this small (5,000 steps) a pruned network relearns the labels of the
    // rows it is judged on
    DenseNetwork teacher =
        Initialisation.kaimingUniform(
            new int[] {6, 24, 12, 3}, Activation.RELU, OutputKind.LOGITS, 17);
    Examples train = teach(teacher, TRAIN);
    Examples validation = train;
    DenseNetwork upload = teacher;
    CompressionConfig config =
        collapsing().toBuilder()
            .epochs(10)
            .learningRate(1e-2)
            .fineTuneEpochs(0)
            .pruning(new PruningRule.QualityBudget(0, 0.05))
            .build();

    CompressionReport report =
        Compression.run(
                upload, train, validation, teach(teacher, TEST), config, List.of(), () -> false)
            .report();

    BudgetResult budget = report.budget();
    System.out.println(budget);
    assertThat(budget.met()).isFalse();
    assertThat(budget.advice()).contains("maxAccuracyDrop").contains("keep the upload");
    // no pruned network beats the upload here, so the upload itself is delivered, unpruned
    assertThat(budget.advice()).contains("upload itself is delivered");
    assertThat(budget.delivered().epoch()).isZero();
    assertThat(budget.delivered().fineTuned()).isFalse();
    assertThat(budget.delivered().weights()).isEqualTo(report.pruning().totalWeights());
    // the search's candidates (without fine-tuning, told from the medians by their source: the
    // upload's magnitude top-k)
    List<PathPoint> pruned =
        report.path().stream()
            .filter(p -> p.fineTuned() || PathPoint.MAGNITUDE.equals(p.source()))
            .filter(p -> p.weights() < report.pruning().totalWeights())
            .toList();
    assertThat(pruned).isNotEmpty();
    // a pruned network within the budget on validation was not confirmed on the test split
    if (pruned.stream().anyMatch(p -> p.validationScore() >= budget.limit())) {
      assertThat(budget.advice()).contains("none on the test split");
      assertThat(budget.confirmationRows()).isEqualTo(300);
      assertThat(budget.confirmationScore()).isNaN();
    }
  }

  @Test
  void targetsKeepThatManyWeightsGiveOrTakeTheNodesThatLoseEveryPath() {
    Posterior post = randomPosterior(new int[] {20, 30, 10, 3}, 4);
    long total = Pruner.totalWeights(post);
    for (long k : new long[] {5, 40, 100, 333, 640}) {
      PruningResult p = Pruner.prune(post, new PruningRule.TargetWeights(k), true, true, 1);
      assertThat(p.keptWeights()).as("target %d", k).isBetween(k, k + 30);
    }
    PruningResult half = Pruner.prune(post, new PruningRule.TargetDensity(0.5), true, true, 1);
    assertThat(half.keptWeights()).isBetween(total / 2, total / 2 + 30);
    assertThat(half.rule()).isEqualTo(new PruningRule.TargetDensity(0.5));
  }

  @Test
  void reprunesChooseFromTheStoredPathAndFineTune() {
    DenseNetwork start = upload();
    Compression.Result result =
        Compression.run(start, TRAIN, VALID, TEST, collapsing(), List.of(), () -> false);
    PosteriorPath stored = PosteriorPath.fromBytes(result.path().toBytes());
    assertThat(stored.medians())
        .extracting(PathPoint::epoch, PathPoint::weights, PathPoint::validationScore)
        .isEqualTo(
            result.path().medians().stream()
                .map(
                    p ->
                        org.assertj.core.groups.Tuple.tuple(
                            p.epoch(), p.weights(), p.validationScore()))
                .toList());
    assertThat(stored.snapshotEpochs())
        .isEqualTo(result.path().snapshotEpochs())
        .hasSizeLessThanOrEqualTo(PosteriorPath.MAX_SNAPSHOTS);

    long target = 100;
    CompressionReport again =
        Compression.report(
            stored,
            start,
            TRAIN,
            VALID,
            TEST,
            collapsing().toBuilder().pruning(new PruningRule.TargetWeights(target)).build());

    PathPoint delivered = again.budget().delivered();
    // the better of the nearest snapshot's most probable weights and the upload's largest ones
    assertThat(again.path())
        .filteredOn(p -> p.fineTuned() && p.weights() >= target && p.weights() <= target + 24)
        .extracting(PathPoint::epoch, PathPoint::source)
        .contains(
            org.assertj.core.groups.Tuple.tuple(stored.nearest(target).epoch(), "posterior"),
            org.assertj.core.groups.Tuple.tuple(0, "magnitude"));
    assertThat(delivered.fineTuned()).isTrue();
    assertThat(again.pruning().keptWeights()).isBetween(target, target + 24);
    // a snapshot from before the collapse, not the collapsed final posterior
    assertThat(stored.nearest(target).medianWeights()).isGreaterThanOrEqualTo(target);
    assertThat(again.pruned().accuracy()).isGreaterThan(0.8);
  }

  @Test
  void theSearchDeliversTheSameBitsWithTheCandidatesOfASizeOnOneThreadOrTwo() {
    DenseNetwork start = upload();
    PosteriorPath path =
        Compression.run(start, TRAIN, VALID, TEST, collapsing(), List.of(), () -> false).path();
    CompressionReport one =
        Compression.report(
            path, start, TRAIN, VALID, TEST, collapsing().toBuilder().threads(1).build());
    CompressionReport two =
        Compression.report(
            path, start, TRAIN, VALID, TEST, collapsing().toBuilder().threads(2).build());

    assertThat(one.budget().candidatesFineTuned()).isGreaterThan(3);
    assertThat(Compression.sameNetwork(one.network(), two.network())).isTrue();
    assertThat(points(two.path())).isEqualTo(points(one.path()));
    assertThat(points(List.of(two.budget().delivered())))
        .isEqualTo(points(List.of(one.budget().delivered())));
    assertThat(two.pruned()).isEqualTo(one.pruned());
    assertThat(two.magnitude()).isEqualTo(one.magnitude());
  }

  /** Every field of each point, the nodes by value. */
  private static List<String> points(List<PathPoint> path) {
    return path.stream()
        .map(
            p ->
                p.toString()
                    .replaceAll(
                        "nodes=\\[I@[0-9a-f]+", "nodes=" + java.util.Arrays.toString(p.nodes())))
        .toList();
  }

  @Test
  void aCandidatesScoreIsTheScoreItsFineTuningKeptItOn() {
    DenseNetwork start = upload();
    CompressionConfig config = collapsing();
    Posterior post =
        Compression.run(start, TRAIN, VALID, TEST, config, List.of(), () -> false).posterior();
    for (long k : new long[] {20, 60, 150}) {
      PruningResult pruning =
          Pruner.prune(post, new PruningRule.TargetWeights(k), true, true, config.seed(), false);
      Compression.Tuned tuned =
          Compression.fineTuneScored(
              pruning.network(),
              TRAIN.selectColumns(pruning.keptInputs()),
              VALID.selectColumns(pruning.keptInputs()),
              config,
              Pruner.totalWeights(post));
      assertThat(tuned.validation()).isNotNull();
      assertThat(
              Compression.sameNetwork(
                  tuned.network(),
                  Compression.fineTune(
                      pruning.network(),
                      TRAIN.selectColumns(pruning.keptInputs()),
                      VALID.selectColumns(pruning.keptInputs()),
                      config,
                      Pruner.totalWeights(post))))
          .isTrue();
      // what the search used to compute again, with the posterior's target scale
      double fresh = PathSearch.score(tuned.network(), pruning, VALID, post, config);
      assertThat(PathSearch.metric(tuned.validation(), true)).as("k %d", k).isEqualTo(fresh);
    }
  }

  /** The same rows, labelled by {@code teacher}'s most probable class. */
  static Examples teach(DenseNetwork teacher, Examples rows) {
    double[] out = teacher.forward(rows.features(), rows.rows());
    int k = teacher.outputs();
    int[] labels = new int[rows.rows()];
    for (int r = 0; r < labels.length; r++) {
      for (int c = 1; c < k; c++) {
        if (out[r * k + c] > out[r * k + labels[r]]) {
          labels[r] = c;
        }
      }
    }
    return Examples.classification(rows.features(), rows.rows(), rows.cols(), labels, k);
  }

  static Posterior randomPosterior(int[] widths, long seed) {
    return TestNetworks.randomPosterior(widths, seed, false);
  }
}
