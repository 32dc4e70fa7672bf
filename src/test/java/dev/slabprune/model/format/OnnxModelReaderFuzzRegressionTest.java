package dev.slabprune.model.format;

import static dev.slabprune.model.format.TestGraphs.intAttr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Inputs the fuzz loop found that once crashed the reader with an exception of its own (stored
 * under {@code src/test/resources/fuzz/onnx/}), and the fix of each.
 */
class OnnxModelReaderFuzzRegressionTest {

  private final OnnxModelReader reader = new OnnxModelReader(OnnxModelReaderFuzzTest.LIMITS, null);

  @Test
  void aNodeOnTheChainWithNoOutputsIsRefusedInsteadOfThrowingIndexOutOfBounds() {
    refused("f7b832345eed852a.bin", ModelFormatException.UNREADABLE)
        .hasMessageContaining("has no outputs");
  }

  @Test
  void aConstantWithNoOutputsIsRefusedInsteadOfThrowingIndexOutOfBounds() {
    refused("c2f8afc5a333e575.bin", ModelFormatException.UNREADABLE)
        .hasMessageContaining("has no outputs");
  }

  @Test
  void aBinaryClassifierWhoseSubHasNoOutputsIsRefusedInsteadOfThrowingIndexOutOfBounds() {
    refused("4f1734d4f0261430.bin", ModelFormatException.UNREADABLE)
        .hasMessageContaining("(Sub) has no outputs");
  }

  @Test
  void aBinaryClassifierWhoseConcatHasNoOutputsIsRefusedInsteadOfThrowingIndexOutOfBounds() {
    refused("fe9fef7cb680bace.bin", ModelFormatException.UNREADABLE)
        .hasMessageContaining("(Concat) has no outputs");
  }

  @Test
  void aGemmWithZeroInputsIsRefusedInsteadOfThrowingIllegalArgument() {
    refused("88f1f333f76ccd74.bin", ModelFormatException.UNSUPPORTED_USE)
        .hasMessageContaining("(Gemm)")
        .hasMessageContaining("a layer needs at least one input and one output");
  }

  /** Found by reading the code beside the fuzz loop: the rebuilt first layer had width -1. */
  @Test
  void aGatherAfterAReshapeOfAnInputOfUnknownWidthIsReadInsteadOfThrowingNegativeArraySize() {
    TensorProto shape =
        TensorProto.newBuilder()
            .setName("shape")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(-1)
            .addInt64Data(4)
            .build();
    TensorProto indices =
        TensorProto.newBuilder()
            .setName("idx")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(0)
            .addInt64Data(2)
            .build();
    ModelProto built =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(shape)
            .initializer(indices)
            .node("Reshape", "flat", new String[] {"x", "shape"}, "f")
            .node("Gather", "pick", new String[] {"f", "idx"}, "g", intAttr("axis", 1))
            .gemm("fc", "g", "y", 2, 3)
            .model();
    ModelProto.Builder model = built.toBuilder();
    model.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().clearShape();

    OnnxModel read = reader.read(model.build());

    assertThat(read.network().architecture()).containsExactly(4, 3);
    assertThat(read.summary().selectedInputs()).containsExactly(0, 2);
  }

  @Test
  void aReshapeWhoseShapeClaimsAMillionValuesButStoresNoneIsRefusedBeforeAllocatingThem() {
    TensorProto shape =
        TensorProto.newBuilder()
            .setName("shape")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(1 << 20)
            .build();
    ModelProto model =
        TestGraphs.withInput("x", 4)
            .output("y")
            .initializer(shape)
            .node("Reshape", "flat", new String[] {"x", "shape"}, "f")
            .gemm("fc", "f", "y", 4, 3)
            .model();

    long allocated =
        dev.slabprune.fuzz.Allocation.of(
            () ->
                assertThatThrownBy(() -> reader.read(model))
                    .isInstanceOfSatisfying(
                        ModelFormatException.class,
                        e -> assertThat(e.slug()).isEqualTo(ModelFormatException.MALFORMED_TENSOR))
                    .hasMessageContaining("0 int64_data values for 1048576"));

    assertThat(allocated).as("bytes allocated").isLessThan(1L << 20);
  }

  @Test
  void aReshapeShapeComputedByNodesWithoutInputsIsReadOrRefusedInsteadOfThrowingIndexOutOfBounds() {
    for (String file :
        List.of("c996a73d950edfd1.bin", "ad02de99d8587771.bin", "891f22dcf901994c.bin")) {
      byte[] bytes = crash(file);
      try {
        assertThat(reader.read(bytes).network().layers()).as(file).isNotEmpty();
      } catch (ModelFormatException e) {
        assertThat(e.slug()).as(file).isNotBlank();
      }
    }
  }

  private AbstractThrowableAssert<?, ? extends Throwable> refused(String file, String slug) {
    byte[] bytes = crash(file);
    return assertThatThrownBy(() -> reader.read(bytes))
        .isInstanceOfSatisfying(
            ModelFormatException.class, e -> assertThat(e.slug()).isEqualTo(slug));
  }

  static byte[] crash(String file) {
    try (InputStream in =
        OnnxModelReaderFuzzRegressionTest.class.getResourceAsStream("/fuzz/onnx/" + file)) {
      if (in == null) {
        throw new IllegalStateException("no crash file " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
