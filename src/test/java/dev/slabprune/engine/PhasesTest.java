package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PhasesTest {

  @Test
  void phasesAreListedInTheOrderTheyFirstRanAndRepeatedOnesAddUp() {
    Phases phases = new Phases();
    phases.add("b", 2_000_000, 1_000_000);
    phases.time("a", () -> {});
    phases.add("b", 3_000_000, 1_000_000);
    String value = phases.time("c", () -> "done");

    assertThat(value).isEqualTo("done");
    List<Phases.Phase> list = phases.list();
    assertThat(list).extracting(Phases.Phase::name).containsExactly("b", "a", "c");
    assertThat(list.get(0).seconds()).isEqualTo(0.005);
    assertThat(list)
        .allSatisfy(
            p -> {
              assertThat(p.seconds()).isGreaterThanOrEqualTo(0.0);
              assertThat(p.cpuSeconds())
                  .satisfiesAnyOf(
                      c -> assertThat(c).isNaN(), c -> assertThat(c).isGreaterThanOrEqualTo(0.0));
            });
  }

  @Test
  void aPhaseThatThrowsIsStillTimed() {
    Phases phases = new Phases();
    assertThatThrownBy(
            () ->
                phases.time(
                    "failing",
                    (Runnable)
                        () -> {
                          throw new IllegalStateException("boom");
                        }))
        .hasMessage("boom");
    assertThat(phases.list()).extracting(Phases.Phase::name).containsExactly("failing");
  }

  @Test
  void aTimedListenerPassesEveryEventOnAndAddsItsTimeToThePhase() {
    Phases phases = new Phases();
    int[] calls = new int[4];
    TrainingListener inner =
        new TrainingListener() {
          @Override
          public void onEpochEnd(EpochSummary summary, Supplier<byte[]> checkpoint) {
            calls[0]++;
          }

          @Override
          public boolean stopAfterEpoch(EpochSummary summary) {
            calls[1]++;
            return true;
          }

          @Override
          public void onPosterior(EpochSummary summary, Supplier<Posterior> posterior) {
            calls[2]++;
          }

          @Override
          public void onSteps(StepProgress progress) {
            calls[3]++;
          }
        };
    TrainingListener timed = phases.timed(inner, Phases.CHECKPOINTS);
    timed.onEpochEnd(null, () -> new byte[0]);
    assertThat(timed.stopAfterEpoch(null)).isTrue();
    timed.onPosterior(null, () -> null);
    timed.onSteps(null);

    assertThat(calls).containsExactly(1, 1, 1, 1);
    assertThat(phases.list()).extracting(Phases.Phase::name).containsExactly(Phases.CHECKPOINTS);
    assertThat(phases.wallNanos(Phases.CHECKPOINTS)).isGreaterThanOrEqualTo(0);
  }
}
