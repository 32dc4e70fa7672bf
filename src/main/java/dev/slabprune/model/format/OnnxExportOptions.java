package dev.slabprune.model.format;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * How to write a pruned network as ONNX.
 *
 * @param inputName the original model's input name
 * @param outputName the original model's output name
 * @param originalInputWidth the original model's number of input features
 * @param keptInputs for each input of the pruned network, the original feature it reads, in order
 *     (strictly increasing not required, but distinct); {@code null} when no feature was pruned
 * @param reducedInput true to give the model only the kept features as input; false (the default)
 *     to keep the original input width with a Gather of the kept columns in front
 * @param metadata provenance written to {@code metadata_props}: method, rule, thresholds, source
 *     hash and so on
 */
public record OnnxExportOptions(
    String inputName,
    String outputName,
    int originalInputWidth,
    int[] keptInputs,
    boolean reducedInput,
    Map<String, String> metadata) {

  public OnnxExportOptions {
    Objects.requireNonNull(inputName, "inputName");
    Objects.requireNonNull(outputName, "outputName");
    metadata = Map.copyOf(metadata);
    keptInputs = keptInputs == null ? null : keptInputs.clone();
    if (inputName.isEmpty() || outputName.isEmpty() || inputName.equals(outputName)) {
      throw new IllegalArgumentException("input and output need distinct, non-empty names");
    }
    if (originalInputWidth <= 0) {
      throw new IllegalArgumentException("originalInputWidth must be positive");
    }
    if (keptInputs != null) {
      if (keptInputs.length == 0) {
        throw new IllegalArgumentException("at least one input feature must be kept");
      }
      boolean[] seen = new boolean[originalInputWidth];
      for (int k : keptInputs) {
        if (k < 0 || k >= originalInputWidth || seen[k]) {
          throw new IllegalArgumentException(
              "kept inputs must be distinct indices below "
                  + originalInputWidth
                  + ": "
                  + Arrays.toString(keptInputs));
        }
        seen[k] = true;
      }
    }
  }

  /** Options for a network whose input features were not pruned. */
  public static OnnxExportOptions allInputs(
      String inputName, String outputName, int inputWidth, Map<String, String> metadata) {
    return new OnnxExportOptions(inputName, outputName, inputWidth, null, false, metadata);
  }

  /** Keeps the original input and output names, and the original input width. */
  public static OnnxExportOptions like(
      OnnxModelSummary original,
      int originalInputWidth,
      int[] keptInputs,
      Map<String, String> metadata) {
    return new OnnxExportOptions(
        original.input().name(),
        original.output().name(),
        originalInputWidth,
        keptInputs,
        false,
        metadata);
  }

  /** The same options, with the input reduced to the kept features (or not). */
  public OnnxExportOptions withReducedInput(boolean reduced) {
    return new OnnxExportOptions(
        inputName, outputName, originalInputWidth, keptInputs, reduced, metadata);
  }

  /** The kept indices, or all of {@code 0..originalInputWidth-1}. */
  public int[] keptInputsOrAll() {
    if (keptInputs != null) {
      return keptInputs.clone();
    }
    int[] all = new int[originalInputWidth];
    Arrays.setAll(all, i -> i);
    return all;
  }

  @Override
  public int[] keptInputs() {
    return keptInputs == null ? null : keptInputs.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxExportOptions other
        && inputName.equals(other.inputName)
        && outputName.equals(other.outputName)
        && originalInputWidth == other.originalInputWidth
        && Arrays.equals(keptInputs, other.keptInputs)
        && reducedInput == other.reducedInput
        && metadata.equals(other.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputName,
        outputName,
        originalInputWidth,
        Arrays.hashCode(keptInputs),
        reducedInput,
        metadata);
  }

  @Override
  public String toString() {
    return "OnnxExportOptions[inputName="
        + inputName
        + ", outputName="
        + outputName
        + ", originalInputWidth="
        + originalInputWidth
        + ", keptInputs="
        + Arrays.toString(keptInputs)
        + ", reducedInput="
        + reducedInput
        + ", metadata="
        + metadata
        + "]";
  }
}
