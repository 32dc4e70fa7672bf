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
}
