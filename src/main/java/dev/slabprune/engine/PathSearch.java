package dev.slabprune.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the network to deliver from a {@link PosteriorPath} (ours, ALGORITHM.md §9). Under a
 * {@link PruningRule.QualityBudget}: the smallest candidate whose validation score, after the job's
 * fine-tuning, stays within the budget of the reference. Candidates are the top-k weights by
 * inclusion probability of the snapshot that ran nearest that size, so the path is continuous in
 * size; sizes are searched by bisection in log size between the smallest median model on the path
 * and 90% of the weights, each probe pruned, fine-tuned and scored. A target size takes that size
 * from the nearest snapshot; a threshold prunes the final posterior.
 */
final class PathSearch {

  /** Largest candidate searched, as a share of the weights: a smaller network, or none. */
  static final double LARGEST_SHARE = 0.9;

  /** The smallest candidate searched is at most this share of the weights. */
  static final double SMALLEST_SHARE = 1.0 / 512;

  /** The bisection stops when its bracket is this narrow (ratio of sizes). */
  static final double RESOLUTION = 1.1;

  /** At most this many candidates are fine-tuned in a search. */
  static final int MAX_PROBES = 12;

  private PathSearch() {}

  /**
   * What to deliver.
   *
   * @param pruning the pruned network before fine-tuning (for the upload: the upload itself)
   * @param network the delivered network, fine-tuned
   * @param source the posterior {@code pruning} was taken from (for the upload, the final one)
   * @param upload whether the upload itself is delivered, unpruned
   */
  record Delivery(
      PruningResult pruning,
      DenseNetwork network,
      Posterior source,
      boolean upload,
      BudgetResult budget,
      List<PathPoint> path) {}

  private record Probe(
      PathPoint point, PruningResult pruning, DenseNetwork network, Posterior source) {}

  /** Every candidate evaluated, and per size the better of its two sources. */
  private record Candidates(Posterior magnitude, List<Probe> evaluated, Map<Long, Probe> bySize) {}

