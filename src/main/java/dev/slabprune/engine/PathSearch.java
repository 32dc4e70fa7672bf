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
 * fine-tuning, stays within the budget of the reference ({@link Gaps}), and whose score on the
 * job's test split stays within it too ({@link #confirmation}). Candidates are the top-k weights by
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
   * @param confirm examples no candidate was chosen on (the job's test split): under a budget, the
   *     smallest candidate within it on the validation examples must also be within it on these,
   *     else the next larger one that is; null skips the confirmation
   * @param reportedBudget the budget a rule other than {@link PruningRule.QualityBudget} is
   *     reported against; that rule's own budget otherwise
   */
  static Delivery deliver(
      PosteriorPath path,
      DenseNetwork start,
      Examples train,
      Examples validation,
      Examples confirm,
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
    Gaps gaps =
        config.heldOut()
            ? Gaps.heldOut(classification)
            : new Gaps(
                metric(
                    Evaluator.score(start, train, config.noiseSd(), last.targetSd), classification),
                score(
                    largestProbe.network(),
                    largestProbe.pruning(),
                    train,
                    largestProbe.source(),
                    config),
                classification);
    double reference = gaps.reference(uploadScore, largest);
    boolean inflated = reference != uploadScore;
    Limit limit =
        new Limit(
            budget.limit(reference, classification),
            budget.limit(uploadScore, classification),
            classification);

    Candidates all =
        new Candidates(path.magnitudeOf(start), new ArrayList<>(), new LinkedHashMap<>());
    Map<Long, Probe> probes = all.bySize();
    Probe chosen;
    long total = Pruner.totalWeights(last);
    Confirmation confirmation = null;
    if (rule instanceof PruningRule.QualityBudget) {
      chosen = search(path, train, judge, config, limit, classification, total, all);
      if (confirm != null && confirm.rows() > 0) {
        confirmation =
            confirmation(
                chosen, all, largestProbe, start, confirm, config, budget, limit, gaps, inflated);
        confirmation =
            refined(confirmation, path, train, judge, config, limit, classification, all);
        confirmation = faster(confirmation, all, limit);
        chosen = confirmation.chosen();
      }
    } else if (rule instanceof PruningRule.TargetWeights
        || rule instanceof PruningRule.TargetDensity) {
      long k =
          rule instanceof PruningRule.TargetWeights t
              ? Math.min(t.weights(), total)
              : ((PruningRule.TargetDensity) rule).weights(total);
      chosen = sized(path, k, rule, train, judge, config, all, limit, classification);
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
    boolean met = chosen != null && limit.within(chosen.point());
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
      advice =
          advice(best, budget, reference, classification, upload, confirmation, gaps.heldOut());
    }
    PruningResult pruning;
    DenseNetwork network;
    Posterior source;
    if (upload) {
      pruning = unpruned(start, last, config);
      network = start;
      source = last;
      uploadPoint = PathPoint.of(0, pruning, uploadScore, false, PathPoint.UPLOAD);
    } else if (chosen.point().source().equals(PathPoint.MAGNITUDE)
        || chosen.point().source().equals(PathPoint.MAGNITUDE_NODES)) {
      // the network is the upload's; the inclusion probabilities stay the posterior's
      pruning = withPipsOf(chosen.pruning(), last, config);
      network = chosen.network();
      source = last;
    } else if (chosen.point().source().equals(PathPoint.POSTERIOR_NODES)) {
      // the dropped nodes' re-ranking is no inclusion probability: report the snapshot's
      pruning = withPipsOf(chosen.pruning(), chosen.source(), config);
      network = chosen.network();
      source = chosen.source();
    } else {
      pruning = chosen.pruning();
      network = chosen.network();
      source = chosen.source();
    }
    List<PathPoint> points = new ArrayList<>();
    for (PathPoint m : path.medians()) {
      points.add(m.judged(limit.within(m), false));
    }
    points.add(largestProbe.point().judged(limit.within(largestProbe.point()), false));
    PathPoint delivered = null;
    for (Probe p : all.evaluated()) {
      boolean isDelivered = !upload && p == chosen;
      PathPoint judged = p.point().judged(limit.within(p.point()), isDelivered);
      points.add(judged);
      if (isDelivered) {
        delivered = judged;
      }
    }
    if (uploadPoint != null) {
      delivered = uploadPoint.judged(limit.within(uploadPoint), true);
      points.add(delivered);
    }
    points.sort(
        Comparator.comparingInt(PathPoint::epoch)
            .thenComparingLong(PathPoint::weights)
            .thenComparing(PathPoint::fineTuned));
    // a twin (the same network from the gathered ranking) shares its network and was tuned once
    java.util.Set<DenseNetwork> distinct =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    all.evaluated().forEach(p -> distinct.add(p.network()));
    int tuned = distinct.size() + 1;
    BudgetResult result =
        new BudgetResult(
            classification,
            budget,
            uploadScore,
            largest,
            reference,
            gaps.heldOut()
                ? "upload-held-out"
                : !inflated
                    ? "upload"
                    : reference == largest ? "largest-candidate" : "upload-less-optimism",
            limit.corrected(),
            limit.of(PathPoint.MAGNITUDE),
            met,
            delivered,
            advice,
            confirmation == null ? Double.NaN : confirmation.reference(),
            confirmation == null ? Double.NaN : confirmation.limit().corrected(),
            confirmation == null || chosen == null || !confirmation.scores().containsKey(chosen)
                ? Double.NaN
                : confirmation.scores().get(chosen).score(),
            confirmation == null || chosen == null || !confirmation.scores().containsKey(chosen)
                ? Double.NaN
                : confirmation.scores().get(chosen).margin(),
            confirmation == null ? 0 : confirm.rows(),
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
      Limit limit,
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
    Probe top = sized(path, hi, rule, train, judge, config, all, limit, classification);
    if (!within(top, limit)) {
      return null;
    }
    Probe bottom = sized(path, lo, rule, train, judge, config, all, limit, classification);
    if (within(bottom, limit)) {
      return bottom;
    }
    Probe best = top;
    while (hi > lo * RESOLUTION && hi - lo > 1 && probes.size() < MAX_PROBES) {
      long mid = Math.round(Math.sqrt((double) lo * hi));
      mid = Math.max(lo + 1, Math.min(hi - 1, mid));
      Probe p = sized(path, mid, rule, train, judge, config, all, limit, classification);
      if (within(p, limit)) {
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

  /**
   * The confirmation of a search's choice on examples it was not chosen on.
   *
   * @param chosen the smallest candidate within the budget on both, or null
   * @param reference the confirmation examples' reference, chosen as the validation one is
   * @param scores the confirmation score of each candidate checked
   * @param rejected candidates within the budget on validation but not on these examples
   * @param judge what judges a candidate on these examples; null when there was none to judge
   */
  private record Confirmation(
      Probe chosen,
      double reference,
      Limit limit,
      Map<Probe, Judged> scores,
      int rejected,
      Judge judge) {

    /** Whether {@code j}, the judgement of {@code p}, confirms it. */
    boolean accepts(Probe p, Judged j) {
      return judge.accepts(j, limit.of(p.point().source()));
    }
  }

  /**
   * The confirmation's margin, in standard errors of a candidate's paired difference with the
   * reference network on the confirmation rows (ours). A candidate confirms when its score, made
   * worse by this margin ({@link #guarded}), is within the budget: the search keeps the smallest
   * candidate within the limit on validation, so the candidates it brings are near the limit, and
   * half of those whose true score is at the limit, and a sixth of those one standard error past
   * it, pass a confirmation without margin. With one standard error, a sixth of those at the limit
   * pass and a fortieth of those one error past it. The difference is paired (the same rows for
   * both networks), so a candidate that disagrees with the reference network on few rows has a
   * small error whatever the rows' number, and MNIST's twelve thousand test rows cost a tenth of a
   * point; on a few hundred rows, it is one or two points.
   */
  static final double MARGIN_STANDARD_ERRORS = 1;

  /**
   * A candidate's score on the confirmation rows and its margin ({@link #guarded}).
   *
   * @param score accuracy or RMSE
   * @param margin how much worse the guarded score is: accuracy points as a fraction, or RMSE
   */
  record Judged(double score, double margin) {

    /** The score made worse by the margin: what the confirmation holds against the limit. */
    double guarded(boolean classification) {
      return classification ? score - margin : score + margin;
    }
  }

  /**
   * The {@link #MARGIN_STANDARD_ERRORS} margin of a score from its per-row losses and those of the
   * reference network on the same rows ({@link Evaluator#rowLosses}): the standard error of the
   * mean paired difference, in accuracy for a classification; for a regression the error is of the
   * mean squared error, carried to the RMSE ({@code sqrt(mse + margin) - rmse}).
   */
  static Judged guarded(
      double score, double[] losses, double[] referenceLosses, boolean classification) {
    int n = losses.length;
    if (n < 2 || referenceLosses.length != n) {
      return new Judged(score, 0);
    }
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += losses[i] - referenceLosses[i];
    }
    mean /= n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = losses[i] - referenceLosses[i] - mean;
      squares += d * d;
    }
    double error = MARGIN_STANDARD_ERRORS * Math.sqrt(squares / (n - 1) / n);
    if (classification) {
      return new Judged(score, error);
    }
    return new Judged(score, Math.sqrt(score * score + error) - score);
  }

  /** The confirmation rows and the per-row losses of the network the reference is measured on. */
  private record Judge(Examples rows, double[] referenceLosses, CompressionConfig config) {

    /** One forward pass over the rows gives the candidate's score and its per-row losses. */
    Judged of(Probe p) {
      Examples kept = rows.selectColumns(p.pruning().keptInputs());
      float[] out = Evaluator.outputs(p.network(), kept);
      int k = p.network().outputs();
      boolean classification = rows.isClassification();
      double score =
          metric(
              Evaluator.score(out, k, kept, config.noiseSd(), p.source().targetSd), classification);
      return guarded(score, Evaluator.rowLosses(out, k, kept), referenceLosses, classification);
    }

    boolean accepts(Judged j, double limit) {
      return PruningRule.QualityBudget.within(
          j.guarded(rows.isClassification()), limit, rows.isClassification());
    }
  }

  /**
   * Walks up from the search's choice through every candidate within the budget on validation,
   * smallest first (fewer inputs and nodes first at one size), to the first that stays within it on
   * {@code confirm} too (ours). A bisection that keeps the smallest size passing on a few hundred
   * validation rows keeps the luckiest candidate near the limit; a second set of rows, judged
   * against its own reference, catches the candidates that only luck kept within it. No allowance
   * for the noise of those rows: one standard error of 80 rows is more than a point, and a measured
   * allowance of one error let through a network that lost 4.7 points on new rows
   * (docs/delivery.md).
   */
  private static Confirmation confirmation(
      Probe chosen,
      Candidates all,
      Probe largestProbe,
      DenseNetwork start,
      Examples confirm,
      CompressionConfig config,
      PruningRule.QualityBudget budget,
      Limit limit,
      Gaps gaps,
      boolean inflated) {
    boolean classification = start.output().isClassification();
    double[] sd = largestProbe.source().targetSd;
    double upload = metric(Evaluator.score(start, confirm, config.noiseSd(), sd), classification);
    double largest =
        score(
            largestProbe.network(), largestProbe.pruning(), confirm, largestProbe.source(), config);
    double reference = gaps.reference(upload, largest);
    // the upload's own weights are held to its own score where the validation split's reference
    // was corrected: whether the upload learned the rows is decided once, there
    double corrected = budget.limit(reference, classification);
    Limit confirmLimit =
        new Limit(
            corrected, inflated ? budget.limit(upload, classification) : corrected, classification);
    Map<Probe, Judged> scores = new java.util.IdentityHashMap<>();
    if (chosen == null) {
      return new Confirmation(null, reference, confirmLimit, scores, 0, null);
    }
    // paired with the network whose score the reference is: the upload (less its optimism), or
    // the largest candidate where the correction reached it
    double[] referenceLosses =
        reference == largest && reference != upload
            ? Evaluator.rowLosses(
                largestProbe.network(), confirm.selectColumns(largestProbe.pruning().keptInputs()))
            : Evaluator.rowLosses(start, confirm);
    Judge judge = new Judge(confirm, referenceLosses, config);
    List<Probe> ladder =
        all.evaluated().stream()
            .filter(p -> within(p, limit))
            .filter(p -> p.point().weights() >= chosen.point().weights())
            .sorted(
                Comparator.comparingLong((Probe p) -> p.point().weights())
                    .thenComparingLong(p -> units(p.pruning())))
            .toList();
    int rejected = 0;
    for (Probe p : ladder) {
      Judged j = judge.of(p);
      scores.put(p, j);
      if (judge.accepts(j, confirmLimit.of(p.point().source()))) {
        return new Confirmation(p, reference, confirmLimit, scores, rejected, judge);
      }
      rejected++;
    }
    return new Confirmation(null, reference, confirmLimit, scores, rejected, judge);
  }

  /**
   * Of the candidates within the budget at most {@link #RESOLUTION} times the confirmed one's size
   * (sizes the bisection does not tell apart), the fastest ({@link #FASTER}) that the confirmation
   * accepts too (ours). The smallest size alone chose, on MNIST, 15,610 weights on 262-89 hidden
   * nodes over 16,376 on 119-40: a network 5% larger with half the multiply-adds.
   */
  private static Confirmation faster(Confirmation c, Candidates all, Limit limit) {
    Probe chosen = c.chosen();
    if (chosen == null) {
      return c;
    }
    long size = chosen.point().weights();
    List<Probe> faster =
        all.evaluated().stream()
            .filter(p -> within(p, limit))
            .filter(p -> p.point().weights() >= size && p.point().weights() <= size * RESOLUTION)
            .filter(p -> FASTER.compare(p, chosen) < 0)
            .sorted(FASTER)
            .toList();
    if (faster.isEmpty()) {
      return c;
    }
    Map<Probe, Judged> scores = new java.util.IdentityHashMap<>(c.scores());
    for (Probe p : faster) {
      Judged j = scores.computeIfAbsent(p, c.judge()::of);
      if (c.accepts(p, j)) {
        return new Confirmation(p, c.reference(), c.limit(), scores, c.rejected(), c.judge());
      }
    }
    return new Confirmation(chosen, c.reference(), c.limit(), scores, c.rejected(), c.judge());
  }

  /** At most this many sizes are probed between a rejected candidate and the confirmed one. */
  static final int MAX_REFINE = 4;

  /**
   * When the confirmation rejected candidates and moved up to a larger one, bisects in log size
   * between the largest rejected and the confirmed one (ours): the search's probes were placed by
   * the validation score alone, so the next candidate within the budget can be far larger (on the
   * suite's MNIST-5k, 15% of the weights after two rejected candidates at 5.7% and 6.3%). A size
   * counts when its preferred candidate is within the budget on validation and on {@code confirm};
   * at most {@link #MAX_REFINE} sizes, down to the search's resolution.
   */
  private static Confirmation refined(
      Confirmation c,
      PosteriorPath path,
      Examples train,
      Examples judge,
      CompressionConfig config,
      Limit limit,
      boolean classification,
      Candidates all) {
    if (c.chosen() == null || c.rejected() == 0) {
      return c;
    }
    long hi = c.chosen().point().weights();
    long lo = 0;
    for (Map.Entry<Probe, Judged> e : c.scores().entrySet()) {
      long w = e.getKey().point().weights();
      if (w < hi && !c.accepts(e.getKey(), e.getValue())) {
        lo = Math.max(lo, w);
      }
    }
    if (lo == 0) {
      return c;
    }
    Map<Probe, Judged> scores = new java.util.IdentityHashMap<>(c.scores());
    Map<Long, Probe> accepted = new java.util.HashMap<>();
    long smallest =
        bisect(
            lo,
            hi,
            MAX_REFINE,
            size -> {
              Probe p = sized(path, size, null, train, judge, config, all, limit, classification);
              if (!within(p, limit)) {
                return false;
              }
              Judged j = scores.computeIfAbsent(p, c.judge()::of);
              if (!c.accepts(p, j)) {
                return false;
              }
              accepted.put(size, p);
              return true;
            });
    Probe chosen = accepted.getOrDefault(smallest, c.chosen());
    return new Confirmation(chosen, c.reference(), c.limit(), scores, c.rejected(), c.judge());
  }

  /**
   * Bisection in log size between {@code lo} (not accepted) and {@code hi} (accepted), at most
   * {@code probes} sizes, until the bracket is within {@link #RESOLUTION}: the smallest size
   * accepted ({@code hi} when none in between is).
   */
  static long bisect(long lo, long hi, int probes, java.util.function.LongPredicate accepts) {
    for (int n = 0; n < probes && hi > lo * RESOLUTION && hi - lo > 1; n++) {
      long mid = Math.round(Math.sqrt((double) lo * hi));
      mid = Math.max(lo + 1, Math.min(hi - 1, mid));
      if (accepts.test(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * The reference a budget is measured against, from the training-split scores of the upload and of
   * the largest candidate (ours). Users upload the rows their network learned, so the upload's
   * score on held-back rows may be as good as on its training rows: optimistic. The largest
   * candidate, fine-tuned on the training split alone, shows how much worse held-back rows score
   * than training rows for a network that did not see them; the upload's own gap shows how much of
   * that it already pays. The reference is the upload's score made worse by the difference (a ratio
   * for RMSE), never worse than the largest candidate's score: an upload that generalises (as large
   * a gap as the candidate's) keeps its own score as the reference, and a variational training that
   * costs accuracy on every split does not lower the bar.
   *
   * <p>Rows the upload never saw (a job's held-out dataset) need no correction: the reference is
   * the upload's own score on them ({@link #heldOut(boolean)}).
   *
   * @param uploadTrain the upload's score on the training split
   * @param largestTrain the largest candidate's score on the training split
   * @param heldOut whether the scored rows are held out from the upload: no correction
   */
  record Gaps(double uploadTrain, double largestTrain, boolean classification, boolean heldOut) {

    Gaps(double uploadTrain, double largestTrain, boolean classification) {
      this(uploadTrain, largestTrain, classification, false);
    }

    /** The reference on rows the upload never saw: its own score. */
    static Gaps heldOut(boolean classification) {
      return new Gaps(Double.NaN, Double.NaN, classification, true);
    }

    double reference(double upload, double largest) {
      if (heldOut) {
        return upload;
      }
      if (classification) {
        double optimism = Math.max(0, (largestTrain - largest) - (uploadTrain - upload));
        return Math.min(upload, Math.max(largest, upload - optimism));
      }
      double candidate = largestTrain > 0 ? largest / largestTrain : 1;
      double own = uploadTrain > 0 ? upload / uploadTrain : 1;
      double factor = Math.max(1, candidate / own);
      return Math.max(upload, Math.min(largest, upload * factor));
    }
  }

  private static boolean within(Probe p, Limit limit) {
    return limit.within(p.point());
  }

  /**
   * The worst validation score within the budget, by where a candidate comes from (ours). The
   * corrected reference ({@link Gaps}) is for networks that did not learn the validation rows: the
   * path's candidates, trained on the training split alone from the variational training's start
   * on. A magnitude candidate is the upload's own weights, pruned and fine-tuned briefly: it keeps
   * much of the upload's memory of the rows the upload learned, and is held to the upload's own
   * score on them, uncorrected (on the suite's {@code classes}, an upload at 0.976 on validation
   * rows it learned and 0.83 on new ones, such candidates at 61-74% of the weights passed the
   * corrected reference and lost 1.0-1.9 points on new rows). Where the reference is not corrected
   * (an upload that generalises, held-out rows), both limits are the same.
   *
   * @param corrected the limit of the reference
   * @param upload the limit of the upload's own score on the same rows
   */
  record Limit(double corrected, double upload, boolean classification) {

    /** The limit for a candidate of {@code source} ({@link PathPoint#source()}). */
    double of(String source) {
      boolean memorises =
          PathPoint.MAGNITUDE.equals(source) || PathPoint.MAGNITUDE_NODES.equals(source);
      return memorises
          ? (classification ? Math.max(corrected, upload) : Math.min(corrected, upload))
          : corrected;
    }

    boolean within(PathPoint p) {
      return PruningRule.QualityBudget.within(p.validationScore(), of(p.source()), classification);
    }
  }

  /**
   * The {@link #preferred} of two candidates of {@code weights} weights, both fine-tuned and
   * scored: the top-k by inclusion probability of the snapshot nearest that size, and the upload's
   * weights of largest magnitude.
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
      Limit limit,
      boolean classification) {
    Probe cached = all.bySize().get(weights);
    if (cached != null) {
      return cached;
    }
    PruningRule size = rule != null ? rule : new PruningRule.TargetWeights(weights);
    PosteriorPath.Snapshot snapshot = path.nearest(weights);
    Posterior at = path.at(snapshot);
    Posterior magnitude = all.magnitude();
    List<List<Probe>> lanes =
        both(
            () ->
                withGathered(
                    candidate(
                        at, snapshot.epoch(), size, train, judge, config, PathPoint.POSTERIOR),
                    at,
                    snapshot.epoch(),
                    weights,
                    size,
                    train,
                    judge,
                    config,
                    PathPoint.POSTERIOR_NODES),
            () ->
                withGathered(
                    candidate(magnitude, 0, size, train, judge, config, PathPoint.MAGNITUDE),
                    magnitude,
                    0,
                    weights,
                    size,
                    train,
                    judge,
                    config,
                    PathPoint.MAGNITUDE_NODES),
            config.threads());
    List<Probe> candidates = new ArrayList<>(lanes.get(0));
    candidates.addAll(lanes.get(1));
    all.evaluated().addAll(candidates);
    Probe better = preferred(candidates, limit);
    all.bySize().put(weights, better);
    return better;
  }

  /**
   * {@code plain} and, when the nodes are pruned, the same size of {@code post} gathered on fewer
   * hidden nodes ({@link Pruner#concentrated}), unless those nodes hold fewer weights than the
   * size.
   */
  private static List<Probe> withGathered(
      Probe plain,
      Posterior post,
      int epoch,
      long weights,
      PruningRule size,
      Examples train,
      Examples judge,
      CompressionConfig config,
      String source) {
    Posterior gathered = config.pruneNodes() ? Pruner.concentrated(post, weights) : post;
    if (gathered == post) {
      return List.of(plain);
    }
    PruningResult few =
        Pruner.prune(
            gathered, size, config.pruneNodes(), config.selectInputs(), config.seed(), false);
    if (few.keptWeights() < weights) {
      return List.of(plain);
    }
    if (sameNetwork(few, plain.pruning())) {
      // the same network fine-tunes to the same bits (the same rows, steps and seeded shuffle):
      // on the suite's bai-sim a quarter of the candidates were such twins
      PathPoint twin =
          PathPoint.of(
              epoch, few, plain.point().validationScore(), plain.point().fineTuned(), source);
      return List.of(plain, new Probe(twin, few, plain.network(), post));
    }
    Probe n = candidate(gathered, few, epoch, train, judge, config, source);
    // the posterior, not its re-ranked copy, is what the network came from
    return List.of(plain, new Probe(n.point(), n.pruning(), n.network(), post));
  }

  /** Whether two prunings give the same network: the same inputs, layers, weights and biases. */
  static boolean sameNetwork(PruningResult a, PruningResult b) {
    if (!java.util.Arrays.equals(a.keptInputs(), b.keptInputs())) {
      return false;
    }
    List<DenseLayer> x = a.network().layers();
    List<DenseLayer> y = b.network().layers();
    if (x.size() != y.size()) {
      return false;
    }
    for (int l = 0; l < x.size(); l++) {
      DenseLayer p = x.get(l);
      DenseLayer q = y.get(l);
      if (p.inputs() != q.inputs()
          || p.outputs() != q.outputs()
          || p.activation() != q.activation()
          || !java.util.Arrays.equals(p.weights(), q.weights())
          || !java.util.Arrays.equals(p.bias(), q.bias())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The two lanes of candidates of one size (the posterior's, the upload's), side by side when the
   * job may use more than one thread. Each candidate prunes, fine-tunes and scores on its own (its
   * own trainer, buffers and seeded shuffle), so they give the same bits whichever thread runs them
   * and in whichever order.
   */
  private static <T> List<T> both(
      java.util.function.Supplier<T> first, java.util.function.Supplier<T> second, int threads) {
    if (threads < 2) {
      T a = first.get();
      return List.of(a, second.get());
    }
    java.util.concurrent.FutureTask<T> other = new java.util.concurrent.FutureTask<>(second::get);
    Thread helper = new Thread(other, "path-search");
    helper.setDaemon(true);
    helper.start();
    T a;
    try {
      a = first.get();
    } finally {
      // never leave the helper running past the search, even when this thread failed
      boolean interrupted = false;
      while (true) {
        try {
          helper.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      return List.of(a, other.get());
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new EngineException("a path candidate failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("the path search was interrupted", e);
    }
  }

  /**
   * Of two candidates of one size: when both stay within the limit, the faster one ({@link
   * #FASTER}: fewer dense multiply-adds, then fewer inputs and hidden nodes; the posterior's on
   * ties); when one does, that one; else the better score (the posterior's on ties).
   */
  static Probe preferred(Probe bayes, Probe magnitude, Limit limit) {
    return preferred(List.of(bayes, magnitude), limit);
  }

  /**
   * As {@link #preferred(Probe, Probe, double, boolean)} for candidates of one size in order of
   * preference on ties: of those within the limit the fastest ({@link #FASTER}); when none is, the
   * best score.
   */
  static Probe preferred(List<Probe> candidates, Limit limit) {
    boolean classification = limit.classification();
    Probe best = null;
    boolean bestWithin = false;
    for (Probe p : candidates) {
      boolean in = within(p, limit);
      boolean better;
      if (best == null) {
        better = true;
      } else if (in != bestWithin) {
        better = in;
      } else if (in) {
        better = FASTER.compare(p, best) < 0;
      } else {
        double x = best.point().validationScore();
        double y = p.point().validationScore();
        better = classification ? y > x : y < x;
      }
      if (better) {
        best = p;
        bestWithin = in;
      }
    }
    return best;
  }

  /**
   * Multiply-adds of one row through the pruned network as deployed (dense layers of its kept
   * inputs and nodes): what its ONNX latency follows.
   */
  static long denseCost(PruningResult p) {
    long cost = 0;
    for (DenseLayer d : p.network().layers()) {
      cost += (long) d.inputs() * d.outputs();
    }
    return cost;
  }

  /** The faster network first: fewer dense multiply-adds, then fewer inputs and hidden nodes. */
  private static final Comparator<Probe> FASTER =
      Comparator.comparingLong((Probe p) -> denseCost(p.pruning()))
          .thenComparingLong(p -> units(p.pruning()));

  /** Inputs and hidden nodes a pruned network keeps. */
  private static long units(PruningResult p) {
    long n = p.keptInputs().length;
    for (int[] nodes : p.keptNodes()) {
      n += nodes.length;
    }
    return n;
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
    return candidate(post, pruning, epoch, train, judge, config, source);
  }

  /** Fine-tunes {@code pruning} (of {@code post}) on the training examples, scores. */
  private static Probe candidate(
      Posterior post,
      PruningResult pruning,
      int epoch,
      Examples train,
      Examples judge,
      CompressionConfig config,
      String source) {
    Compression.Tuned fineTuned =
        Compression.fineTuneScored(
            pruning.network(),
            train.selectColumns(pruning.keptInputs()),
            judge.selectColumns(pruning.keptInputs()),
            config,
            Pruner.totalWeights(post));
    DenseNetwork tuned = fineTuned.network();
    // the fine-tuning scored the network it kept on these very examples: accuracy and RMSE do not
    // depend on the target scale it scored with
    double score =
        fineTuned.validation() != null
            ? metric(fineTuned.validation(), judge.isClassification())
            : score(tuned, pruning, judge, post, config);
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

  /**
   * A pruning (by magnitude, or of a re-ranked posterior) with {@code last}'s inclusion
   * probabilities and PIP histograms.
   */
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
      boolean upload,
      Confirmation confirmation,
      boolean heldOut) {
    String keep =
        upload
            ? " The upload itself is delivered, unpruned."
            : " The best network found is delivered.";
    if (confirmation != null && confirmation.rejected() > 0) {
      // within on validation, not confirmed on the test split: the budget that would have been
      Judged bestConfirmed =
          confirmation.scores().values().stream()
              .min(
                  Comparator.comparingDouble(
                      (Judged j) -> classification ? -j.guarded(true) : j.guarded(false)))
              .orElseThrow();
      double guarded = bestConfirmed.guarded(classification);
      double miss =
          classification
              ? confirmation.reference() - guarded
              : guarded / confirmation.reference() - 1;
      return String.format(
              Locale.ROOT,
              "%d pruned network(s) stayed within the budget on the validation split, but none on"
                  + " the test split with its margin for the noise of %d rows (reference %.4g,"
                  + " limit %.4g; the best scored %.4g, %.4g with a margin of %.2g, one standard"
                  + " error of its paired difference with the reference network). Try %s %.3f, %s,"
                  + " or keep the upload.",
              confirmation.rejected(),
              confirmation.judge().rows().rows(),
              confirmation.reference(),
              confirmation.limit().corrected(),
              bestConfirmed.score(),
              guarded,
              bestConfirmed.margin(),
              classification ? "maxAccuracyDrop" : "maxRelativeRmseIncrease",
              Math.ceil(miss * 1000 - 1e-6) / 1000,
              heldOut ? "more held-out rows" : "a larger validationFraction and testFraction")
          + keep;
    }
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
              Math.ceil(drop * 1000 - 1e-6) / 1000)
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
            Math.ceil(increase * 1000 - 1e-6) / 1000)
        + keep;
  }
}
