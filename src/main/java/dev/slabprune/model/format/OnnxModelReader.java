package dev.slabprune.model.format;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads fully connected networks from ONNX, in the forms that {@code torch.onnx.export}, tf2onnx
 * and sklearn-onnx write: one chain of Gemm (or MatMul then Add) layers with Relu, Tanh or Sigmoid
 * activations, optionally Identity and Dropout anywhere, Flatten, Reshape or a Gather (axis 1) at
 * the input, and Softmax or LogSoftmax at the output. Weights are initializers or Constant nodes,
 * float32 or float64, as {@code raw_data} (little-endian) or {@code float_data}/{@code
 * double_data}. Everything else is refused with a {@link ModelFormatException} that names the node
 * and its op. A reader keeps no state between reads and may be shared.
 */
public final class OnnxModelReader {

  static final String SUPPORTED =
      "supported: Gemm or MatMul+Add layers; BatchNormalization and Add, Sub, Mul or Div by a"
          + " constant per feature (folded into a layer); Relu, LeakyRelu (alpha 0.01), Tanh,"
          + " Sigmoid; Identity, Dropout;"
          + " Flatten, Reshape or Gather (axis 1) at the input; Softmax or LogSoftmax at the output";

  private static final Set<String> LABEL_OPS =
      Set.of(
          "ArgMax", "ArrayFeatureExtractor", "Reshape", "Cast", "Identity", "Squeeze", "Flatten");

  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  private static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
  private static final int INT64 = TensorProto.DataType.INT64_VALUE;
  private static final int INT32 = TensorProto.DataType.INT32_VALUE;

  private final OnnxLimits limits;
  private final OutputKind rawOutputKind;

  /** A reader with the default limits that guesses the meaning of an untransformed output. */
  public OnnxModelReader() {
    this(OnnxLimits.DEFAULTS, null);
  }

  /**
   * @param limits size caps
   * @param rawOutputKind what an output without Softmax or LogSoftmax means ({@link
   *     OutputKind#LOGITS} or {@link OutputKind#REGRESSION}); null to guess: regression for one
   *     output, logits for more
   */
  public OnnxModelReader(OnnxLimits limits, OutputKind rawOutputKind) {
    this.limits = limits;
    if (rawOutputKind == OutputKind.PROBABILITIES
        || rawOutputKind == OutputKind.LOG_PROBABILITIES) {
      throw new IllegalArgumentException("an output without a transform is logits or regression");
    }
    this.rawOutputKind = rawOutputKind;
  }

