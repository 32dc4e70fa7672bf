package dev.slabprune.model.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to write a pruned network as ONNX.
 *
 * @param inputName the original model's input name
 * @param outputName the original model's output name
 * @param originalInputWidth the original model's number of input features
 * @param keptInputs for each input of the pruned network, the original feature it reads, in order
 *     (distinct); {@code null} when no feature was pruned
 * @param reducedInput true to give the model only the kept features as input; false (the default)
 *     to keep the original input with a Gather of the kept columns in front
 * @param metadata provenance written to {@code metadata_props}: method, rule, thresholds, source
 *     hash and so on
 * @param inputShape the original input's dimensions after the batch, e.g. {@code [1, 28, 28]} for
 *     images, whose product is {@code originalInputWidth}; empty for {@code [originalInputWidth]}.
 *     With more than one dimension (and the full input kept) the model starts with a Flatten.
 */
public record OnnxExportOptions(
    String inputName,
    String outputName,
    int originalInputWidth,
    int[] keptInputs,
    boolean reducedInput,
    Map<String, String> metadata,
    List<Integer> inputShape) {

  public OnnxExportOptions {
    Objects.requireNonNull(inputName, "inputName");
    Objects.requireNonNull(outputName, "outputName");
    metadata = Map.copyOf(metadata);
    inputShape = List.copyOf(inputShape);
    keptInputs = keptInputs == null ? null : keptInputs.clone();
    if (inputName.isEmpty() || outputName.isEmpty() || inputName.equals(outputName)) {
      throw new IllegalArgumentException("input and output need distinct, non-empty names");
    }
    if (originalInputWidth <= 0) {
      throw new IllegalArgumentException("originalInputWidth must be positive");
    }
    if (!inputShape.isEmpty()) {
      long product = 1;
      for (int d : inputShape) {
        product *= d;
      }
      if (product != originalInputWidth) {
        throw new IllegalArgumentException(
            "input shape " + inputShape + " does not hold " + originalInputWidth + " features");
      }
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

  /** Options for an input of shape {@code [batch, originalInputWidth]}. */
  public OnnxExportOptions(
      String inputName,
      String outputName,
      int originalInputWidth,
      int[] keptInputs,
      boolean reducedInput,
      Map<String, String> metadata) {
    this(inputName, outputName, originalInputWidth, keptInputs, reducedInput, metadata, List.of());
  }

  /**
   * Keeps the original input and output names, and the original input (its shape too, when every
   * dimension after the batch is known).
   */
  public static OnnxExportOptions like(
      OnnxModelSummary original,
      int originalInputWidth,
      int[] keptInputs,
      Map<String, String> metadata) {
    List<Integer> shape = new ArrayList<>();
    List<String> dims = original.input().shape();
    for (int d = 1; d < dims.size(); d++) {
      try {
        shape.add(Integer.parseInt(dims.get(d)));
      } catch (NumberFormatException e) {
        shape.clear();
        break;
      }
    }
    long product = shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    if (shape.size() < 2 || product != originalInputWidth) {
      shape.clear();
    }
    return new OnnxExportOptions(
        original.input().name(),
        original.output().name(),
        originalInputWidth,
        keptInputs,
        false,
        metadata,
        shape);
  }

  /** The same options, with the input reduced to the kept features (or not). */
  public OnnxExportOptions withReducedInput(boolean reduced) {
    return new OnnxExportOptions(
        inputName, outputName, originalInputWidth, keptInputs, reduced, metadata, inputShape);
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
        && metadata.equals(other.metadata)
        && inputShape.equals(other.inputShape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        inputName,
        outputName,
        originalInputWidth,
        Arrays.hashCode(keptInputs),
        reducedInput,
        metadata,
        inputShape);
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
        + ", inputShape="
        + inputShape
        + "]";
  }
}
