package dev.slabprune.job;

import dev.slabprune.api.BadInputException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one table of a job's engine settings: each setting's type, range and default. Request
 * validation comes from it; tests hold the OpenAPI document's minimum, maximum and default, and the
 * engine's accepted range, to it, so a value inside the range never fails later.
 */
public enum JobSetting {
  /** Its default is not fixed: enough epochs for the step budget, see {@link EngineSettings}. */
  EPOCHS("epochs", Type.INTEGER, 1, false, 100_000, false, null, EngineSettings::epochs),
  BATCH_SIZE("batchSize", Type.INTEGER, 1, false, 65_536, false, 128, EngineSettings::batchSize),
  LEARNING_RATE("learningRate", Type.NUMBER, 0, true, 1, false, 1e-3, EngineSettings::learningRate),
  /** A number in the range, or {@code "auto"} (the default). */
  PRIOR_INCLUSION(
      "priorInclusion", Type.NUMBER_OR_AUTO, 0, true, 1, true, null, s -> s.priorInclusion()),
  SLAB_SD("slabSd", Type.NUMBER, 0, true, 1e6, false, 1.0, EngineSettings::slabSd),
  TEMPERATURE("temperature", Type.NUMBER, 0, true, 10, false, 0.5, EngineSettings::temperature),
  EVALUATION_SAMPLES(
      "evaluationSamples",
      Type.INTEGER,
      1,
      false,
      1_000,
      false,
      30,
      EngineSettings::evaluationSamples),
  /** A rule of its own: without a rule, the quality budget chooses from the path. */
  THRESHOLD("threshold", Type.NUMBER, 0, true, 1, true, null, EngineSettings::threshold),
  /** No upper bound: asking for more weights than the network has keeps them all. */
  TARGET_WEIGHTS(
      "targetWeights", Type.INTEGER, 1, false, null, false, null, EngineSettings::targetWeights),
  /** A share of the weights, the most probable: a rule of its own. */
  TARGET_DENSITY(
      "targetDensity", Type.NUMBER, 0, true, 1, false, null, EngineSettings::targetDensity),
  /** The quality budget of a classification: accuracy lost at most, 0.01 = one point. */
  MAX_ACCURACY_DROP(
      "maxAccuracyDrop", Type.NUMBER, 0, false, 1, false, 0.01, EngineSettings::maxAccuracyDrop),
  /** The quality budget of a regression: relative RMSE gained at most, 0.05 = 5%. */
  MAX_RELATIVE_RMSE_INCREASE(
      "maxRelativeRmseIncrease",
      Type.NUMBER,
      0,
      false,
      100,
      false,
      0.05,
      EngineSettings::maxRelativeRmseIncrease),
  PRUNE_NODES("pruneNodes", Type.BOOLEAN, null, false, null, false, true, s -> s.pruneNodes()),
  SELECT_INPUTS(
      "selectInputs", Type.BOOLEAN, null, false, null, false, true, s -> s.selectInputs()),
  FINE_TUNE_EPOCHS(
      "fineTuneEpochs", Type.INTEGER, 0, false, 1_000, false, 3, EngineSettings::fineTuneEpochs),
  EARLY_STOPPING_PATIENCE(
      "earlyStoppingPatience",
      Type.INTEGER,
      0,
      false,
      10_000,
      false,
      0,
      EngineSettings::earlyStoppingPatience),
  /** A number in the range, or {@code "auto"} (the default): the upload's residuals. */
  NOISE_SD("noiseSd", Type.NUMBER_OR_AUTO, 0, true, 1e6, false, null, s -> s.noiseSd());

  /** What values a setting takes. */
  public enum Type {
    INTEGER,
    NUMBER,
    NUMBER_OR_AUTO,
    BOOLEAN
  }

  private final String json;
  private final Type type;
  private final Number min;
  private final boolean minExclusive;
  private final Number max;
  private final boolean maxExclusive;
  private final Object defaultValue;
  private final Function<EngineSettings, Object> read;

  JobSetting(
      String json,
      Type type,
      Number min,
      boolean minExclusive,
      Number max,
      boolean maxExclusive,
      Object defaultValue,
      Function<EngineSettings, Object> read) {
    this.json = json;
    this.type = type;
    this.min = min;
    this.minExclusive = minExclusive;
    this.max = max;
    this.maxExclusive = maxExclusive;
    this.defaultValue = defaultValue;
    this.read = read;
  }

