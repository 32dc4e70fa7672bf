package dev.slabprune.model.format;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.slabprune.fuzz.FuzzLoop;
import dev.slabprune.fuzz.Mutations;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutants of the golden models, at the byte level and at the level of the ONNX messages (extreme
 * dimensions, wrong types, missing or extra inputs and outputs, nested graphs), fed to a reader
 * with small limits: only a model or a {@link ModelFormatException} may come back.
 */
class OnnxModelReaderFuzzTest {

  static final OnnxLimits LIMITS = new OnnxLimits(1 << 20, 256, 4096, 1 << 20);

  /** File bytes, parsed messages, weights: a few times the largest file and tensor. */
  static final long MAX_ALLOCATED = 48L << 20;

  private static final String[] OPS = {
    "Gemm",
    "MatMul",
    "Add",
    "Relu",
    "Tanh",
    "Sigmoid",
    "Identity",
    "Cast",
    "Dropout",
    "Flatten",
    "Reshape",
    "Gather",
    "Softmax",
    "LogSoftmax",
    "Constant",
    "Sub",
    "Concat",
    "ArgMax",
    "ZipMap",
    "Conv",
    ""
  };

  @Test
  void mutatedModelsAreReadOrRefusedWithAModelFormatErrorWithinTimeAndMemory() {
    List<byte[]> seeds = new ArrayList<>();
    for (String name : Golden.MODELS) {
      seeds.add(Golden.bytes(name));
    }
    OnnxModelReader reader = new OnnxModelReader(LIMITS, null);
    FuzzLoop.Report report =
        new FuzzLoop("onnx", seeds, OnnxModelReaderFuzzTest::mutate, reader::read, MAX_ALLOCATED)
            .run(20);
    System.out.println(report.summary());
    assertThat(report.failures()).isEmpty();
    assertThat(report.parsed()).as("the golden seeds parse").isGreaterThanOrEqualTo(seeds.size());
    assertThat(report.refused()).isPositive();
  }

