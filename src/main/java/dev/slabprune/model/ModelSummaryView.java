package dev.slabprune.model;

import dev.slabprune.engine.Activation;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.model.format.OnnxModelSummary;
import java.util.List;

/** What an uploaded model was parsed as, in the shape the API shows it. */
public record ModelSummaryView(
    List<LayerView> layers,
    List<Integer> architecture,
    TensorView input,
    TensorView output,
    long parameterCount,
    OutputKind outputKind,
    boolean outputKindInferred,
    long opsetVersion,
    String producer) {

  public record LayerView(int inputs, int outputs, Activation activation) {}

  public record TensorView(String name, List<String> shape, String elementType) {}

  static ModelSummaryView of(OnnxModelSummary summary, int[] architecture) {
    return new ModelSummaryView(
        summary.layers().stream()
            .map(l -> new LayerView(l.inputs(), l.outputs(), l.activation()))
            .toList(),
        java.util.Arrays.stream(architecture).boxed().toList(),
        tensor(summary.input()),
        tensor(summary.output()),
        summary.parameterCount(),
        summary.outputKind(),
        summary.outputKindInferred(),
        summary.opsetVersion(),
        (summary.producerName() + " " + summary.producerVersion()).strip());
  }

  private static TensorView tensor(OnnxModelSummary.TensorInfo info) {
    return new TensorView(info.name(), info.shape(), info.elementType());
  }
}
