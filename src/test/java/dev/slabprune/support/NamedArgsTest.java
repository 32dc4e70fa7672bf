package dev.slabprune.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class NamedArgsTest {

  @Test
  void argumentsAreSplitAtTheirFirstEqualsSignInTheOrderGiven() {
    assertThat(NamedArgs.parse("seed=2", "SETTINGS={\"a\":1}", "url=http://h/?x=y", "empty="))
        .containsExactly(
            entry("seed", "2"),
            entry("SETTINGS", "{\"a\":1}"),
            entry("url", "http://h/?x=y"),
            entry("empty", ""));
    assertThat(NamedArgs.parse("seed=1", "seed=3")).containsExactly(entry("seed", "3"));
    assertThat(NamedArgs.parse()).isEmpty();
  }

  @Test
  void anArgumentWithoutANameIsRefusedNamingIt() {
    assertThatThrownBy(() -> NamedArgs.parse("seed=1", "mnist"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mnist");
    assertThatThrownBy(() -> NamedArgs.parse("=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("=1");
  }
}
