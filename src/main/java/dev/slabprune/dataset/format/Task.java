package dev.slabprune.dataset.format;

/** What the target column holds. */
public enum Task {
  /** Class labels, mapped to indices {@code 0..classes-1}. */
  CLASSIFICATION,
  /** Real-valued targets, standardised to mean 0 and standard deviation 1. */
  REGRESSION
}
