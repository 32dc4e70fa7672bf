package dev.slabprune.model.format;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a (pruned) dense network as ONNX: one Gemm per layer with float32 {@code raw_data}
 * initializers of the network's own (smaller) shapes, an activation node after each non-identity
 * layer, the original output transform (Softmax or LogSoftmax, axis 1), and optionally a Gather
 * (axis 1) of the kept input columns in front so that the model still takes the original input. The
 * batch dimension is symbolic. Opset 13, IR version 8: loadable by ONNX Runtime 1.10 and later.
 */
public final class OnnxModelWriter {

  /** Operator set written; every op used here has its current semantics from this version. */
  public static final int OPSET = 13;

  /** IR version written: the one that goes with opset 13. */
  public static final int IR_VERSION = 8;

  public static final String PRODUCER = "slabprune";

  private final String producerVersion;

  public OnnxModelWriter() {
    this("0.1.0");
  }

  public OnnxModelWriter(String producerVersion) {
    this.producerVersion = producerVersion;
  }

  public byte[] write(DenseNetwork network, OnnxExportOptions options) {
    return toModel(network, options).toByteArray();
  }

  public void write(DenseNetwork network, OnnxExportOptions options, OutputStream out) {
    try {
      toModel(network, options).writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model as a protobuf message. */
  public ModelProto toModel(DenseNetwork network, OnnxExportOptions options) {
    int[] kept = options.keptInputsOrAll();
    if (kept.length != network.inputs()) {
      throw new IllegalArgumentException(
          "the network takes "
              + network.inputs()
              + " inputs but "
              + kept.length
              + " input features are kept");
    }
    boolean needGather = !options.reducedInput() && !isIdentity(kept, options.originalInputWidth());
    int inputWidth = options.reducedInput() ? kept.length : options.originalInputWidth();

    GraphProto.Builder graph = GraphProto.newBuilder().setName("slabprune_pruned");
    boolean shaped = !options.reducedInput() && options.inputShape().size() > 1;
    graph.addInput(
        shaped
            ? valueInfo(options.inputName(), options.inputShape())
            : valueInfo(options.inputName(), List.of(inputWidth)));
    graph.addOutput(valueInfo(options.outputName(), List.of(network.outputs())));

    String current = options.inputName();
    if (shaped) {
      graph.addNode(
          node("Flatten", "flatten_input", new String[] {current}, "flat_input")
              .addAttribute(intAttribute("axis", 1)));
      current = "flat_input";
    }
    if (needGather) {
      long[] indices = new long[kept.length];
      for (int k = 0; k < kept.length; k++) {
        indices[k] = kept[k];
      }
      graph.addInitializer(int64Tensor("kept_inputs", indices));
      graph.addNode(
          node("Gather", "select_inputs", new String[] {current, "kept_inputs"}, "selected_inputs")
              .addAttribute(intAttribute("axis", 1)));
      current = "selected_inputs";
    }
    boolean transform =
        network.output() == OutputKind.PROBABILITIES
            || network.output() == OutputKind.LOG_PROBABILITIES;
    int last = network.layers().size() - 1;
    for (int l = 0; l <= last; l++) {
      DenseLayer layer = network.layers().get(l);
      String prefix = "dense_" + (l + 1);
      boolean activated = layer.activation() != Activation.IDENTITY;
      String out =
          l == last && !activated && !transform ? options.outputName() : prefix + "_linear";
      graph.addInitializer(
          floatTensor(prefix + ".weight", layer.weights(), layer.inputs(), layer.outputs()));
      graph.addInitializer(floatTensor(prefix + ".bias", layer.bias(), layer.outputs()));
      graph.addNode(
          node("Gemm", prefix, new String[] {current, prefix + ".weight", prefix + ".bias"}, out));
      current = out;
      if (activated) {
        String name = layer.activation().name().toLowerCase() + "_" + (l + 1);
        String activatedOut = l == last && !transform ? options.outputName() : name + "_output";
        NodeProto.Builder act =
            node(opName(layer.activation()), name, new String[] {current}, activatedOut);
        if (layer.activation() == Activation.LEAKY_RELU) {
          act.addAttribute(
              AttributeProto.newBuilder()
                  .setName("alpha")
                  .setType(AttributeProto.AttributeType.FLOAT)
                  .setF(Activation.LEAKY_SLOPE));
        }
        graph.addNode(act);
        current = activatedOut;
      }
    }
    if (transform) {
      String op = network.output() == OutputKind.PROBABILITIES ? "Softmax" : "LogSoftmax";
      graph.addNode(
          node(op, op.toLowerCase(), new String[] {current}, options.outputName())
              .addAttribute(intAttribute("axis", 1)));
    }

    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName(PRODUCER)
            .setProducerVersion(producerVersion)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    for (Map.Entry<String, String> e : new TreeMap<>(options.metadata()).entrySet()) {
      model.addMetadataProps(
          StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return model.build();
  }

  private static boolean isIdentity(int[] kept, int width) {
    if (kept.length != width) {
      return false;
    }
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static String opName(Activation activation) {
    return switch (activation) {
      case RELU -> "Relu";
      case TANH -> "Tanh";
      case SIGMOID -> "Sigmoid";
      case IDENTITY -> "Identity";
      case LEAKY_RELU -> "LeakyRelu";
    };
  }

  private static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    return node;
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static ValueInfoProto valueInfo(String name, List<Integer> dims) {
    TensorShapeProto.Builder shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (int d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  private static TensorProto floatTensor(String name, float[] values, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    TensorProto.Builder t =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(bytes.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static TensorProto int64Tensor(String name, long[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(values.length)
        .setRawData(ByteString.copyFrom(bytes.array()))
        .build();
  }
}