  /** The setting's name in requests, settings and the OpenAPI document. */
  public String json() {
    return json;
  }

  public Type type() {
    return type;
  }

  /** The least value, or null for none. */
  public Number min() {
    return min;
  }

  public boolean minExclusive() {
    return minExclusive;
  }

  /** The greatest value, or null for none. */
  public Number max() {
    return max;
  }

  public boolean maxExclusive() {
    return maxExclusive;
  }

  /** The value a job runs with when the request leaves the setting out; null where it varies. */
  public Object defaultValue() {
    return defaultValue;
  }

  int defaultInt() {
    return ((Number) defaultValue).intValue();
  }

  double defaultDouble() {
    return ((Number) defaultValue).doubleValue();
  }

  boolean defaultBoolean() {
    return (Boolean) defaultValue;
  }

  /** What is wrong with {@code value}, or null when it is in range (or absent). */
  String check(Object value) {
    if (value == null) {
      return null;
    }
    if (type == Type.NUMBER_OR_AUTO && value instanceof String text) {
      return text.strip().equalsIgnoreCase("auto") ? null : expected();
    }
    if (type == Type.BOOLEAN) {
      return value instanceof Boolean ? null : expected();
    }
    if (!(value instanceof Number number)) {
      return expected();
    }
    BigDecimal given;
    try {
      given = new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      return expected() + ", was " + number;
    }
    boolean low =
        min != null
            && (minExclusive
                ? given.compareTo(decimal(min)) <= 0
                : given.compareTo(decimal(min)) < 0);
    boolean high =
        max != null
            && (maxExclusive
                ? given.compareTo(decimal(max)) >= 0
                : given.compareTo(decimal(max)) > 0);
    return low || high ? expected() + ", was " + number : null;
  }

  /** The range in words, as the problem detail states it. */
  String expected() {
    return switch (type) {
      case BOOLEAN -> "must be true or false";
      case NUMBER_OR_AUTO -> "must be a number " + range() + " or \"auto\"";
      case INTEGER -> "must be a whole number " + range();
      case NUMBER -> "must be a number " + range();
    };
  }

  private String range() {
    if (max == null) {
      return (minExclusive ? "above " : "of at least ") + text(min);
    }
    return "from "
        + text(min)
        + (minExclusive ? " (excluded)" : "")
        + " to "
        + text(max)
        + (maxExclusive ? " (excluded)" : "");
  }

  private static String text(Number n) {
    return decimal(n).stripTrailingZeros().toPlainString();
  }

  private static BigDecimal decimal(Number n) {
    return new BigDecimal(n.toString());
  }

  /**
   * Every setting of {@code settings} out of its range, under {@code prefix} (such as {@code
   * settings.}); the epochs are also held to the operator's cap.
   */
  static List<BadInputException.Violation> violations(
      EngineSettings settings, String prefix, int maxEpochs) {
    List<BadInputException.Violation> errors = new ArrayList<>();
    for (JobSetting setting : values()) {
      String problem = setting.check(setting.read.apply(settings));
      if (problem != null) {
        errors.add(new BadInputException.Violation(prefix + setting.json, problem));
      }
    }
    if (settings.epochs() != null
        && EPOCHS.check(settings.epochs()) == null
        && settings.epochs() > maxEpochs) {
      errors.add(
          new BadInputException.Violation(
              prefix + EPOCHS.json,
              "must be at most "
                  + maxEpochs
                  + " on this service (slabprune.jobs.max-epochs), was "
                  + settings.epochs()));
    }
    int rules =
        (settings.threshold() != null ? 1 : 0)
            + (settings.targetWeights() != null ? 1 : 0)
            + (settings.targetDensity() != null ? 1 : 0);
    if (rules > 1) {
      errors.add(
          new BadInputException.Violation(
              prefix + (settings.targetWeights() != null ? TARGET_WEIGHTS : TARGET_DENSITY).json,
              "give at most one of threshold, targetWeights and targetDensity"));
    }
    return errors;
  }
}