  /**
   * @param reportedBudget the budget a rule other than {@link PruningRule.QualityBudget} is
   *     reported against; that rule's own budget otherwise
   */
  static Delivery deliver(
      PosteriorPath path,
      DenseNetwork start,
      Examples train,
      Examples validation,
      CompressionConfig config,
      PruningRule.QualityBudget reportedBudget) {
    long started = System.nanoTime();
    boolean classification = start.output().isClassification();
    Examples judge = validation != null ? validation : train;
    PruningRule rule = config.pruning();
    PruningRule.QualityBudget budget =
        rule instanceof PruningRule.QualityBudget q ? q : reportedBudget;
    Posterior last = path.posterior();
    double uploadScore =
        metric(Evaluator.score(start, judge, config.noiseSd(), last.targetSd), classification);
    // The largest candidate: the largest median model on the path, trained and fine-tuned on the
    // training examples alone as every candidate is. The upload may have seen the validation rows
    // (users upload the data their network learned); this network has not since.
    long largestSize = 0;
    for (PosteriorPath.Snapshot s : path.snapshots()) {
      largestSize = Math.max(largestSize, s.medianWeights());
    }
    largestSize = Math.max(1, largestSize);
    PosteriorPath.Snapshot largestSnapshot = path.nearest(largestSize);
    Probe largestProbe =
        candidate(
            path.at(largestSnapshot),
            largestSnapshot.epoch(),
            new PruningRule.TargetWeights(largestSize),
            train,
            judge,
            config,
            PathPoint.POSTERIOR);
    double largest = largestProbe.point().validationScore();
    boolean inflated = classification ? largest < uploadScore : largest > uploadScore;
    double reference = inflated ? largest : uploadScore;
    double limit = budget.limit(reference, classification);

    Candidates all =
        new Candidates(path.magnitudeOf(start), new ArrayList<>(), new LinkedHashMap<>());
    Map<Long, Probe> probes = all.bySize();
    Probe chosen;
    long total = Pruner.totalWeights(last);
    if (rule instanceof PruningRule.QualityBudget) {
      chosen = search(path, train, judge, config, limit, classification, total, all);
    } else if (rule instanceof PruningRule.TargetWeights
        || rule instanceof PruningRule.TargetDensity) {
      long k =
          rule instanceof PruningRule.TargetWeights t
              ? Math.min(t.weights(), total)
              : ((PruningRule.TargetDensity) rule).weights(total);
      chosen = sized(path, k, rule, train, judge, config, all, classification);
    } else {
      chosen =
          candidate(
              last,
              last.history().isEmpty() ? 0 : lastEpoch(last),
              rule,
              train,
              judge,
              config,
              PathPoint.POSTERIOR);
      all.evaluated().add(chosen);
      probes.put(chosen.point().weights(), chosen);
    }
    boolean met =
        chosen != null
            && PruningRule.QualityBudget.within(
                chosen.point().validationScore(), limit, classification);
    boolean upload = false;
    String advice = null;
    PathPoint uploadPoint = null;
    if (!met) {
      Probe best =
          all.evaluated().stream()
              .max(
                  Comparator.comparingDouble(
                      (Probe p) ->
                          classification
                              ? p.point().validationScore()
                              : -p.point().validationScore()))
              .orElse(null);
      boolean uploadBetter =
          best == null
              || (classification
                  ? uploadScore > best.point().validationScore()
                  : uploadScore < best.point().validationScore());
      if (rule instanceof PruningRule.QualityBudget) {
        chosen = uploadBetter ? null : best;
        upload = uploadBetter;
      }
      advice = advice(best, budget, reference, classification, upload);
    }
    PruningResult pruning;
    DenseNetwork network;
    Posterior source;
    if (upload) {
      pruning = unpruned(start, last, config);
      network = start;
      source = last;
      uploadPoint = PathPoint.of(0, pruning, uploadScore, false, PathPoint.UPLOAD);
    } else if (chosen.point().source().equals(PathPoint.MAGNITUDE)) {
      // the network is the upload's; the inclusion probabilities stay the posterior's
      pruning = withPipsOf(chosen.pruning(), last, config);
      network = chosen.network();
      source = last;
    } else {
      pruning = chosen.pruning();
      network = chosen.network();
      source = chosen.source();
    }
    List<PathPoint> points = new ArrayList<>();
    for (PathPoint m : path.medians()) {
      points.add(
          m.judged(
              PruningRule.QualityBudget.within(m.validationScore(), limit, classification), false));
    }
    points.add(
        largestProbe
            .point()
            .judged(PruningRule.QualityBudget.within(largest, limit, classification), false));
    PathPoint delivered = null;
    for (Probe p : all.evaluated()) {
      boolean isDelivered = !upload && p == chosen;
      PathPoint judged =
          p.point()
              .judged(
                  PruningRule.QualityBudget.within(
                      p.point().validationScore(), limit, classification),
                  isDelivered);
      points.add(judged);
      if (isDelivered) {
        delivered = judged;
      }
    }
    if (uploadPoint != null) {
      delivered =
          uploadPoint.judged(
              PruningRule.QualityBudget.within(uploadScore, limit, classification), true);
      points.add(delivered);
    }
    points.sort(
        Comparator.comparingInt(PathPoint::epoch)
            .thenComparingLong(PathPoint::weights)
            .thenComparing(PathPoint::fineTuned));
    int tuned = all.evaluated().size() + 1;
    BudgetResult result =
        new BudgetResult(
            classification,
            budget,
            uploadScore,
            largest,
            reference,
            inflated ? "largest-candidate" : "upload",
            limit,
            met,
            delivered,
            advice,
            path.seconds(),
            (System.nanoTime() - started) / 1e9,
            tuned);
    return new Delivery(pruning, network, source, upload, result, points);
  }

