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

  @Test
  void wholeNumbersUpTo255StayBytesAndAnyOtherValueTurnsThemIntoFloats() {
    int n = 3_000_000; // several byte chunks
    FloatBuilder bytes = FloatBuilder.smallIntegers(n);
    for (int i = 0; i < n; i++) {
      bytes.add(i % 256);
    }
    byte[] kept = bytes.toBytes();
    assertThat(kept).hasSize(n);
    for (int i = 0; i < n; i += 9_999) {
      assertThat(kept[i] & 0xFF).isEqualTo(i % 256);
    }

    for (float odd : new float[] {0.5f, 256f, -1f, -0f, Float.NaN}) {
      FloatBuilder floats = FloatBuilder.smallIntegers(n);
      for (int i = 0; i < n - 1; i++) {
        floats.add(i % 256);
      }
      floats.add(odd);
      assertThat(floats.toBytes()).as("%s", odd).isNull();
      float[] values = floats.toArray();
      assertThat(values).hasSize(n);
      assertThat(values[n - 2]).isEqualTo((n - 2) % 256);
      assertThat(Float.floatToRawIntBits(values[n - 1])).isEqualTo(Float.floatToRawIntBits(odd));
    }

    FloatBuilder fewer = FloatBuilder.smallIntegers(5);
    fewer.add(1);
    fewer.add(2);
    assertThat(fewer.toBytes()).isNull();
    assertThat(fewer.toArray()).containsExactly(1f, 2f);
    FloatBuilder more = FloatBuilder.smallIntegers(1);
    more.add(3);
    more.add(4);
    assertThat(more.toBytes()).isNull();
    assertThat(more.toArray()).containsExactly(3f, 4f);
  }
}
