package dev.slabprune.engine;

/**
 * The prior inclusion probability {@code lambda} of every parameter: a fixed number, or the
 * automatic choice of Bai, Song &amp; Cheng (NeurIPS 2020), {@code -log(lambda) = log T + 0.1 *
 * ((L+1) log N + log(sqrt(n) p))}.
 *
 * @param auto whether to derive lambda from the architecture and the number of examples
 * @param value the fixed lambda in (0, 1); ignored when {@code auto}
 */
public record PriorInclusion(boolean auto, double value) {

  public PriorInclusion {
    if (!auto && !(value > 0 && value < 1)) {
      throw new InvalidInputException(
          "the prior inclusion probability must lie in (0, 1), got " + value);
    }
  }

  public static PriorInclusion automatic() {
    return new PriorInclusion(true, Double.NaN);
  }

  public static PriorInclusion of(double lambda) {
    return new PriorInclusion(false, lambda);
  }

  /** Lambda for a network with widths {@code architecture} trained on {@code n} examples. */
  public double resolve(int[] architecture, long n) {
    if (!auto) {
      return value;
    }
    long t = 0;
    for (int l = 0; l + 1 < architecture.length; l++) {
      t += (long) (architecture[l] + 1) * architecture[l + 1];
    }
    int hidden = architecture.length - 2;
    int widest = architecture[architecture.length - 1];
    if (hidden > 0) {
      widest = 0;
      for (int l = 1; l <= hidden; l++) {
        widest = Math.max(widest, architecture[l]);
      }
    }
    double minusLog =
        Math.log(t)
            + 0.1 * ((hidden + 1) * Math.log(widest) + Math.log(Math.sqrt(n) * architecture[0]));
    return Math.exp(-minusLog);
  }
}