  public OnnxModel read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the whole stream (at most {@link OnnxLimits#maxBytes()}); does not close it. */
  public OnnxModel read(InputStream in) {
    try {
      byte[] bytes = in.readNBytes((int) limits.maxBytes() + 1);
      if (bytes.length > limits.maxBytes()) {
        throw ModelFormatException.tooLarge(
            "The model file is larger than the limit of "
                + limits.maxBytes()
                + " bytes; upload a smaller model or raise the limit.");
      }
      return read(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OnnxModel read(byte[] bytes) {
    if (bytes.length > limits.maxBytes()) {
      throw ModelFormatException.tooLarge(
          "The model file holds "
              + bytes.length
              + " bytes, more than the limit of "
              + limits.maxBytes()
              + "; upload a smaller model or raise the limit.");
    }
    WireBudget.check(bytes, limits); // before parsing: a parse may cost eighty times the file
    ModelProto model;
    try {
      CodedInputStream coded = CodedInputStream.newInstance(bytes);
      coded.setRecursionLimit(64);
      coded.setSizeLimit(bytes.length);
      model = ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(
          ModelFormatException.UNREADABLE,
          "Not an ONNX model",
          "The file is not an ONNX model (protobuf ModelProto): "
              + e.getMessage()
              + ". Upload the .onnx file that your exporter wrote.",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return read(model);
  }

  /** Interprets an already parsed model. */
  public OnnxModel read(ModelProto model) {
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new ModelFormatException(
          ModelFormatException.UNREADABLE,
          "Not an ONNX model",
          "The file holds no ONNX graph (no nodes). Upload the .onnx file that your exporter"
              + " wrote.");
    }
    return new Walk(model).run();
  }

  /** The state of one read: the graph's constants, its consumers, and the layers found so far. */
  private final class Walk {
    private final ModelProto model;
    private final GraphProto graph;
    private final long opset;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Set<Integer> visited = new HashSet<>();
    private final Set<String> headValues = new HashSet<>();
    private final List<DenseLayer> layers = new ArrayList<>();
    private final List<OnnxModelSummary.Layer> layerSummaries = new ArrayList<>();

    // the layer being built: its affine map is known, its activation not yet
    private float[] pendingWeights;
    private float[] pendingBias;
    private int pendingIn;
    private int pendingOut;
    private Activation pendingActivation;
    private List<String> pendingNodes;

    // a per-feature affine map a x + c (a BatchNormalization, or an Add, Sub, Mul or Div by a
    // constant) on a value no layer's affine map can take: after an activation, or at the input;
    // folded into the next layer
    private double[] nextScale;
    private double[] nextShift;
    private NodeProto nextNode;

    private int inputRank;
    private boolean batchOfOne; // the input's batch dimension is fixed at 1
    private long width; // current width of the chain's value, -1 while unknown
    private boolean flattened;
    private int[] gather;
    private long gatherFrom; // the width the Gather selects from
    private OutputKind transform;
    private long storedParameters;

    Walk(ModelProto model) {
      this.model = model;
      this.graph = model.getGraph();
      this.opset = defaultOpset(model);
    }

    OnnxModel run() {
      if (graph.getNodeCount() > limits.maxNodes()) {
        throw ModelFormatException.tooLarge(
            "The graph has "
                + graph.getNodeCount()
                + " nodes, more than the limit of "
                + limits.maxNodes()
                + ".");
      }
      if (graph.getSparseInitializerCount() > 0) {
        throw new ModelFormatException(
            ModelFormatException.UNSUPPORTED_USE,
            "Sparse initializers are not supported",
            "Initializer '"
                + graph.getSparseInitializer(0).getValues().getName()
                + "' is sparse; export the model with dense initializers.");
      }
      for (TensorProto t : graph.getInitializerList()) {
        constants.put(t.getName(), t);
      }
      Set<Integer> head = labelHead();
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto node = graph.getNode(i);
        if (node.getOutputCount() == 0) {
          throw new ModelFormatException(
              ModelFormatException.UNREADABLE,
              "Invalid ONNX graph",
              "Node '"
                  + node.getName()
                  + "' ("
                  + node.getOpType()
                  + ") has no outputs, which ONNX does not allow; re-export the model.");
        }
        if (head.contains(i)) {
          visited.add(i);
          headValues.addAll(node.getOutputList());
          continue;
        }
        if (node.getOpType().equals("ZipMap")) {
          throw new ModelFormatException(
              ModelFormatException.UNSUPPORTED_OP,
              "Unsupported operator",
              "Node '"
                  + node.getName()
                  + "' (ZipMap) turns the probabilities into a list of maps; convert the"
                  + " scikit-learn model with options={'zipmap': False}.");
        }
        checkDomain(node);
        if (node.getOpType().equals("Constant")) {
          constants.put(node.getOutput(0), constantValue(node));
          visited.add(i);
          continue;
        }
        for (String input : new LinkedHashSet<>(node.getInputList())) {
          if (!input.isEmpty()) {
            consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(i);
          }
        }
      }
      ValueInfoProto input = dataInput();
      ValueInfoProto output = singleOutput();
      width = inputWidth(input);

      String current = input.getName();
      while (!current.equals(output.getName())) {
        current = step(current);
      }
      closeLayer();
      if (nextScale != null) {
        throw unsupportedUse(
            nextNode,
            "a per-feature map (BatchNormalization, or Add, Sub, Mul or Div by a constant) after"
                + " the last layer's activation cannot be folded into a layer; only one before an"
                + " activation, or one that a later Gemm or MatMul reads, is supported");
      }
      if (layers.isEmpty()) {
        throw new ModelFormatException(
            ModelFormatException.UNSUPPORTED_USE,
            "No dense layer",
            "The graph from '"
                + input.getName()
                + "' to '"
                + output.getName()
                + "' holds no Gemm or MatMul layer; "
                + SUPPORTED
                + ".");
      }
      for (int i = 0; i < graph.getNodeCount(); i++) {
        if (!visited.contains(i)) {
          NodeProto node = graph.getNode(i);
          throw new ModelFormatException(
              ModelFormatException.NOT_A_CHAIN,
              "Graph is not a chain",
              "Node '"
                  + node.getName()
                  + "' ("
                  + node.getOpType()
                  + ") is not on the path from the input '"
                  + input.getName()
                  + "' to the output '"
                  + output.getName()
                  + "'; only a single chain of layers is supported.");
        }
      }
      return build(input, output);
    }

    private OnnxModel build(ValueInfoProto input, ValueInfoProto output) {
      List<DenseLayer> computed = new ArrayList<>(layers);
      if (gather != null) {
        DenseLayer first = computed.get(0);
        int full = (int) gatherFrom;
        if ((long) full * first.outputs() > limits.maxTensorElements()) {
          throw ModelFormatException.tooLarge(
              "The Gather in front selects from "
                  + full
                  + " inputs; the first layer would hold more than the limit of "
                  + limits.maxTensorElements()
                  + " weights.");
        }
        float[] w = new float[full * first.outputs()];
        for (int k = 0; k < gather.length; k++) {
          for (int j = 0; j < first.outputs(); j++) {
            w[gather[k] * first.outputs() + j] += first.weights()[k * first.outputs() + j];
          }
        }
        computed.set(0, new DenseLayer(full, first.outputs(), w, first.bias(), first.activation()));
      }
      OutputKind kind;
      boolean inferred = transform == null;
      if (transform != null) {
        kind = transform;
      } else if (rawOutputKind != null) {
        kind = rawOutputKind;
      } else {
        kind =
            layers.get(layers.size() - 1).outputs() == 1
                ? OutputKind.REGRESSION
                : OutputKind.LOGITS;
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (StringStringEntryProto e : model.getMetadataPropsList()) {
        metadata.put(e.getKey(), e.getValue());
      }
      List<Integer> selected = new ArrayList<>();
      if (gather != null) {
        for (int g : gather) {
          selected.add(g);
        }
      }
      OnnxModelSummary summary =
          new OnnxModelSummary(
              layerSummaries,
              tensorInfo(input),
              tensorInfo(output),
              storedParameters,
              opset,
              model.getIrVersion(),
              model.getProducerName(),
              model.getProducerVersion(),
              kind,
              inferred,
              selected,
              metadata);
      return new OnnxModel(new DenseNetwork(computed, kind), summary);
    }

    /** Consumes the one node that reads {@code current}; returns the value it produces. */
    private String step(String current) {
      List<Integer> users = consumers.getOrDefault(current, List.of());
      if (users.isEmpty()) {
        throw new ModelFormatException(
            ModelFormatException.NOT_A_CHAIN,
            "Graph is not a chain",
            "Value '"
                + current
                + "' is read by no node and is not the graph's output; only a single chain of"
                + " layers from the input to the output is supported.");
      }
      if (users.size() == 2) {
        String next = binaryProbabilities(current, users);
        if (next == null) {
          next = dynamicFlatten(current, users);
        }
        if (next != null) {
          return next;
        }
      }
      if (users.size() > 1) {
        List<String> names = new ArrayList<>();
        for (int u : users) {
          names.add("'" + graph.getNode(u).getName() + "' (" + graph.getNode(u).getOpType() + ")");
        }
        throw new ModelFormatException(
            ModelFormatException.NOT_A_CHAIN,
            "Graph is not a chain",
            "Value '"
                + current
                + "' is read by "
                + users.size()
                + " nodes: "
                + String.join(", ", names)
                + "; only a single chain of layers is supported (no branches or skip"
                + " connections).");
      }
      int index = users.get(0);
      NodeProto node = graph.getNode(index);
      if (!visited.add(index)) {
        throw new ModelFormatException(
            ModelFormatException.NOT_A_CHAIN,
            "Graph is not a chain",
            "Node '"
                + node.getName()
                + "' ("
                + node.getOpType()
                + ") is reached twice: the graph has a cycle; only a single chain of layers is"
                + " supported.");
      }
      if (transform != null && !node.getOpType().equals("Identity")) {
        throw unsupportedUse(
            node, "nothing may follow the output's Softmax or LogSoftmax; make it the last node");
      }
      for (int o = 1; o < node.getOutputCount(); o++) {
        if (!node.getOutput(o).isEmpty() && consumers.containsKey(node.getOutput(o))) {
          throw new ModelFormatException(
              ModelFormatException.NOT_A_CHAIN,
              "Graph is not a chain",
              "Output '"
                  + node.getOutput(o)
                  + "' of node '"
                  + node.getName()
                  + "' ("
                  + node.getOpType()
                  + ") is read by another node; only a single chain of layers is supported.");
        }
      }
      switch (node.getOpType()) {
        case "Gemm" -> gemm(node, current);
        case "MatMul" -> matMul(node, current);
        case "Add", "Sub", "Mul", "Div" -> arithmetic(node, current);
        case "Relu" -> activation(node, Activation.RELU);
        case "Tanh" -> activation(node, Activation.TANH);
        case "Sigmoid" -> activation(node, Activation.SIGMOID);
        case "LeakyRelu" -> leakyRelu(node);
        case "Identity" -> {}
        case "BatchNormalization" -> batchNormalization(node, current);
        case "Cast" -> cast(node);
        case "Dropout" -> dropout(node);
        case "Flatten" -> flatten(node);
        case "Reshape" -> reshape(node, current);
        case "Gather" -> gather(node, current);
        case "Softmax" -> outputTransform(node, OutputKind.PROBABILITIES);
        case "LogSoftmax" -> outputTransform(node, OutputKind.LOG_PROBABILITIES);
        default ->
            throw new ModelFormatException(
                ModelFormatException.UNSUPPORTED_OP,
                "Unsupported operator",
                "Node '"
                    + node.getName()
                    + "' has op "
                    + node.getOpType()
                    + ", which this service does not compress; "
                    + SUPPORTED
                    + ".");
      }
      if (pendingNodes != null && !pendingNodes.contains(node.getName()) && isLayerPart(node)) {
        pendingNodes.add(node.getName());
      }
      return node.getOutput(0);
    }

    private boolean isLayerPart(NodeProto node) {
      return switch (node.getOpType()) {
        case "Gemm", "MatMul", "Relu", "Tanh", "Sigmoid", "LeakyRelu" -> true;
        default -> false;
      };
    }

    private void gemm(NodeProto node, String current) {
      if (node.getInputCount() < 2 || !node.getInput(0).equals(current)) {
        throw unsupportedUse(
            node, "the data must be Gemm's first operand A and the weights its second operand B");
      }
      if (intAttr(node, "transA", 0) != 0) {
        throw unsupportedUse(
            node, "transA = 1 would transpose the batch of data; only transA = 0 is supported");
      }
      boolean transB = intAttr(node, "transB", 0) != 0;
      float alpha = floatAttr(node, "alpha", 1f);
      float beta = floatAttr(node, "beta", 1f);
      TensorProto b = constant(node, 1, "weights");
      long[] dims = matrixDims(node, b);
      int in = (int) (transB ? dims[1] : dims[0]);
      int out = (int) (transB ? dims[0] : dims[1]);
      float[] values = floats(b, node); // checks the stored values before allocating for them
      startLayer(node, in, out);
      for (int i = 0; i < in; i++) {
        for (int j = 0; j < out; j++) {
          pendingWeights[i * out + j] = alpha * (transB ? values[j * in + i] : values[i * out + j]);
        }
      }
      storedParameters += values.length;
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        TensorProto c = constant(node, 2, "bias");
        float[] bias = broadcastBias(node, c, out, "bias");
        for (int j = 0; j < out; j++) {
          pendingBias[j] = beta * bias[j];
        }
        storedParameters += elementCount(c, node);
      }
      foldInputNormalisation();
    }

    private void matMul(NodeProto node, String current) {
      if (node.getInputCount() != 2 || !node.getInput(0).equals(current)) {
        throw unsupportedUse(
            node, "the data must be MatMul's first operand and the weights its second (x W)");
      }
      TensorProto w = constant(node, 1, "weights");
      long[] dims = matrixDims(node, w);
      float[] values = floats(w, node);
      startLayer(node, (int) dims[0], (int) dims[1]);
      System.arraycopy(values, 0, pendingWeights, 0, values.length);
      storedParameters += values.length;
      foldInputNormalisation();
    }

    /**
     * An inference BatchNormalization: y = scale (x - mean) / sqrt(var + epsilon) + bias, per
     * feature, which is a x + c. Right after a layer's affine map (before its activation) it scales
     * that layer's columns and shifts its bias; after an activation or at the input, the next layer
     * reads a x + c, so it scales that layer's rows and adds c W to its bias ({@link
     * #foldInputNormalisation}). Computed in double, stored in float.
     */
    private void batchNormalization(NodeProto node, String current) {
      if (node.getInputCount() != 5 || !node.getInput(0).equals(current)) {
        throw unsupportedUse(
            node,
            "the data must be its first operand, then scale, bias, mean and variance as"
                + " constants");
      }
      if (intAttr(node, "training_mode", 0) != 0) {
        throw unsupportedUse(
            node, "BatchNormalization in training mode; export the model in eval mode");
      }
      double epsilon = floatAttr(node, "epsilon", 1e-5f);
      float[] scale = floats(constant(node, 1, "scale"), node);
      float[] bias = floats(constant(node, 2, "bias"), node);
      float[] mean = floats(constant(node, 3, "mean"), node);
      float[] variance = floats(constant(node, 4, "variance"), node);
      int n = scale.length;
      if (n == 0 || bias.length != n || mean.length != n || variance.length != n) {
        throw unsupportedUse(
            node,
            "its scale, bias, mean and variance hold "
                + scale.length
                + ", "
                + bias.length
                + ", "
                + mean.length
                + " and "
                + variance.length
                + " values; they need one per feature");
      }
      if (width >= 0 && n != width) {
        throw unsupportedUse(
            node, "it normalises " + n + " features but the value before it has " + width);
      }
      double[] a = new double[n];
      double[] c = new double[n];
      for (int j = 0; j < n; j++) {
        double sd = Math.sqrt(variance[j] + epsilon);
        if (!(sd > 0) || !Double.isFinite(sd)) {
          throw unsupportedUse(
              node, "feature " + j + " has variance " + variance[j] + " and epsilon " + epsilon);
        }
        a[j] = scale[j] / sd;
        c[j] = bias[j] - a[j] * mean[j];
      }
      storedParameters += 4L * n;
      affine(node, a, c);
    }

    /**
     * The per-feature map a x + c of {@code node} on the chain's value, folded into a layer: right
     * after a layer's affine map (before its activation) it scales that layer's columns and maps
     * its bias; after an activation or at the input, the next layer reads a x + c, so its rows are
     * scaled and c W joins its bias when it starts ({@link #foldInputNormalisation}). Computed in
     * double, stored in float; an Add after a Gemm gives the bits of a float addition, as a bias.
     */
    private void affine(NodeProto node, double[] a, double[] c) {
      int n = a.length;
      if (pendingWeights != null && pendingActivation == null) {
        if (n != pendingOut) {
          throw unsupportedUse(
              node, "it maps " + n + " features but the layer before it gives " + pendingOut);
        }
        for (int i = 0; i < pendingIn; i++) {
          for (int j = 0; j < pendingOut; j++) {
            pendingWeights[i * pendingOut + j] =
                (float) (a[j] * pendingWeights[i * pendingOut + j]);
          }
        }
        for (int j = 0; j < pendingOut; j++) {
          pendingBias[j] = (float) (a[j] * pendingBias[j] + c[j]);
        }
        if (!pendingNodes.contains(node.getName())) {
          pendingNodes.add(node.getName());
        }
      } else if (nextScale != null) {
        // two in a row: a2 (a1 x + c1) + c2
        if (n != nextScale.length) {
          throw unsupportedUse(
              node, "it maps " + n + " features but the value before it has " + nextScale.length);
        }
        for (int j = 0; j < n; j++) {
          nextShift[j] = a[j] * nextShift[j] + c[j];
          nextScale[j] = a[j] * nextScale[j];
        }
        nextNode = node;
      } else {
        nextScale = a;
        nextShift = c;
        nextNode = node;
      }
      if (width < 0) {
        width = n;
      }
    }

    /** The layer just started reads the per-feature map a x + c before it: fold it in. */
    private void foldInputNormalisation() {
      if (nextScale == null) {
        return;
      }
      if (nextScale.length != pendingIn) {
        throw unsupportedUse(
            nextNode,
            "it normalises "
                + nextScale.length
                + " features but the layer after it takes "
                + pendingIn);
      }
      for (int j = 0; j < pendingOut; j++) {
        double shift = 0;
        for (int i = 0; i < pendingIn; i++) {
          shift += nextShift[i] * pendingWeights[i * pendingOut + j];
        }
        pendingBias[j] = (float) (pendingBias[j] + shift);
      }
      for (int i = 0; i < pendingIn; i++) {
        for (int j = 0; j < pendingOut; j++) {
          pendingWeights[i * pendingOut + j] =
              (float) (nextScale[i] * pendingWeights[i * pendingOut + j]);
        }
      }
      pendingNodes.add(nextNode.getName());
      nextScale = null;
      nextShift = null;
      nextNode = null;
    }

    /**
     * Add, Sub, Mul or Div of the chain's value and a constant holding one value per feature (or
     * one for all): a per-feature affine map ({@link #affine}). An Add right after a Gemm or MatMul
     * is its bias; Sub and Div undo a scaling of the inputs baked into the model, (x - mean) / sd.
     * Only the constant divides: k / x is not affine.
     */
    private void arithmetic(NodeProto node, String current) {
      String op = node.getOpType();
      if (node.getInputCount() != 2) {
        throw unsupportedUse(node, op + " needs two operands");
      }
      boolean dataFirst = node.getInput(0).equals(current);
      int other = dataFirst ? 1 : 0;
      if (node.getInput(other).equals(current)) {
        throw unsupportedUse(node, "one operand of " + op + " must be a constant");
      }
      TensorProto k = constant(node, other, "operand");
      int n = width >= 0 ? (int) width : (int) Math.min(Integer.MAX_VALUE, elementCount(k, node));
      float[] v = broadcastBias(node, k, n, op.equals("Add") ? "bias" : "operand");
      double[] a = new double[n];
      double[] c = new double[n];
      for (int j = 0; j < n; j++) {
        switch (op) {
          case "Add" -> {
            a[j] = 1;
            c[j] = v[j];
          }
          case "Sub" -> {
            a[j] = dataFirst ? 1 : -1;
            c[j] = dataFirst ? -(double) v[j] : v[j];
          }
          case "Mul" -> a[j] = v[j];
          default -> {
            if (!dataFirst) {
              throw unsupportedUse(node, "a constant divided by the data is not a layer's map");
            }
            if (v[j] == 0 || !Float.isFinite(v[j])) {
              throw unsupportedUse(node, "it divides feature " + j + " by " + v[j]);
            }
            a[j] = 1.0 / v[j];
          }
        }
      }
      storedParameters += elementCount(k, node);
      affine(node, a, c);
    }

    private void activation(NodeProto node, Activation activation) {
      if (pendingWeights == null) {
        throw unsupportedUse(
            node,
            "an activation must follow a Gemm or MatMul layer; "
                + (layers.isEmpty()
                    ? "this one comes before any layer"
                    : "this one follows another activation"));
      }
      if (pendingActivation != null) {
        throw unsupportedUse(
            node,
            "a layer has one activation, and this one follows "
                + pendingActivation
                + "; remove one of them");
      }
      pendingActivation = activation;
    }

    /** LeakyRelu at the slope of PyTorch's default, the one the engine trains with. */
    private void leakyRelu(NodeProto node) {
      float alpha = floatAttr(node, "alpha", Activation.LEAKY_SLOPE);
      if (alpha != Activation.LEAKY_SLOPE) {
        throw unsupportedUse(
            node,
            "LeakyRelu is supported with alpha "
                + Activation.LEAKY_SLOPE
                + " (PyTorch's default negative_slope), not "
                + alpha);
      }
      activation(node, Activation.LEAKY_RELU);
    }

    private void dropout(NodeProto node) {
      if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
        TensorProto mode = constant(node, 2, "training_mode");
        long[] v = ints(mode, node);
        if (v.length != 1 || v[0] != 0) {
          throw unsupportedUse(node, "Dropout in training mode; export the model in eval mode");
        }
      }
    }

    private void flatten(NodeProto node) {
      requireAtInput(node);
      if (intAttr(node, "axis", 1) != 1) {
        throw unsupportedUse(node, "only Flatten with axis = 1 (keep the batch) is supported");
      }
      flattened = true;
    }

    /** A Reshape that keeps [batch, width]: at the input (flattening) or anywhere as a no-op. */
    private void reshape(NodeProto node, String current) {
      if (node.getInputCount() < 2 || !node.getInput(0).equals(current)) {
        throw unsupportedUse(node, "the data must be Reshape's first operand");
      }
      long[] shape = ints(constant(node, 1, "shape"), node);
      // [1, ...] keeps the batch too where the input's batch is fixed at 1 (an export without a
      // dynamic batch); the model written back has a batch of any size
      boolean batchKept =
          shape.length == 2 && (shape[0] == -1 || shape[0] == 0 || (shape[0] == 1 && batchOfOne));
      boolean widthOk =
          batchKept
              && (shape[1] == width
                  || (shape[1] == -1 && shape[0] != -1)
                  || (width < 0 && shape[1] > 0));
      if (!widthOk) {
        throw unsupportedUse(
            node,
            "only a Reshape to [-1, width] or [0, -1] (or [1, -1] where the input's batch is"
                + " fixed at 1) is supported, got "
                + Arrays.toString(shape));
      }
      if (width < 0 && shape[1] > 0) {
        width = shape[1];
      }
      flattened = true;
    }

    private void cast(NodeProto node) {
      long to = intAttr(node, "to", 0);
      if (to != FLOAT && to != DOUBLE) {
        throw unsupportedUse(
            node,
            "only a Cast to float32 or float64 is supported, not to " + dataTypeName((int) to));
      }
    }

    /**
     * {@code x.view(x.size(0), -1)} as PyTorch exports it with a dynamic batch: the input is read
     * by a Shape and by a Reshape whose target shape the graph computes from that Shape (Gather of
     * dimension 0, Unsqueeze, Concat with -1 or the width; Cast). Evaluated here with the batch as
     * a symbol; when it comes to [batch, -1] or [batch, width] it is a flatten, and the nodes that
     * compute it are consumed with it. Returns the Reshape's output, or null if the two readers of
     * {@code current} are not this pattern.
     */
    private String dynamicFlatten(String current, List<Integer> users) {
      if (pendingWeights != null || !layers.isEmpty() || gather != null) {
        return null;
      }
      int shapeIndex = -1;
      int reshapeIndex = -1;
      for (int u : users) {
        NodeProto n = graph.getNode(u);
        if (n.getOpType().equals("Shape") && n.getAttributeCount() == 0) {
          shapeIndex = u;
        } else if (n.getOpType().equals("Reshape")
            && n.getInputCount() == 2
            && n.getInput(0).equals(current)) {
          reshapeIndex = u;
        }
      }
      if (shapeIndex < 0 || reshapeIndex < 0) {
        return null;
      }
      NodeProto reshape = graph.getNode(reshapeIndex);
      Set<Integer> used = new HashSet<>();
      used.add(shapeIndex);
      long[] target;
      try {
        target = symbolicShape(reshape.getInput(1), graph.getNode(shapeIndex), used, 0);
      } catch (ModelFormatException e) {
        return null;
      }
      if (target == null
          || target.length != 2
          || target[0] != BATCH
          || !(target[1] == -1 || (width >= 0 && target[1] == width))) {
        return null;
      }
      // every value computed on the way is read only by the nodes that compute the shape
      for (int i : used) {
        for (String out : graph.getNode(i).getOutputList()) {
          for (int reader : consumers.getOrDefault(out, List.of())) {
            if (reader != reshapeIndex && !used.contains(reader)) {
              return null;
            }
          }
        }
      }
      for (int i : used) {
        if (visited.contains(i)) {
          return null;
        }
      }
      visited.addAll(used);
      visited.add(reshapeIndex);
      flattened = true;
      return reshape.getOutput(0);
    }

    /** The batch in a shape computed by the graph. */
    private static final long BATCH = Long.MIN_VALUE;

    /**
     * The integer values of {@code value} as the graph computes them from the input's Shape (the
     * batch as {@link #BATCH}), or null where they cannot be known here; {@code used} collects the
     * nodes that computed them.
     */
    private long[] symbolicShape(String value, NodeProto shape, Set<Integer> used, int depth) {
      if (depth > 16) {
        return null;
      }
      if (constants.containsKey(value)) {
        return ints(constants.get(value), shape);
      }
      if (value.equals(shape.getOutput(0))) {
        TensorShapeProto dims = dataInput().getType().getTensorType().getShape();
        long[] out = new long[dims.getDimCount()];
        for (int d = 0; d < out.length; d++) {
          out[d] =
              d == 0 ? BATCH : dims.getDim(d).hasDimValue() ? dims.getDim(d).getDimValue() : -2;
        }
        return out;
      }
      int producer = -1;
      for (int i = 0; i < graph.getNodeCount() && producer < 0; i++) {
        if (graph.getNode(i).getOutputCount() > 0 && graph.getNode(i).getOutput(0).equals(value)) {
          producer = i;
        }
      }
      if (producer < 0) {
        return null;
      }
      NodeProto node = graph.getNode(producer);
      used.add(producer);
      if (node.getInputCount() == 0
          || (node.getOpType().equals("Gather") && node.getInputCount() != 2)) {
        return null;
      }
      switch (node.getOpType()) {
        case "Cast", "Identity" -> {
          return symbolicShape(node.getInput(0), shape, used, depth + 1);
        }
        case "Gather" -> {
          long[] data = symbolicShape(node.getInput(0), shape, used, depth + 1);
          long[] index = symbolicShape(node.getInput(1), shape, used, depth + 1);
          if (data == null || index == null || intAttr(node, "axis", 0) != 0) {
            return null;
          }
          long[] out = new long[index.length];
          for (int i = 0; i < index.length; i++) {
            long at = index[i] < 0 ? index[i] + data.length : index[i];
            if (at < 0 || at >= data.length) {
              return null;
            }
            out[i] = data[(int) at];
          }
          return out;
        }
        case "Unsqueeze", "Squeeze" -> {
          return symbolicShape(node.getInput(0), shape, used, depth + 1);
        }
        case "Concat" -> {
          if (intAttr(node, "axis", 0) != 0) {
            return null;
          }
          List<Long> out = new ArrayList<>();
          for (String in : node.getInputList()) {
            long[] part = symbolicShape(in, shape, used, depth + 1);
            if (part == null) {
              return null;
            }
            for (long v : part) {
              out.add(v);
            }
          }
          return out.stream().mapToLong(Long::longValue).toArray();
        }
        default -> {
          return null;
        }
      }
    }

    /**
     * The end of a binary classifier as sklearn-onnx writes it: p = Sigmoid(z) with one unit, then
     * Concat(1 - p, p). Read as the equivalent two-unit layer [0, z] with a Softmax, since
     * softmax(0, z) = (1 - sigmoid(z), sigmoid(z)). Returns the Concat's output, or null if the two
     * readers of {@code current} are not this pattern.
     */
    private String binaryProbabilities(String current, List<Integer> users) {
      if (pendingWeights == null
          || pendingOut != 1
          || pendingActivation != Activation.SIGMOID
          || transform != null) {
        return null;
      }
      NodeProto sub = null;
      NodeProto concat = null;
      int subIndex = -1;
      int concatIndex = -1;
      for (int u : users) {
        NodeProto n = graph.getNode(u);
        if (n.getOpType().equals("Sub")) {
          sub = n;
          subIndex = u;
        } else if (n.getOpType().equals("Concat")) {
          concat = n;
          concatIndex = u;
        }
      }
      if (sub == null
          || concat == null
          || sub.getInputCount() != 2
          || !sub.getInput(1).equals(current)
          || !constants.containsKey(sub.getInput(0))
          || concat.getInputCount() != 2
          || !concat.getInput(0).equals(sub.getOutput(0))
          || !concat.getInput(1).equals(current)
          || Math.abs(intAttr(concat, "axis", 0)) != 1
          || consumers.getOrDefault(sub.getOutput(0), List.of()).size() != 1) {
        return null;
      }
      float[] one = floats(constants.get(sub.getInput(0)), sub);
      if (one.length != 1 || one[0] != 1f) {
        return null;
      }
      float[] w = new float[pendingIn * 2];
      for (int i = 0; i < pendingIn; i++) {
        w[i * 2 + 1] = pendingWeights[i];
      }
      pendingWeights = w;
      pendingBias = new float[] {0, pendingBias[0]};
      pendingOut = 2;
      pendingActivation = null;
      pendingNodes.add(sub.getName());
      pendingNodes.add(concat.getName());
      width = 2;
      transform = OutputKind.PROBABILITIES;
      visited.add(subIndex);
      visited.add(concatIndex);
      return concat.getOutput(0);
    }

    private void gather(NodeProto node, String current) {
      requireAtInput(node);
      if (gather != null) {
        throw unsupportedUse(node, "only one Gather at the input is supported");
      }
      if (node.getInputCount() != 2 || !node.getInput(0).equals(current)) {
        throw unsupportedUse(node, "the data must be Gather's first operand");
      }
      if (intAttr(node, "axis", 0) != 1) {
        throw unsupportedUse(
            node, "only a Gather of input columns (axis = 1) is supported at the input");
      }
      if ((inputRank != 2 && !flattened) || width < 0) {
        throw unsupportedUse(
            node, "a Gather needs an input of shape [batch, features] with a known width");
      }
      TensorProto indices = constant(node, 1, "indices");
      if (indices.getDimsCount() != 1) {
        throw unsupportedUse(node, "the indices must be a 1-D constant");
      }
      long[] values = ints(indices, node);
      if (values.length == 0) {
        throw unsupportedUse(node, "the Gather keeps no input column");
      }
      gather = new int[values.length];
      gatherFrom = width;
      for (int k = 0; k < values.length; k++) {
        long v = values[k] < 0 ? values[k] + width : values[k];
        if (v < 0 || v >= width) {
          throw unsupportedUse(
              node, "index " + values[k] + " is outside the input's " + width + " columns");
        }
        gather[k] = (int) v;
      }
      width = values.length;
    }

    private void outputTransform(NodeProto node, OutputKind kind) {
      if (pendingWeights == null) {
        throw unsupportedUse(node, "the output transform must follow the last layer");
      }
      long defaultAxis = opset >= 13 ? -1 : 1;
      long axis = intAttr(node, "axis", defaultAxis);
      if (axis != 1 && axis != -1) {
        throw unsupportedUse(node, "only a transform over the class axis (1 or -1) is supported");
      }
      transform = kind;
    }

    private void requireAtInput(NodeProto node) {
      if (pendingWeights != null || !layers.isEmpty() || gather != null) {
        throw unsupportedUse(
            node, node.getOpType() + " is supported only at the input, before the first layer");
      }
    }

    private void startLayer(NodeProto node, int in, int out) {
      closeLayer();
      if (inputRank > 2 && !flattened && layers.isEmpty()) {
        throw unsupportedUse(
            node, "the input has rank " + inputRank + "; flatten it to [batch, features] first");
      }
      if (in <= 0 || out <= 0) {
        throw unsupportedUse(
            node,
            "its weights are "
                + in
                + "x"
                + out
                + "; a layer needs at least one input and one output (re-export the model)");
      }
      if (in > limits.maxWidth() || out > limits.maxWidth()) {
        throw ModelFormatException.tooLarge(
            "Node '"
                + node.getName()
                + "' ("
                + node.getOpType()
                + ") is "
                + in
                + "x"
                + out
                + ", wider than the limit of "
                + limits.maxWidth()
                + " units.");
      }
      if (width >= 0 && in != width) {
        throw unsupportedUse(
            node, "its weights take " + in + " inputs but the value before it has " + width);
      }
      pendingIn = in;
      pendingOut = out;
      pendingWeights = new float[Math.multiplyExact(in, out)];
      pendingBias = new float[out];
      pendingActivation = null;
      pendingNodes = new ArrayList<>();
      width = out;
    }

    private void closeLayer() {
      if (pendingWeights == null) {
        return;
      }
      Activation a = pendingActivation == null ? Activation.IDENTITY : pendingActivation;
      layers.add(new DenseLayer(pendingIn, pendingOut, pendingWeights, pendingBias, a));
      layerSummaries.add(new OnnxModelSummary.Layer(pendingIn, pendingOut, a, pendingNodes));
      pendingWeights = null;
      pendingBias = null;
      pendingActivation = null;
      pendingNodes = null;
    }

    private ValueInfoProto dataInput() {
      List<ValueInfoProto> inputs = new ArrayList<>();
      for (ValueInfoProto v : graph.getInputList()) {
        if (!constants.containsKey(v.getName())) {
          inputs.add(v);
        }
      }
      if (inputs.size() != 1) {
        List<String> names = inputs.stream().map(ValueInfoProto::getName).toList();
        throw new ModelFormatException(
            ModelFormatException.NOT_A_CHAIN,
            "One input expected",
            "The graph has "
                + inputs.size()
                + " data inputs "
                + names
                + "; a network with exactly one input of shape [batch, features] is supported.");
      }
      ValueInfoProto input = inputs.get(0);
      checkElementType(input);
      return input;
    }

    /**
     * The nodes that turn the probabilities into a predicted label, as sklearn-onnx classifiers
     * end: everything downstream of an ArgMax, if it is made of label-picking ops only. They are
     * left out of the network, and the outputs they produce are ignored.
     */
    private Set<Integer> labelHead() {
      Map<String, List<Integer>> readers = new HashMap<>();
      List<Integer> todo = new ArrayList<>();
      for (int i = 0; i < graph.getNodeCount(); i++) {
        NodeProto node = graph.getNode(i);
        for (String in : node.getInputList()) {
          readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
        if (node.getOpType().equals("ArgMax")) {
          todo.add(i);
        }
      }
      Set<Integer> head = new HashSet<>();
      while (!todo.isEmpty()) {
        int i = todo.remove(todo.size() - 1);
        if (!head.add(i)) {
          continue;
        }
        if (!LABEL_OPS.contains(graph.getNode(i).getOpType())) {
          return Set.of();
        }
        for (String out : graph.getNode(i).getOutputList()) {
          todo.addAll(readers.getOrDefault(out, List.of()));
        }
      }
      return head;
    }

    private ValueInfoProto singleOutput() {
      List<ValueInfoProto> outputs = new ArrayList<>();
      for (ValueInfoProto v : graph.getOutputList()) {
        if (!headValues.contains(v.getName())) {
          outputs.add(v);
        }
      }
      if (outputs.size() != 1) {
        List<String> names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        throw new ModelFormatException(
            ModelFormatException.NOT_A_CHAIN,
            "One output expected",
            "The graph has "
                + outputs.size()
                + " outputs besides a predicted label "
                + names
                + "; a network with exactly one output (its scores or probabilities) is"
                + " supported.");
      }
      return outputs.get(0);
    }

    private void checkElementType(ValueInfoProto v) {
      int type = v.getType().getTensorType().getElemType();
      if (type != FLOAT && type != DOUBLE) {
        throw new ModelFormatException(
            ModelFormatException.UNSUPPORTED_DTYPE,
            "Unsupported element type",
            "Graph input '"
                + v.getName()
                + "' has element type "
                + dataTypeName(type)
                + "; only float32 and float64 inputs are supported.");
      }
    }

    /** The input's width, or -1 if the shape does not say; also records its rank. */
    private long inputWidth(ValueInfoProto input) {
      TensorShapeProto shape = input.getType().getTensorType().getShape();
      inputRank = shape.getDimCount();
      batchOfOne =
          inputRank > 0 && shape.getDim(0).hasDimValue() && shape.getDim(0).getDimValue() == 1;
      if (inputRank == 0) {
        inputRank = 2;
        return -1;
      }
      if (inputRank < 2) {
        throw new ModelFormatException(
            ModelFormatException.UNSUPPORTED_USE,
            "Input must be a batch of rows",
            "Graph input '"
                + input.getName()
                + "' has rank "
                + inputRank
                + "; a [batch, features] input is supported.");
      }
      long w = 1;
      for (int d = 1; d < inputRank; d++) {
        TensorShapeProto.Dimension dim = shape.getDim(d);
        if (!dim.hasDimValue()) {
          return -1;
        }
        w = checkedProduct(w, dim.getDimValue(), "graph input '" + input.getName() + "'");
      }
      if (w > limits.maxWidth()) {
        throw ModelFormatException.tooLarge(
            "Graph input '"
                + input.getName()
                + "' has "
                + w
                + " features, more than the limit of "
                + limits.maxWidth()
                + ".");
      }
      return w;
    }

    private OnnxModelSummary.TensorInfo tensorInfo(ValueInfoProto v) {
      List<String> dims = new ArrayList<>();
      for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
        dims.add(
            d.hasDimValue()
                ? Long.toString(d.getDimValue())
                : d.hasDimParam() ? d.getDimParam() : "?");
      }
      int type = v.getType().getTensorType().getElemType();
      return new OnnxModelSummary.TensorInfo(v.getName(), dims, dataTypeName(type));
    }

    private void checkDomain(NodeProto node) {
      if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
        throw new ModelFormatException(
            ModelFormatException.UNSUPPORTED_OP,
            "Unsupported operator",
            "Node '"
                + node.getName()
                + "' has op "
                + node.getDomain()
                + "."
                + node.getOpType()
                + " from a custom domain; "
                + SUPPORTED
                + ".");
      }
    }

    private TensorProto constantValue(NodeProto node) {
      for (AttributeProto a : node.getAttributeList()) {
        if (a.getName().equals("value") && a.hasT()) {
          return a.getT();
        }
      }
      throw unsupportedUse(node, "only a Constant with a dense 'value' tensor is supported");
    }

    private TensorProto constant(NodeProto node, int operand, String role) {
      String name = node.getInput(operand);
      TensorProto t = constants.get(name);
      if (t == null) {
        throw new ModelFormatException(
            ModelFormatException.COMPUTED_WEIGHTS,
            "Weights computed at run time",
            "Node '"
                + node.getName()
                + "' ("
                + node.getOpType()
                + ") takes its "
                + role
                + " from '"
                + name
                + "', which is computed by the graph; weights must be stored as initializers or"
                + " Constant nodes (export with constant folding).");
      }
      return t;
    }

    private long[] matrixDims(NodeProto node, TensorProto t) {
      if (t.getDimsCount() != 2) {
        throw unsupportedUse(
            node, "its weights '" + t.getName() + "' have rank " + t.getDimsCount() + ", not 2");
      }
      elementCount(t, node);
      return new long[] {t.getDims(0), t.getDims(1)};
    }

    /** A constant of one value per feature, or one for all, as {@code role} names it in errors. */
    private float[] broadcastBias(NodeProto node, TensorProto c, int out, String role) {
      long n = elementCount(c, node);
      boolean rowShape = c.getDimsCount() <= 1 || (c.getDimsCount() == 2 && c.getDims(0) == 1);
      if (!rowShape || (n != out && n != 1)) {
        throw unsupportedUse(
            node,
            "its "
                + role
                + " '"
                + c.getName()
                + "' has shape "
                + c.getDimsList()
                + "; a "
                + role
                + " of shape ["
                + out
                + "], [1, "
                + out
                + "] or a scalar is supported");
      }
      float[] v = floats(c, node);
      if (n == out) {
        return v;
      }
      float[] b = new float[out];
      Arrays.fill(b, v[0]);
      return b;
    }

    private long elementCount(TensorProto t, NodeProto node) {
      long n = 1;
      for (long d : t.getDimsList()) {
        if (d < 0) {
          throw malformed(t, node, "a negative dimension " + d);
        }
        n = checkedProduct(n, d, "tensor '" + t.getName() + "'");
      }
      if (n > limits.maxTensorElements()) {
        throw ModelFormatException.tooLarge(
            "Tensor '"
                + t.getName()
                + "' used by node '"
                + node.getName()
                + "' holds "
                + n
                + " values, more than the limit of "
                + limits.maxTensorElements()
                + ".");
      }
      return n;
    }

    private long checkedProduct(long a, long b, String what) {
      try {
        long p = Math.multiplyExact(a, b);
        if (p > limits.maxTensorElements()) {
          throw new ArithmeticException();
        }
        return p;
      } catch (ArithmeticException e) {
        throw ModelFormatException.tooLarge(
            "The dimensions of "
                + what
                + " multiply to more than the limit of "
                + limits.maxTensorElements()
                + " values.");
      }
    }

    private void checkStorage(TensorProto t, NodeProto node) {
      if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL
          || t.getExternalDataCount() > 0) {
        throw new ModelFormatException(
            ModelFormatException.EXTERNAL_DATA,
            "External data is not supported",
            "Tensor '"
                + t.getName()
                + "' used by node '"
                + node.getName()
                + "' ("
                + node.getOpType()
                + ") keeps its values in a separate file; save the model as one file"
                + " (onnx.save_model with save_as_external_data=False).");
      }
      if (t.hasSegment()) {
        throw malformed(t, node, "segmented storage");
      }
    }

    private float[] floats(TensorProto t, NodeProto node) {
      checkStorage(t, node);
      int n = (int) elementCount(t, node);
      int type = t.getDataType();
      if (type == FLOAT) {
        if (t.hasRawData()) {
          ByteBuffer raw = rawData(t, node, n, 4);
          float[] v = new float[n];
          raw.asFloatBuffer().get(v);
          return v;
        }
        if (t.getFloatDataCount() != n) {
          throw malformed(t, node, t.getFloatDataCount() + " float_data values for " + n);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = t.getFloatData(i);
        }
        return v;
      }
      if (type == DOUBLE) {
        if (t.hasRawData()) {
          ByteBuffer raw = rawData(t, node, n, 8);
          float[] v = new float[n];
          for (int i = 0; i < n; i++) {
            v[i] = (float) raw.getDouble(i * 8);
          }
          return v;
        }
        if (t.getDoubleDataCount() != n) {
          throw malformed(t, node, t.getDoubleDataCount() + " double_data values for " + n);
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = (float) t.getDoubleData(i);
        }
        return v;
      }
      throw unsupportedType(t, node, type, "weights must be float32 or float64");
    }

    private static ModelFormatException unsupportedType(
        TensorProto t, NodeProto node, int type, String supported) {
      return new ModelFormatException(
          ModelFormatException.UNSUPPORTED_DTYPE,
          "Unsupported element type",
          "Tensor '"
              + t.getName()
              + "' used by node '"
              + node.getName()
              + "' ("
              + node.getOpType()
              + ") has element type "
              + dataTypeName(type)
              + "; "
              + supported
              + ".");
    }

    private long[] ints(TensorProto t, NodeProto node) {
      checkStorage(t, node);
      int n = (int) elementCount(t, node);
      int type = t.getDataType();
      // the stored values are checked against the shape before anything is allocated for them
      if (type == INT64) {
        long[] v;
        if (t.hasRawData()) {
          ByteBuffer raw = rawData(t, node, n, 8);
          v = new long[n];
          raw.asLongBuffer().get(v);
        } else if (t.getInt64DataCount() == n) {
          v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = t.getInt64Data(i);
          }
        } else {
          throw malformed(t, node, t.getInt64DataCount() + " int64_data values for " + n);
        }
        return v;
      }
      if (type == INT32 || type == TensorProto.DataType.BOOL_VALUE) {
        int size = type == INT32 ? 4 : 1;
        long[] v;
        if (t.hasRawData()) {
          ByteBuffer raw = rawData(t, node, n, size);
          v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = size == 4 ? raw.getInt(i * 4) : raw.get(i);
          }
        } else if (t.getInt32DataCount() == n) {
          v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = t.getInt32Data(i);
          }
        } else {
          throw malformed(t, node, t.getInt32DataCount() + " int32_data values for " + n);
        }
        return v;
      }
      throw unsupportedType(t, node, type, "integer constants must be int64 or int32");
    }

