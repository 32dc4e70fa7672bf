package dev.slabprune.model.format;

import dev.slabprune.engine.Activation;
import dev.slabprune.engine.OutputKind;
import java.util.List;
import java.util.Map;

/**
 * What an ONNX model holds, as read.
 *
 * @param layers dense layers from input to output
 * @param input the graph's data input
 * @param output the graph's output
 * @param parameterCount weights and biases as stored in the file
 * @param opsetVersion version of the default ONNX operator set the model imports
 * @param irVersion ONNX IR version of the file
 * @param producerName tool that wrote the file, empty if not recorded
 * @param producerVersion that tool's version, empty if not recorded
 * @param outputKind what the output means: probabilities after Softmax, log-probabilities after
 *     LogSoftmax, otherwise logits or a regression (see {@code outputKindInferred})
 * @param outputKindInferred true when the graph itself does not say (no output transform) and the
 *     kind was guessed from the output width or taken from the reader's options
 * @param selectedInputs input columns a Gather in front of the first layer keeps, in order; empty
 *     when every input column goes to the first layer
 * @param metadata the model's {@code metadata_props}
 */
public record OnnxModelSummary(
    List<Layer> layers,
    TensorInfo input,
    TensorInfo output,
    long parameterCount,
    long opsetVersion,
    long irVersion,
    String producerName,
    String producerVersion,
    OutputKind outputKind,
    boolean outputKindInferred,
    List<Integer> selectedInputs,
    Map<String, String> metadata) {

  public OnnxModelSummary {
    layers = List.copyOf(layers);
    selectedInputs = List.copyOf(selectedInputs);
    metadata = Map.copyOf(metadata);
  }

  /**
   * One dense layer.
   *
   * @param inputs fan-in as stored (after any Gather)
   * @param outputs units
   * @param activation applied after the affine map
   * @param nodes names of the ONNX nodes that make up the layer
   */
  public record Layer(int inputs, int outputs, Activation activation, List<String> nodes) {
    public Layer {
      nodes = List.copyOf(nodes);
    }
  }

  /**
   * A graph input or output.
   *
   * @param name as in the graph
   * @param shape one entry per dimension: the size, or the symbolic name, or {@code ?}
   * @param elementType {@code float32} or {@code float64}
   */
  public record TensorInfo(String name, List<String> shape, String elementType) {
    public TensorInfo {
      shape = List.copyOf(shape);
    }
  }
}