  static byte[] mutate(Random r, List<byte[]> seeds) {
    if (r.nextInt(3) == 0) {
      return Mutations.havoc(r, seeds);
    }
    ModelProto.Builder model;
    try {
      model = ModelProto.parseFrom(Mutations.pick(r, seeds)).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    int rounds = 1 + r.nextInt(3);
    for (int i = 0; i < rounds; i++) {
      structural(r, model.getGraphBuilder());
    }
    byte[] out = model.build().toByteArray();
    return r.nextInt(4) == 0 ? Mutations.once(r, out, seeds) : out;
  }

  private static void structural(Random r, GraphProto.Builder g) {
    switch (r.nextInt(13)) {
      case 0 -> { // a tensor dimension to an extreme, or one more or fewer dimension
        TensorProto.Builder t = tensor(r, g);
        if (t == null) {
          return;
        }
        int k = r.nextInt(3);
        if (k == 0 && t.getDimsCount() > 0) {
          t.setDims(r.nextInt(t.getDimsCount()), Mutations.extreme(r));
        } else if (k == 1) {
          t.addDims(Mutations.extreme(r));
        } else {
          t.clearDims();
        }
      }
      case 1 -> { // the stored values: wrong type, missing, too few, in another field
        TensorProto.Builder t = tensor(r, g);
        if (t == null) {
          return;
        }
        switch (r.nextInt(5)) {
          case 0 -> t.setDataType(r.nextInt(20));
          case 1 -> t.clearRawData();
          case 2 -> t.setRawData(ByteString.copyFrom(new byte[r.nextInt(9)]));
          case 3 -> t.addFloatData(1f).addInt64Data(Mutations.extreme(r));
          default -> t.setDataLocation(TensorProto.DataLocation.EXTERNAL);
        }
      }
      case 2 -> { // an input dimension to an extreme
        if (g.getInputCount() == 0) {
          return;
        }
        TensorShapeProto.Builder shape =
            g.getInputBuilder(r.nextInt(g.getInputCount()))
                .getTypeBuilder()
                .getTensorTypeBuilder()
                .getShapeBuilder();
        if (shape.getDimCount() > 0 && r.nextBoolean()) {
          shape.getDimBuilder(r.nextInt(shape.getDimCount())).setDimValue(Mutations.extreme(r));
        } else if (r.nextBoolean()) {
          shape.clearDim();
        } else {
          shape.addDimBuilder().setDimValue(Mutations.extreme(r));
        }
      }
      case 3 -> { // another op
        NodeProto.Builder n = node(r, g);
        if (n != null) {
          n.setOpType(OPS[r.nextInt(OPS.length)]);
        }
      }
      case 4 -> { // inputs or outputs removed, added or renamed
        NodeProto.Builder n = node(r, g);
        if (n == null) {
          return;
        }
        switch (r.nextInt(5)) {
          case 0 -> n.clearOutput();
          case 1 -> n.clearInput();
          case 2 -> n.addInput(anyName(r, g));
          case 3 -> n.addOutput(anyName(r, g));
          default -> {
            if (n.getInputCount() > 0) {
              n.setInput(r.nextInt(n.getInputCount()), anyName(r, g));
            }
          }
        }
      }
      case 5 -> { // an attribute with an extreme value
        NodeProto.Builder n = node(r, g);
        if (n == null) {
          return;
        }
        String[] names = {"axis", "transA", "transB", "alpha", "beta", "to", "value"};
        String name = names[r.nextInt(names.length)];
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (name.equals("value")) {
          a.setT(TensorProto.newBuilder().addDims(Mutations.extreme(r)).setDataType(1));
        } else {
          a.setI(Mutations.extreme(r)).setF(Float.intBitsToFloat((int) Mutations.extreme(r)));
        }
        n.addAttribute(0, a);
      }
      case 6 -> { // a node duplicated or removed
        if (g.getNodeCount() == 0) {
          return;
        }
        int i = r.nextInt(g.getNodeCount());
        if (r.nextBoolean()) {
          g.addNode(g.getNode(i));
        } else {
          g.removeNode(i);
        }
      }
      case 7 -> { // a graph nested in attributes, many levels deep
        NodeProto.Builder n = node(r, g);
        if (n == null) {
          return;
        }
        GraphProto nested = GraphProto.newBuilder().setName("leaf").build();
        int depth = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
        for (int d = 0; d < depth; d++) {
          NodeProto inner =
              NodeProto.newBuilder()
                  .setOpType("If")
                  .addAttribute(AttributeProto.newBuilder().setName("then_branch").setG(nested))
                  .build();
          nested = GraphProto.newBuilder().addNode(inner).build();
        }
        n.addAttribute(AttributeProto.newBuilder().setName("body").setG(nested));
      }
      case 8 -> { // many nodes
        int k = 1 + r.nextInt(600);
        for (int i = 0; i < k; i++) {
          g.addNode(NodeProto.newBuilder().setOpType("Identity"));
        }
      }
      case 9 -> { // the graph's inputs or outputs
        switch (r.nextInt(4)) {
          case 0 -> g.clearOutput();
          case 1 -> g.addInput(ValueInfoProto.newBuilder().setName(anyName(r, g)));
          case 2 -> g.addOutput(ValueInfoProto.newBuilder().setName(anyName(r, g)));
          default -> {
            if (g.getOutputCount() > 0) {
              g.getOutputBuilder(0).setName(anyName(r, g));
            }
          }
        }
      }
      case 10 -> g.addSparseInitializerBuilder(); // a sparse initializer
      case 11 -> { // a new shape with as many stored values as it needs: small, zero or empty
        TensorProto.Builder t = tensor(r, g);
        if (t == null) {
          return;
        }
        t.clearDims().clearFloatData().clearDoubleData().clearInt64Data().clearInt32Data();
        int rank = r.nextInt(4);
        long n = 1;
        for (int d = 0; d < rank; d++) {
          int dim = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(6);
          t.addDims(dim);
          n *= dim;
        }
        int size = t.getDataType() == TensorProto.DataType.DOUBLE_VALUE ? 8 : 4;
        byte[] raw = new byte[(int) n * size];
        r.nextBytes(raw);
        t.setRawData(ByteString.copyFrom(raw));
      }
      default -> { // a node's output fed back to an earlier node: a cycle
        if (g.getNodeCount() < 2) {
          return;
        }
        NodeProto.Builder first = g.getNodeBuilder(0);
        NodeProto.Builder last = g.getNodeBuilder(g.getNodeCount() - 1);
        if (first.getInputCount() > 0 && last.getOutputCount() > 0) {
          last.setOutput(0, first.getInput(0));
        }
      }
    }
  }

  /** A random initializer or Constant value, or null if the graph has none. */
  private static TensorProto.Builder tensor(Random r, GraphProto.Builder g) {
    List<TensorProto.Builder> all = new ArrayList<>(g.getInitializerBuilderList());
    for (NodeProto.Builder n : g.getNodeBuilderList()) {
      for (AttributeProto.Builder a : n.getAttributeBuilderList()) {
        if (a.hasT()) {
          all.add(a.getTBuilder());
        }
      }
    }
    return all.isEmpty() ? null : all.get(r.nextInt(all.size()));
  }

  private static NodeProto.Builder node(Random r, GraphProto.Builder g) {
    return g.getNodeCount() == 0 ? null : g.getNodeBuilder(r.nextInt(g.getNodeCount()));
  }

  private static String anyName(Random r, GraphProto.Builder g) {
    List<String> names = new ArrayList<>(List.of("", "x", "y"));
    for (NodeProto n : g.getNodeList()) {
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
    }
    return names.get(r.nextInt(names.size()));
  }
}
