package dev.slabprune.dataset.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FloatBuilderTest {

  @Test
  void valuesAddedOneByOneAndInBlocksComeOutInOrderAcrossChunks() {
    FloatBuilder builder = new FloatBuilder();
    float[] block = new float[70_000];
    int next = 0;
    while (next < 3_000_000) {
      if (next % 3 == 0) {
        for (int i = 0; i < block.length; i++) {
          block[i] = next + i;
        }
        builder.addAll(block, block.length);
        next += block.length;
      } else {
        builder.add(next++);
      }
    }

    float[] all = builder.toArray();

    assertThat(all).hasSize(next);
    assertThat(builder.size()).as("toArray hands the values over").isZero();
    for (int i = 0; i < all.length; i += 997) {
      assertThat(all[i]).isEqualTo((float) i);
    }
    assertThat(all[all.length - 1]).isEqualTo((float) (next - 1));
  }

  @Test
  void anExactBuilderHandsOverItsOneArrayAndContinuesInChunksWhenMoreCome() {
    FloatBuilder exact = FloatBuilder.exact(3);
    exact.add(1);
    exact.add(2);
    exact.add(3);
    assertThat(exact.toArray()).containsExactly(1, 2, 3);

    FloatBuilder over = FloatBuilder.exact(2);
    for (int i = 0; i < 2_500_000; i++) {
      over.add(i);
    }
    float[] all = over.toArray();
    assertThat(all).hasSize(2_500_000);
    assertThat(all[2_499_999]).isEqualTo(2_499_999f);

    FloatBuilder under = FloatBuilder.exact(5);
    under.add(7);
    assertThat(under.toArray()).containsExactly(7);
  }

  @Test
  void aDiscardingBuilderCountsWithoutKeeping() {
    FloatBuilder discarding = FloatBuilder.discarding();
    discarding.addAll(new float[100], 100);
    discarding.add(1);
    assertThat(discarding.size()).isEqualTo(101);
    assertThat(discarding.keeps()).isFalse();
  }
}