    private ByteBuffer rawData(TensorProto t, NodeProto node, int n, int size) {
      ByteString raw = t.getRawData();
      if (raw.size() != (long) n * size) {
        throw malformed(
            t, node, raw.size() + " bytes of raw_data for " + n + " values of " + size + " bytes");
      }
      return raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private ModelFormatException malformed(TensorProto t, NodeProto node, String what) {
      return new ModelFormatException(
          ModelFormatException.MALFORMED_TENSOR,
          "Malformed tensor",
          "Tensor '"
              + t.getName()
              + "' used by node '"
              + node.getName()
              + "' ("
              + node.getOpType()
              + ") has "
              + what
              + " for its shape "
              + t.getDimsList()
              + "; re-export the model.");
    }
  }

  private static ModelFormatException unsupportedUse(NodeProto node, String why) {
    return new ModelFormatException(
        ModelFormatException.UNSUPPORTED_USE,
        "Unsupported use of " + node.getOpType(),
        "Node '" + node.getName() + "' (" + node.getOpType() + "): " + why + ".");
  }

  private static long intAttr(NodeProto node, String name, long fallback) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return fallback;
  }

  private static float floatAttr(NodeProto node, String name, float fallback) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return fallback;
  }

  private static long defaultOpset(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return o.getVersion();
      }
    }
    return 0;
  }

  static String dataTypeName(int type) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(type);
    if (t == FLOAT_TYPE) {
      return "float32";
    }
    if (t == DOUBLE_TYPE) {
      return "float64";
    }
    return t == null ? "unknown (" + type + ")" : t.name().toLowerCase();
  }

  private static final TensorProto.DataType FLOAT_TYPE = TensorProto.DataType.FLOAT;
  private static final TensorProto.DataType DOUBLE_TYPE = TensorProto.DataType.DOUBLE;
}
