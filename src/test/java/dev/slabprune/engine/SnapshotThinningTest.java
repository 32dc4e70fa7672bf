package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded set of posterior snapshots spreads over the sizes the path went through. */
class SnapshotThinningTest {

  private static PosteriorPath.Snapshot at(int epoch, long weights) {
    return new PosteriorPath.Snapshot(epoch, weights, null, null, null);
  }

  /** Kept as the recorder keeps them: one snapshot an epoch, thinned after each. */
  private static List<PosteriorPath.Snapshot> record(long[] sizes) {
    List<PosteriorPath.Snapshot> kept = new ArrayList<>();
    for (int e = 0; e < sizes.length; e++) {
      kept.add(at(e + 1, sizes[e]));
      PosteriorPath.thin(kept, PosteriorPath.MAX_SNAPSHOTS);
    }
    return kept;
  }

  @Test
  void aPathThatFallsFastThenSlowlyKeepsSnapshotsAtEverySize() {
    // as the suite's MNIST-5k: -8% an epoch, then -6%, -4% and a long tail of -0.5%
    long[] sizes = new long[180];
    double log = Math.log(250_000);
    for (int e = 0; e < sizes.length; e++) {
      log -= e < 10 ? 0.08 : e < 60 ? 0.06 : e < 120 ? 0.04 : 0.005;
      sizes[e] = Math.round(Math.exp(log));
    }
    List<PosteriorPath.Snapshot> kept = record(sizes);

    assertThat(kept).hasSize(PosteriorPath.MAX_SNAPSHOTS);
    assertThat(kept.get(0).epoch()).isEqualTo(1);
    assertThat(kept.get(kept.size() - 1).epoch()).isEqualTo(sizes.length);
    double range = Math.log(sizes[0]) - Math.log(sizes[sizes.length - 1]);
    double even = range / (PosteriorPath.MAX_SNAPSHOTS - 1);
    for (int i = 0; i + 1 < kept.size(); i++) {
      double gap =
          Math.log(kept.get(i).medianWeights()) - Math.log(kept.get(i + 1).medianWeights());
      assertThat(gap).as("gap after epoch %d", kept.get(i).epoch()).isLessThan(2 * even);
    }
  }

  @Test
  void aPlateauKeepsOneSnapshotAndTheNewestStays() {
    long[] sizes = new long[40];
    for (int e = 0; e < sizes.length; e++) {
      sizes[e] = Math.round(1000 * Math.pow(0.8, Math.min(e, 20)));
    }
    List<PosteriorPath.Snapshot> kept = record(sizes);
    assertThat(kept).hasSize(PosteriorPath.MAX_SNAPSHOTS);
    assertThat(kept.get(kept.size() - 1).epoch()).isEqualTo(sizes.length);
    assertThat(kept).filteredOn(s -> s.medianWeights() == sizes[39]).hasSizeLessThanOrEqualTo(2);
  }
}
