package dev.slabprune.model.format;

import static dev.slabprune.model.format.TestGraphs.intAttr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class OnnxModelReaderRefusalTest {

  private final OnnxModelReader reader = new OnnxModelReader();

  @Test
  void aHandBuiltChainIsAcceptedSoThatEachRefusalBelowIsCausedByItsOneChange() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .node("Relu", "relu1", new String[] {"h"}, "a")
            .gemm("fc2", "a", "y", 3, 2)
            .model();

    assertThat(reader.read(model).network().architecture()).containsExactly(4, 3, 2);
  }

  @Test
  void aConvolutionIsRefusedNamingTheNodeItsOpAndWhatIsSupported() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("k", 1, 1, 3)
            .node("Conv", "conv_0", new String[] {"x", "k"}, "c")
            .gemm("fc", "c", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_OP)
        .hasMessageContaining("'conv_0'")
        .hasMessageContaining("Conv")
        .hasMessageContaining("supported: Gemm");
  }

  @Test
  void aBatchNormalizationThatNoLayerCanTakeOrInTrainingModeIsRefused() {
    ModelProto last =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .node("Relu", "relu1", new String[] {"h"}, "a")
            .gemm("fc2", "a", "z", 3, 2)
            .node("Sigmoid", "out", new String[] {"z"}, "p")
            .floats("s", 2)
            .floats("b", 2)
            .floats("m", 2)
            .floats("v", 2)
            .node("BatchNormalization", "bn_out", new String[] {"p", "s", "b", "m", "v"}, "y")
            .model();
    assertRefused(() -> reader.read(last), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'bn_out'")
        .hasMessageContaining("after the last layer's activation cannot be folded");

    ModelProto training =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .floats("s", 3)
            .floats("b", 3)
            .floats("m", 3)
            .floats("v", 3)
            .node(
                "BatchNormalization",
                "bn",
                new String[] {"h", "s", "b", "m", "v"},
                "n",
                intAttr("training_mode", 1))
            .node("Relu", "relu1", new String[] {"n"}, "a")
            .gemm("fc2", "a", "y", 3, 2)
            .model();
    assertRefused(() -> reader.read(training), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'bn'")
        .hasMessageContaining("eval mode");

    ModelProto wide =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .floats("s", 5)
            .floats("b", 5)
            .floats("m", 5)
            .floats("v", 5)
            .node("BatchNormalization", "bn", new String[] {"h", "s", "b", "m", "v"}, "n")
            .gemm("fc2", "n", "y", 3, 2)
            .model();
    assertRefused(() -> reader.read(wide), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("normalises 5 features but the value before it has 3");
  }

  @Test
  void aReshapeToOneRowIsAFlattenOnlyWhereTheInputsBatchIsFixedAtOne() {
    TensorProto oneRow =
        TensorProto.newBuilder()
            .setName("one_row")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(1)
            .addInt64Data(-1)
            .build();
    ModelProto dynamic =
        new TestGraphs()
            .input("x", TensorProto.DataType.FLOAT_VALUE, 2, 2)
            .output("y")
            .initializer(oneRow)
            .node("Reshape", "flat", new String[] {"x", "one_row"}, "f")
            .gemm("fc", "f", "y", 4, 2)
            .model();
    assertRefused(() -> reader.read(dynamic), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'flat' (Reshape)")
        .hasMessageContaining("fixed at 1");

    ModelProto.Builder fixed = dynamic.toBuilder();
    fixed
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .getDimBuilder(0)
        .clearDimParam()
        .setDimValue(1);
    assertThat(reader.read(fixed.build()).network().architecture()).containsExactly(4, 2);
  }

  @Test
  void aLeakyReluOfAnotherSlopeThanPyTorchsDefaultIsRefusedNamingIt() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .node(
                "LeakyRelu",
                "leaky",
                new String[] {"h"},
                "a",
                ai.onnx.proto.OnnxMl.AttributeProto.newBuilder()
                    .setName("alpha")
                    .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.FLOAT)
                    .setF(0.2f)
                    .build())
            .gemm("fc2", "a", "y", 3, 2)
            .model();
    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'leaky'")
        .hasMessageContaining("alpha 0.01")
        .hasMessageContaining("not 0.2");
  }

  @Test
  void aValueReadByTwoNodesIsRefusedAsNotAChain() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 4)
            .node("Relu", "left", new String[] {"h"}, "a")
            .node("Tanh", "right", new String[] {"h"}, "b")
            .node("Add", "skip", new String[] {"a", "b"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.NOT_A_CHAIN)
        .hasMessageContaining("'h'")
        .hasMessageContaining("'left' (Relu)")
        .hasMessageContaining("'right' (Tanh)");
  }

  @Test
  void aNodeOffThePathFromInputToOutputIsRefusedAsNotAChain() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "y", 4, 2)
            .floats("z", 2)
            .node("Neg", "stray", new String[] {"z"}, "unused")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.NOT_A_CHAIN)
        .hasMessageContaining("'stray' (Neg)");
  }

  @Test
  void aCycleIsRefusedInsteadOfWalkedForever() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 4)
            .node("Relu", "relu", new String[] {"h"}, "a")
            .gemm("fc2", "a", "h", 4, 4)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.NOT_A_CHAIN)
        .hasMessageContaining("cycle");
  }

  @Test
  void weightsComputedAtRunTimeAreRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("w_t", 2, 4)
            .floats("b", 2)
            .node("Transpose", "transpose_w", new String[] {"w_t"}, "w")
            .node("Gemm", "fc", new String[] {"x", "w", "b"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.COMPUTED_WEIGHTS)
        .hasMessageContaining("'fc' (Gemm)")
        .hasMessageContaining("'w'");
  }

  @Test
  void weightsInAnExternalFileAreRefused() {
    TensorProto external =
        TensorProto.newBuilder()
            .setName("fc.w")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(4)
            .addDims(2)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(external)
            .floats("fc.b", 2)
            .node("Gemm", "fc", new String[] {"x", "fc.w", "fc.b"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.EXTERNAL_DATA)
        .hasMessageContaining("'fc.w'")
        .hasMessageContaining("'fc' (Gemm)");
  }

  @Test
  void halfPrecisionWeightsAreRefusedAsAnUnsupportedElementType() {
    TensorProto half =
        TensorProto.newBuilder()
            .setName("fc.w")
            .setDataType(TensorProto.DataType.FLOAT16_VALUE)
            .addDims(4)
            .addDims(2)
            .setRawData(ByteString.copyFrom(new byte[16]))
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(half)
            .node("Gemm", "fc", new String[] {"x", "fc.w"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_DTYPE)
        .hasMessageContaining("float16")
        .hasMessageContaining("'fc' (Gemm)");
  }

  @Test
  void anIntegerGraphInputIsRefusedAsAnUnsupportedElementType() {
    ModelProto model =
        new TestGraphs()
            .input("x", TensorProto.DataType.INT64_VALUE, 4)
            .output("y")
            .gemm("fc", "x", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_DTYPE)
        .hasMessageContaining("'x'")
        .hasMessageContaining("int64");
  }

  @Test
  void rawDataShorterThanTheShapeIsRefusedAsMalformed() {
    TensorProto shortRaw =
        TensorProto.newBuilder()
            .setName("fc.w")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(4)
            .addDims(2)
            .setRawData(ByteString.copyFrom(new byte[12]))
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(shortRaw)
            .node("Gemm", "fc", new String[] {"x", "fc.w"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.MALFORMED_TENSOR)
        .hasMessageContaining("12 bytes of raw_data for 8 values");
  }

  @Test
  void dimensionsWhoseProductOverflowsAreRefusedBeforeAllocating() {
    TensorProto huge =
        TensorProto.newBuilder()
            .setName("fc.w")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(1L << 40)
            .addDims(1L << 40)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(huge)
            .node("Gemm", "fc", new String[] {"x", "fc.w"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.TOO_LARGE)
        .hasMessageContaining("'fc.w'")
        .satisfies(e -> assertThat(((ModelFormatException) e).status()).isEqualTo(413));
  }

  @Test
  void aLayerWiderThanTheLimitIsRefused() {
    OnnxModelReader narrow = new OnnxModelReader(new OnnxLimits(1 << 20, 100, 3, 1000), null);
    ModelProto model = TestGraphs.withInput("x", 2).output("y").gemm("fc", "x", "y", 2, 4).model();

    assertRefused(() -> narrow.read(model), ModelFormatException.TOO_LARGE)
        .hasMessageContaining("'fc' (Gemm)")
        .hasMessageContaining("limit of 3 units");
  }

  @Test
  void aGraphWithMoreNodesThanTheLimitIsRefused() {
    OnnxModelReader small = new OnnxModelReader(new OnnxLimits(1 << 20, 2, 100, 1000), null);
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "h", 4, 2)
            .node("Identity", "i1", new String[] {"h"}, "h1")
            .node("Identity", "i2", new String[] {"h1"}, "y")
            .model();

    assertRefused(() -> small.read(model), ModelFormatException.TOO_LARGE)
        .hasMessageContaining("3 nodes")
        .hasMessageContaining("limit of 2");
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedWithoutReadingItAll() {
    OnnxModelReader small = new OnnxModelReader(new OnnxLimits(100, 10, 10, 1000), null);

    assertRefused(
            () -> small.read(new ByteArrayInputStream(new byte[1000])),
            ModelFormatException.TOO_LARGE)
        .hasMessageContaining("limit of 100 bytes");
  }

  @Test
  void bytesThatAreNotAProtobufAreRefusedAsUnreadable() {
    byte[] garbage = "this is not an onnx file, just text".getBytes();

    assertRefused(() -> reader.read(garbage), ModelFormatException.UNREADABLE)
        .hasMessageContaining("Upload the .onnx file");
  }

  @Test
  void twoActivationsInARowAreRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "h", 4, 2)
            .node("Relu", "relu", new String[] {"h"}, "a")
            .node("Tanh", "tanh", new String[] {"a"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'tanh' (Tanh)")
        .hasMessageContaining("follows RELU");
  }

  @Test
  void anActivationBeforeTheFirstLayerIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .node("Sigmoid", "squash_input", new String[] {"x"}, "s")
            .gemm("fc", "s", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'squash_input' (Sigmoid)")
        .hasMessageContaining("before any layer");
  }

  @Test
  void aGemmThatTransposesTheDataIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("w", 4, 2)
            .node("Gemm", "fc", new String[] {"x", "w"}, "y", intAttr("transA", 1))
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'fc' (Gemm)")
        .hasMessageContaining("transA");
  }

  @Test
  void weightsThatDoNotFitThePreviousLayerAreRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc1", "x", "h", 4, 3)
            .gemm("fc2", "h", "y", 5, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'fc2' (Gemm)")
        .hasMessageContaining("take 5 inputs but the value before it has 3");
  }

  @Test
  void aNodeAfterTheOutputSoftmaxIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "z", 4, 2)
            .node("Softmax", "softmax", new String[] {"z"}, "p")
            .node("Relu", "late", new String[] {"p"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'late' (Relu)")
        .hasMessageContaining("Softmax");
  }

  @Test
  void aSoftmaxOverTheBatchAxisIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "z", 4, 2)
            .node("Softmax", "softmax", new String[] {"z"}, "y", intAttr("axis", 0))
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'softmax' (Softmax)");
  }

  @Test
  void aGatherOfRowsInsteadOfColumnsIsRefused() {
    TensorProto indices =
        TensorProto.newBuilder()
            .setName("idx")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(0)
            .addInt64Data(1)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(indices)
            .node("Gather", "pick", new String[] {"x", "idx"}, "g")
            .gemm("fc", "g", "y", 2, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'pick' (Gather)")
        .hasMessageContaining("axis = 1");
  }

  @Test
  void aDropoutInTrainingModeIsRefused() {
    TensorProto training =
        TensorProto.newBuilder()
            .setName("training")
            .setDataType(TensorProto.DataType.BOOL_VALUE)
            .addInt32Data(1)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "h", 4, 2)
            .initializer(training)
            .node("Dropout", "drop", new String[] {"h", "", "training"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'drop' (Dropout)")
        .hasMessageContaining("training mode");
  }

  @Test
  void aGraphWithTwoDataInputsIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .input("mask", TensorProto.DataType.FLOAT_VALUE, 4)
            .output("y")
            .gemm("fc", "x", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.NOT_A_CHAIN)
        .hasMessageContaining("[x, mask]");
  }

  @Test
  void aZipMapIsRefusedWithTheConverterOptionThatAvoidsIt() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "z", 4, 2)
            .node("Softmax", "softmax", new String[] {"z"}, "p")
            .node("ZipMap", "zipmap", new String[] {"p"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_OP)
        .hasMessageContaining("'zipmap' (ZipMap)")
        .hasMessageContaining("options={'zipmap': False}");
  }

  @Test
  void aCastToAnIntegerTypeIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .node("Cast", "to_int", new String[] {"x"}, "xi", intAttr("to", 7))
            .gemm("fc", "xi", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'to_int' (Cast)")
        .hasMessageContaining("int64");
  }

  @Test
  void aSecondScoreOutputBesidesTheLabelIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .output("h")
            .gemm("fc1", "x", "h", 4, 3)
            .gemm("fc2", "h", "y", 3, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.NOT_A_CHAIN)
        .hasMessageContaining("[y, h]");
  }

  @Test
  void aSparseInitializerIsRefused() {
    ModelProto base = TestGraphs.withInput("x", 4).output("y").gemm("fc", "x", "y", 4, 2).model();
    ModelProto sparse =
        base.toBuilder()
            .setGraph(
                base.getGraph().toBuilder()
                    .addSparseInitializer(
                        ai.onnx.proto.OnnxMl.SparseTensorProto.newBuilder()
                            .setValues(TensorProto.newBuilder().setName("s"))))
            .build();

    assertRefused(() -> reader.read(sparse), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'s' is sparse");
  }

  @Test
  void aReshapeThatDoesNotKeepTheBatchIsRefused() {
    TensorProto shape =
        TensorProto.newBuilder()
            .setName("shape")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(2)
            .addInt64Data(-1)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(shape)
            .node("Reshape", "reshape", new String[] {"x", "shape"}, "r")
            .gemm("fc", "r", "y", 4, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'reshape' (Reshape)")
        .hasMessageContaining("[2, -1]");
  }

  @Test
  void aFlattenAfterTheFirstLayerIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .gemm("fc", "x", "h", 4, 2)
            .node("Flatten", "late_flatten", new String[] {"h"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'late_flatten' (Flatten)")
        .hasMessageContaining("only at the input");
  }

  @Test
  void aGatherIndexOutsideTheInputIsRefused() {
    TensorProto indices =
        TensorProto.newBuilder()
            .setName("idx")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(0)
            .addInt64Data(9)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(indices)
            .node("Gather", "pick", new String[] {"x", "idx"}, "g", intAttr("axis", 1))
            .gemm("fc", "g", "y", 2, 2)
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("index 9 is outside the input's 4 columns");
  }

  @Test
  void aMatMulWithTheDataSecondIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("w", 2, 4)
            .node("MatMul", "wx", new String[] {"w", "x"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'wx' (MatMul)")
        .hasMessageContaining("first operand");
  }

  @Test
  void aShiftAtTheInputGoesIntoTheFirstLayerAndAConstantDividedByTheDataIsRefused() {
    ModelProto shifted =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("shift", 4)
            .node("Add", "shift_input", new String[] {"x", "shift"}, "s")
            .gemm("fc", "s", "y", 4, 2)
            .model();
    ModelProto plain =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("shift", 4)
            .gemm("fc", "x", "y", 4, 2)
            .model();
    float[] x = {1, -2, 0.5f, 3, 0, 1, -1, 2};
    double[] got = reader.read(shifted).network().forward(x, 2);
    float[] moved = x.clone();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += 0.1f * (i % 4 % 7); // TestGraphs.floats: 0.1 (i % 7)
    }
    double[] expected = reader.read(plain).network().forward(moved, 2);
    for (int i = 0; i < got.length; i++) {
      assertThat(got[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
    }

    ModelProto inverse =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("k", 4)
            .node("Div", "k_over_x", new String[] {"k", "x"}, "s")
            .gemm("fc", "s", "y", 4, 2)
            .model();
    assertRefused(() -> reader.read(inverse), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'k_over_x' (Div)")
        .hasMessageContaining("a constant divided by the data");

    ModelProto byZero =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("k", 4)
            .node("Div", "scale", new String[] {"x", "k"}, "s")
            .gemm("fc", "s", "y", 4, 2)
            .model();
    assertRefused(() -> reader.read(byZero), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("divides feature 0 by 0.0");
  }

  @Test
  void aBiasOfTheWrongShapeIsRefused() {
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .floats("w", 4, 2)
            .floats("b", 3)
            .node("Gemm", "fc", new String[] {"x", "w", "b"}, "y")
            .model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("'fc' (Gemm)")
        .hasMessageContaining("bias 'b' has shape [3]");
  }

  @Test
  void aGraphWithoutNodesIsRefused() {
    ModelProto model = TestGraphs.withInput("x", 4).output("x").model();

    assertRefused(() -> reader.read(model), ModelFormatException.UNREADABLE)
        .hasMessageContaining("no nodes");
  }

  @Test
  void anOpFromACustomDomainIsRefused() {
    ModelProto base = TestGraphs.withInput("x", 4).output("y").gemm("fc", "x", "y", 4, 2).model();
    ModelProto custom =
        base.toBuilder()
            .setGraph(
                base.getGraph().toBuilder()
                    .setNode(0, base.getGraph().getNode(0).toBuilder().setDomain("ai.onnx.ml")))
            .build();

    assertRefused(() -> reader.read(custom), ModelFormatException.UNSUPPORTED_OP)
        .hasMessageContaining("'fc'")
        .hasMessageContaining("ai.onnx.ml.Gemm");
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      ThrowingCallable call, String slug) {
    return assertThatThrownBy(call)
        .isInstanceOf(ModelFormatException.class)
        .satisfies(e -> assertThat(((ModelFormatException) e).slug()).isEqualTo(slug));
  }
}
