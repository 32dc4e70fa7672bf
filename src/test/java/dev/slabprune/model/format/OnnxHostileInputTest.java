package dev.slabprune.model.format;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.slabprune.fuzz.Hostile;
import dev.slabprune.fuzz.Mutations;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-written hostile models, read with the default limits: each is refused with a {@link
 * ModelFormatException} that names the limit or the defect, within a second, allocating a small
 * fraction of what it claims. Each prints a row of the "Hostile input" table in docs/formats.md.
 */
class OnnxHostileInputTest {

  private static final long DEADLINE_MILLIS = 5_000;

  private final OnnxModelReader reader = new OnnxModelReader();

  /** Loads the reader's and protobuf's classes, so that they are not counted as allocations. */
  @BeforeAll
  static void warmUp() {
    new OnnxModelReader().read(Golden.bytes("torch_mlp"));
  }

  @Test
  void weightsWhoseDimensionsMultiplyPastALongAreRefusedAsTooLarge() {
    ModelProto model = gemmWith(TensorProto.newBuilder().addDims(1L << 62).addDims(8));
    byte[] bytes = model.toByteArray();

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX weights with dims [2^62, 8] (product overflows a long)",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("multiply to more than the limit of 134217728");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void weightsClaiming2To40FloatsWithoutStoringThemAreRefusedBeforeAnyAllocation() {
    ModelProto model = gemmWith(TensorProto.newBuilder().addDims(1L << 20).addDims(1L << 20));
    byte[] bytes = model.toByteArray();

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX weights claiming 2^40 floats (dims [2^20, 2^20], no data)",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("limit of 134217728");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void aShapeTensorClaimingTheElementLimitWithNoValuesIsRefusedWithoutAllocatingForIt() {
    // 2^27 int64 values would be a 1 GiB array; the stored count is checked first
    TensorProto shape =
        TensorProto.newBuilder()
            .setName("shape")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(1L << 27)
            .build();
    byte[] bytes =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(shape)
            .node("Reshape", "flat", new String[] {"x", "shape"}, "f")
            .gemm("fc", "f", "y", 4, 3)
            .model()
            .toByteArray();

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX Reshape shape claiming 2^27 int64 values, none stored",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.MALFORMED_TENSOR);
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void aGraphNestedInAttributesTenThousandLevelsDeepIsRefusedWithoutAStackOverflow() {
    // graph { node { attribute { g: graph { node { ... } } } } }, written from the inside out
    byte[] graph = new byte[0];
    for (int level = 0; level < 10_000; level++) {
      byte[] attribute = field(6, graph); // AttributeProto.g
      byte[] node = field(5, attribute); // NodeProto.attribute
      graph = field(1, node); // GraphProto.node
    }
    byte[] bytes = field(7, graph); // ModelProto.graph

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX graph nested 10,000 levels deep in attributes (" + (bytes.length >> 10) + " KiB)",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.UNREADABLE);
    assertThat(r.error()).hasMessageContaining("too many levels of nesting");
  }

  @Test
  void aLengthPrefixClaimingTwoGibibytesIsRefusedAsUnreadable() {
    // ModelProto.graph with a length of 2^31 - 1 and three bytes behind it
    byte[] bytes =
        Mutations.concat(
            Mutations.concat(new byte[] {(byte) 0x3a}, Mutations.varint(Integer.MAX_VALUE)),
            new byte[] {0x0a, 0x00, 0x0a});

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX length prefix of 2^31-1 bytes in an 8-byte file",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.UNREADABLE);
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  @Test
  void aProtobufBombOfAMillionEmptyNodesIsRefusedByTheNodeLimitBeforeItIsParsed() {
    int nodes = 1_000_000;
    ByteArrayOutputStream graph = new ByteArrayOutputStream(nodes * 2);
    for (int i = 0; i < nodes; i++) {
      graph.write(0x0a); // GraphProto.node, an empty NodeProto
      graph.write(0x00);
    }
    byte[] bytes = field(7, graph.toByteArray());

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX protobuf bomb: 1,000,000 empty nodes in a 2 MiB file",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("more than 10000 nodes, the limit");
    assertThat(r.allocatedBytes()).isLessThan(16L << 20);
  }

  @Test
  void aProtobufBombOfTwoMillionEmptyInitializersIsRefusedByTheMessageBudgetBeforeItIsParsed() {
    int tensors = 2_000_000;
    ByteArrayOutputStream graph = new ByteArrayOutputStream(tensors * 2);
    for (int i = 0; i < tensors; i++) {
      graph.write(0x2a); // GraphProto.initializer, an empty TensorProto
      graph.write(0x00);
    }
    byte[] bytes = field(7, graph.toByteArray());

    Hostile.Refusal r =
        Hostile.refusal(
            "ONNX protobuf bomb: 2,000,000 empty initializers in a 4 MiB file",
            DEADLINE_MILLIS,
            () -> reader.read(bytes));

    assertThat(r.error().slug()).isEqualTo(ModelFormatException.TOO_LARGE);
    assertThat(r.error()).hasMessageContaining("more than 1000000 protobuf messages");
    assertThat(r.error()).hasMessageContaining("maxNodes = 10000");
    assertThat(r.allocatedBytes()).isLessThan(1L << 20);
  }

  private static ModelProto gemmWith(TensorProto.Builder weights) {
    return TestGraphs.withInput("x", 8)
        .output("y")
        .initializer(weights.setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).build())
        .node("Gemm", "fc", new String[] {"x", "w"}, "y")
        .model();
  }

  /** A length-delimited protobuf field. */
  static byte[] field(int number, byte[] payload) {
    byte[] head =
        Mutations.concat(Mutations.varint((number << 3) | 2), Mutations.varint(payload.length));
    return Mutations.concat(head, payload);
  }
}
