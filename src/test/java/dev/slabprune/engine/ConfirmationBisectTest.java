package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sizes probed between a candidate the confirmation rejected and the one it accepted. */
class ConfirmationBisectTest {

  @Test
  void findsASizeNearTheSmallestAcceptedOneWithinTheProbes() {
    List<Long> probed = new ArrayList<>();
    long found =
        PathSearch.bisect(
            15_000,
            40_000,
            PathSearch.MAX_REFINE,
            size -> {
              probed.add(size);
              return size >= 21_000;
            });
    assertThat(probed).hasSizeLessThanOrEqualTo(PathSearch.MAX_REFINE).allMatch(s -> s > 15_000);
    assertThat(probed).allMatch(s -> s < 40_000);
    assertThat(found).isBetween(21_000L, (long) (21_000 * 1.2));
  }

  @Test
  void keepsTheAcceptedSizeWhenNoneInBetweenIsAccepted() {
    assertThat(PathSearch.bisect(100, 1_000, 4, size -> false)).isEqualTo(1_000);
    // a bracket already within the resolution probes nothing
    assertThat(PathSearch.bisect(1_000, 1_050, 4, size -> true)).isEqualTo(1_050);
  }
}