  /**
   * Bisection in log size between the smallest and the largest candidate; returns the smallest
   * probe within the limit, or null when the largest is not.
   */
  private static Probe search(
      PosteriorPath path,
      Examples train,
      Examples judge,
      CompressionConfig config,
      double limit,
      boolean classification,
      long total,
      Candidates all) {
    PruningRule.QualityBudget rule = null;
    Map<Long, Probe> probes = all.bySize();
    long smallestMedian = Long.MAX_VALUE;
    for (PathPoint m : path.medians()) {
      smallestMedian = Math.min(smallestMedian, m.weights());
    }
    for (PosteriorPath.Snapshot s : path.snapshots()) {
      smallestMedian = Math.min(smallestMedian, s.medianWeights());
    }
    long lo = Math.max(1, Math.min(smallestMedian, (long) Math.ceil(total * SMALLEST_SHARE)));
    long hi = Math.max(lo, (long) Math.floor(total * LARGEST_SHARE));
    Probe top = sized(path, hi, rule, train, judge, config, all, classification);
    if (!within(top, limit, classification)) {
      return null;
    }
    Probe bottom = sized(path, lo, rule, train, judge, config, all, classification);
    if (within(bottom, limit, classification)) {
      return bottom;
    }
    Probe best = top;
    while (hi > lo * RESOLUTION && hi - lo > 1 && probes.size() < MAX_PROBES) {
      long mid = Math.round(Math.sqrt((double) lo * hi));
      mid = Math.max(lo + 1, Math.min(hi - 1, mid));
      Probe p = sized(path, mid, rule, train, judge, config, all, classification);
      if (within(p, limit, classification)) {
        hi = mid;
        if (p.point().weights() <= best.point().weights()) {
          best = p;
        }
      } else {
        lo = mid;
      }
    }
    return best;
  }

  private static boolean within(Probe p, double limit, boolean classification) {
    return PruningRule.QualityBudget.within(p.point().validationScore(), limit, classification);
  }

  /**
   * The better of two candidates of {@code weights} weights, both fine-tuned and scored: the top-k
   * by inclusion probability of the snapshot nearest that size, and the upload's weights of largest
   * magnitude; the posterior's wins ties.
   *
   * @param rule the rule to record (a target), or null for a size of the search
   */
  private static Probe sized(
      PosteriorPath path,
      long weights,
      PruningRule rule,
      Examples train,
      Examples judge,
      CompressionConfig config,
      Candidates all,
      boolean classification) {
    Probe cached = all.bySize().get(weights);
    if (cached != null) {
      return cached;
    }
    PruningRule size = rule != null ? rule : new PruningRule.TargetWeights(weights);
    PosteriorPath.Snapshot snapshot = path.nearest(weights);
    Probe bayes =
        candidate(
            path.at(snapshot), snapshot.epoch(), size, train, judge, config, PathPoint.POSTERIOR);
    Probe magnitude =
        candidate(all.magnitude(), 0, size, train, judge, config, PathPoint.MAGNITUDE);
    all.evaluated().add(bayes);
    all.evaluated().add(magnitude);
    double a = bayes.point().validationScore();
    double b = magnitude.point().validationScore();
    Probe better = (classification ? b > a : b < a) ? magnitude : bayes;
    all.bySize().put(weights, better);
    return better;
  }

  /** Prunes {@code post} by {@code rule}, fine-tunes on the training examples, scores. */
  private static Probe candidate(
      Posterior post,
      int epoch,
      PruningRule rule,
      Examples train,
      Examples judge,
      CompressionConfig config,
      String source) {
    PruningResult pruning =
        Pruner.prune(post, rule, config.pruneNodes(), config.selectInputs(), config.seed(), false);
    DenseNetwork tuned =
        Compression.fineTune(pruning.network(), train.selectColumns(pruning.keptInputs()), config);
    double score = score(tuned, pruning, judge, post, config);
    return new Probe(
        PathPoint.of(epoch, pruning, score, config.fineTuneEpochs() > 0, source),
        pruning,
        tuned,
        post);
  }

