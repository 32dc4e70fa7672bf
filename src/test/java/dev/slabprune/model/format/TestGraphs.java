package dev.slabprune.model.format;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** Small hand-built ONNX graphs for the reader's refusals. */
final class TestGraphs {

  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");

  static TestGraphs withInput(String name, int width) {
    return new TestGraphs().input(name, TensorProto.DataType.FLOAT_VALUE, width);
  }

  TestGraphs input(String name, int elemType, long... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  TestGraphs output(String name) {
    graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE));
    return this;
  }

  TestGraphs floats(String name, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (int i = 0; i < n; i++) {
      t.addFloatData(0.1f * (i % 7));
    }
    graph.addInitializer(t);
    return this;
  }

  TestGraphs initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
    return this;
  }

  TestGraphs node(String op, String name, String[] inputs, String output, AttributeProto... attrs) {
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    for (AttributeProto a : attrs) {
      node.addAttribute(a);
    }
    graph.addNode(node);
    return this;
  }

  /** A dense layer {@code Gemm(in, name.w [width x out], name.b)} with float_data weights. */
  TestGraphs gemm(String name, String in, String out, int width, int units) {
    floats(name + ".w", width, units);
    floats(name + ".b", units);
    return node("Gemm", name, new String[] {in, name + ".w", name + ".b"}, out);
  }

  ModelProto model() {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph)
        .build();
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
    TensorShapeProto.Builder shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }
}