  /** Accuracy or RMSE of {@code net} (which takes {@code pruning}'s inputs) on {@code ex}. */
  static double score(
      DenseNetwork net,
      PruningResult pruning,
      Examples ex,
      Posterior post,
      CompressionConfig config) {
    Scores s =
        Evaluator.score(
            net, ex.selectColumns(pruning.keptInputs()), config.noiseSd(), post.targetSd);
    return metric(s, ex.isClassification());
  }

  static double metric(Scores s, boolean classification) {
    return classification ? s.accuracy() : s.rmse();
  }

  /** A magnitude pruning with the posterior's inclusion probabilities and PIP histograms. */
  private static PruningResult withPipsOf(
      PruningResult p, Posterior last, CompressionConfig config) {
    PruningResult all =
        Pruner.prune(last, new PruningRule.None(), false, false, config.seed(), false);
    List<LayerSummary> layers = new ArrayList<>();
    for (int l = 0; l < p.layers().size(); l++) {
      LayerSummary mine = p.layers().get(l);
      layers.add(
          new LayerSummary(
              mine.layer(),
              mine.inputsKept(),
              mine.outputsKept(),
              mine.weightsKept(),
              mine.weightDensity(),
              all.layers().get(l).pipHistogram()));
    }
    return new PruningResult(
        p.network(),
        p.keptInputs(),
        p.keptNodes(),
        p.maskedNetwork(),
        p.keptWeights(),
        p.totalWeights(),
        all.inputPips(),
        all.nodePips(),
        List.of(),
        layers,
        p.rule());
  }

  /** The upload as a pruning result that keeps everything, with the final posterior's PIPs. */
  private static PruningResult unpruned(
      DenseNetwork start, Posterior last, CompressionConfig config) {
    PruningResult all =
        Pruner.prune(last, new PruningRule.None(), false, false, config.seed(), false);
    return new PruningResult(
        start,
        all.keptInputs(),
        all.keptNodes(),
        start,
        nonZeroWeights(start),
        all.totalWeights(),
        all.inputPips(),
        all.nodePips(),
        all.nodePipsMonteCarlo(),
        all.layers(),
        new PruningRule.None());
  }

  private static long nonZeroWeights(DenseNetwork net) {
    long kept = 0;
    for (DenseLayer d : net.layers()) {
      kept += Evaluator.nonZero(d.weights());
    }
    return kept;
  }

  private static int lastEpoch(Posterior post) {
    return post.history().get(post.history().size() - 1).epoch();
  }

  private static String advice(
      Probe best,
      PruningRule.QualityBudget budget,
      double reference,
      boolean classification,
      boolean upload) {
    String keep =
        upload
            ? " The upload itself is delivered, unpruned."
            : " The best network found is delivered.";
    if (best == null) {
      return "No pruned network was evaluated." + keep;
    }
    double score = best.point().validationScore();
    if (classification) {
      double drop = reference - score;
      return String.format(
              Locale.ROOT,
              "No pruned network on the path stayed within %.1f accuracy points of the reference"
                  + " %.4f; the best one (%d weights) scored %.4f, %.1f points below. Try"
                  + " maxAccuracyDrop %.3f, more epochs or fineTuneEpochs, or keep the upload.",
              100 * budget.maxAccuracyDrop(),
              reference,
              best.point().weights(),
              score,
              100 * drop,
              Math.ceil(drop * 1000) / 1000)
          + keep;
    }
    double increase = score / reference - 1;
    return String.format(
            Locale.ROOT,
            "No pruned network on the path kept the RMSE within %.1f%% of the reference %.4g; the"
                + " best one (%d weights) has RMSE %.4g, %.1f%% above. Try"
                + " maxRelativeRmseIncrease %.3f, more epochs or fineTuneEpochs, or keep the"
                + " upload.",
            100 * budget.maxRelativeRmseIncrease(),
            reference,
            best.point().weights(),
            score,
            100 * increase,
            Math.ceil(increase * 1000) / 1000)
        + keep;
  }
}
