package dev.slabprune.model.format;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.slabprune.engine.Activation;
import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.engine.OutputKind;
import dev.slabprune.support.OnnxRuntimeRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class OnnxRoundTripTest {

  private static final List<String> MODELS = Golden.MODELS;
  private static final int ROWS = 32;
  private final OnnxModelReader reader = new OnnxModelReader();
  private final OnnxModelWriter writer = new OnnxModelWriter();

  @ParameterizedTest
  @FieldSource("MODELS")
  void theNetworkReadFromAGoldenFileComputesWhatItsProducerComputed(String name) {
    Golden.Io io = Golden.io(name);
    DenseNetwork network = reader.read(Golden.bytes(name)).network();

    double[] y = network.forward(io.x(), io.rows());

    assertThat(OnnxRuntimeRunner.maxAbsDiff(y, io.y())).isLessThan(1e-5);
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  void onnxRuntimeRunningAGoldenFileAgreesWithTheEngineOnRandomInputs(String name) {
    byte[] bytes = Golden.bytes(name);
    OnnxModel model = reader.read(bytes);
    DenseNetwork network = model.network();
    float[] x = randomRows(ROWS, network.inputs(), 1);

    double[] runtime = OnnxRuntimeRunner.run(bytes, x, inputShape(model.summary(), network));

    assertThat(OnnxRuntimeRunner.maxAbsDiff(runtime, network.forward(x, ROWS))).isLessThan(1e-4);
  }

  @ParameterizedTest
  @FieldSource("MODELS")
  void theWrittenModelRunsInOnnxRuntimeAndAgreesWithTheEngine(String name) {
    OnnxModel original = reader.read(Golden.bytes(name));
    DenseNetwork network = original.network();
    OnnxExportOptions options =
        OnnxExportOptions.like(
            original.summary(), network.inputs(), null, Map.of("method", "none"));
    float[] x = randomRows(ROWS, network.inputs(), 2);

    byte[] written = writer.write(network, options);

    double[] runtime = OnnxRuntimeRunner.run(written, x, inputShape(original.summary(), network));
    assertThat(OnnxRuntimeRunner.maxAbsDiff(runtime, network.forward(x, ROWS))).isLessThan(1e-4);
    OnnxModel reread = reader.read(written);
    assertThat(reread.summary().input().shape())
        .isEqualTo(
            original.summary().input().shape().stream()
                .map(d -> d.matches("\\d+") ? d : "batch")
                .toList());
    assertThat(reread.summary().input().name()).isEqualTo(original.summary().input().name());
    assertThat(reread.summary().output().name()).isEqualTo(original.summary().output().name());
    assertThat(reread.network().output()).isEqualTo(network.output());
    assertThat(reread.network().architecture()).isEqualTo(network.architecture());
    for (int l = 0; l < network.layers().size(); l++) {
      assertThat(reread.network().layers().get(l).weights())
          .isEqualTo(network.layers().get(l).weights());
      assertThat(reread.network().layers().get(l).activation())
          .isEqualTo(network.layers().get(l).activation());
    }
  }

  @Test
  void theTorchExportIsSummarisedWithItsLayersNamesShapesAndOpset() {
    OnnxModelSummary summary = reader.read(Golden.bytes("torch_mlp")).summary();

    assertThat(summary.layers())
        .extracting(
            OnnxModelSummary.Layer::inputs,
            OnnxModelSummary.Layer::outputs,
            OnnxModelSummary.Layer::activation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(8, 6, Activation.RELU),
            org.assertj.core.groups.Tuple.tuple(6, 5, Activation.TANH),
            org.assertj.core.groups.Tuple.tuple(5, 3, Activation.IDENTITY));
    assertThat(summary.layers().get(0).nodes()).containsExactly("/1/Gemm", "/2/Relu");
    assertThat(summary.input().name()).isEqualTo("features");
    assertThat(summary.input().shape()).containsExactly("batch", "8");
    assertThat(summary.input().elementType()).isEqualTo("float32");
    assertThat(summary.output().name()).isEqualTo("probabilities");
    assertThat(summary.output().shape()).containsExactly("batch", "3");
    assertThat(summary.parameterCount()).isEqualTo(8 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3);
    assertThat(summary.opsetVersion()).isEqualTo(13);
    assertThat(summary.producerName()).isEqualTo("pytorch");
    assertThat(summary.outputKind()).isEqualTo(OutputKind.PROBABILITIES);
    assertThat(summary.outputKindInferred()).isFalse();
    assertThat(summary.selectedInputs()).isEmpty();
  }

  @Test
  void outputTransformsAreReadAsProbabilitiesOrLogProbabilitiesAndBareOutputsAsLogits() {
    assertThat(reader.read(Golden.bytes("float_data_mlp")).summary().outputKind())
        .isEqualTo(OutputKind.LOG_PROBABILITIES);
    OnnxModelSummary bare = reader.read(Golden.bytes("matmul_add_mlp")).summary();
    assertThat(bare.outputKind()).isEqualTo(OutputKind.LOGITS);
    assertThat(bare.outputKindInferred()).isTrue();
    assertThat(bare.opsetVersion()).isEqualTo(15);
    assertThat(
            new OnnxModelReader(OnnxLimits.DEFAULTS, OutputKind.REGRESSION)
                .read(Golden.bytes("matmul_add_mlp"))
                .network()
                .output())
        .isEqualTo(OutputKind.REGRESSION);
  }

  @Test
  void anSklearnStyleBinaryClassifierIsReadAsTwoSoftmaxUnitsAndItsLabelOutputIsLeftOut() {
    OnnxModel model = reader.read(Golden.bytes("sklearn_style_binary"));

    assertThat(model.network().architecture()).containsExactly(8, 6, 5, 2);
    assertThat(model.network().output()).isEqualTo(OutputKind.PROBABILITIES);
    assertThat(model.summary().output().name()).isEqualTo("probabilities");
    assertThat(model.summary().producerName()).isEqualTo("skl2onnx");
    assertThat(model.summary().layers().get(2).nodes()).contains("Sub", "Concat");
    assertThat(model.summary().parameterCount()).isEqualTo(8 * 6 + 6 + 6 * 5 + 5 + 5 + 1);
  }

  @Test
  void anSklearnStyleRegressorIsReadThroughItsCastAndFinalReshape() {
    OnnxModel model =
        new OnnxModelReader(OnnxLimits.DEFAULTS, OutputKind.REGRESSION)
            .read(Golden.bytes("sklearn_style_regressor"));

    assertThat(model.network().architecture()).containsExactly(8, 6, 5, 1);
    assertThat(model.summary().output().name()).isEqualTo("variable");
    assertThat(model.network().output()).isEqualTo(OutputKind.REGRESSION);
  }

  @Test
  void aGatherInFrontIsReportedAndFoldedIntoTheFirstLayer() {
    OnnxModel model = reader.read(Golden.bytes("gather_mlp"));

    assertThat(model.summary().selectedInputs()).containsExactly(0, 2, 3, 5, 7);
    assertThat(model.summary().layers().get(0).inputs()).isEqualTo(5);
    assertThat(model.network().inputs()).isEqualTo(8);
    DenseLayer first = model.network().layers().get(0);
    for (int dropped : new int[] {1, 4, 6}) {
      for (int j = 0; j < first.outputs(); j++) {
        assertThat(first.weight(dropped, j)).isZero();
      }
    }
  }

  @Test
  void aPrunedNetworkIsWrittenWithSmallerInitializersAndAGatherThatSelectsTheKeptColumns() {
    DenseNetwork full = reader.read(Golden.bytes("torch_mlp")).network();
    int[] keptInputs = {1, 2, 4, 6, 7};
    int[] keptHidden = {0, 2, 3, 5};
    DenseNetwork pruned = prune(full, keptInputs, keptHidden);
    Map<String, String> provenance =
        Map.of("method", "spike-and-slab", "rule", "median", "source_sha256", "abc123");
    OnnxExportOptions options =
        new OnnxExportOptions("features", "probabilities", 8, keptInputs, false, provenance);
    float[] x = randomRows(ROWS, 8, 3);

    byte[] written = writer.write(pruned, options);

    double[] runtime = OnnxRuntimeRunner.run(written, x, ROWS, 8);
    double[] expected = pruned.forward(columns(x, ROWS, 8, keptInputs), ROWS);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(runtime, expected)).isLessThan(1e-4);
    ModelProto model = parse(written);
    assertThat(model.getGraph().getNode(0).getOpType()).isEqualTo("Gather");
    assertThat(initializerDims(model, "dense_1.weight")).containsExactly(5L, 4L);
    assertThat(initializerDims(model, "dense_2.weight")).containsExactly(4L, 5L);
    assertThat(written.length).isLessThan(Golden.bytes("torch_mlp").length);
    assertThat(model.getMetadataPropsList())
        .extracting(e -> e.getKey() + "=" + e.getValue())
        .containsExactly("method=spike-and-slab", "rule=median", "source_sha256=abc123");
    assertThat(
            model
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(0)
                .getDimParam())
        .isEqualTo("batch");
    OnnxModel reread = reader.read(written);
    assertThat(reread.summary().selectedInputs()).containsExactly(1, 2, 4, 6, 7);
    assertThat(reread.summary().metadata()).isEqualTo(provenance);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(reread.network().forward(x, ROWS), runtime))
        .isLessThan(1e-4);
  }

  @Test
  void theReducedInputOptionWritesAModelThatTakesOnlyTheKeptColumns() {
    DenseNetwork full = reader.read(Golden.bytes("torch_mlp")).network();
    int[] keptInputs = {0, 3, 5};
    DenseNetwork pruned = prune(full, keptInputs, new int[] {1, 2, 3, 4});
    OnnxExportOptions options =
        new OnnxExportOptions("features", "probabilities", 8, keptInputs, true, Map.of());
    float[] reduced = randomRows(ROWS, 3, 4);

    byte[] written = writer.write(pruned, options);

    ModelProto model = parse(written);
    assertThat(model.getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .doesNotContain("Gather");
    assertThat(
            model
                .getGraph()
                .getInput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(1)
                .getDimValue())
        .isEqualTo(3);
    double[] runtime = OnnxRuntimeRunner.run(written, reduced, ROWS, 3);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(runtime, pruned.forward(reduced, ROWS)))
        .isLessThan(1e-4);
  }

  @Test
  void anImageShapedInputKeepsItsShapeWithAFlattenInFrontOfTheGather() {
    ModelProto image =
        new TestGraphs()
            .input("pixels", TensorProto.DataType.FLOAT_VALUE, 1, 2, 4)
            .output("scores")
            .node("Flatten", "flatten", new String[] {"pixels"}, "flat")
            .gemm("fc1", "flat", "h", 8, 3)
            .node("Relu", "relu", new String[] {"h"}, "a")
            .gemm("fc2", "a", "scores", 3, 2)
            .model();
    OnnxModel original = reader.read(image);
    DenseNetwork network = original.network();
    int[] kept = {1, 2, 4, 6, 7};
    DenseNetwork pruned = prune(network, kept, new int[] {0, 1, 2});
    OnnxExportOptions options = OnnxExportOptions.like(original.summary(), 8, kept, Map.of());
    float[] x = randomRows(ROWS, 8, 6);

    byte[] written = writer.write(pruned, options);

    assertThat(options.inputShape()).containsExactly(1, 2, 4);
    ModelProto model = parse(written);
    assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDimCount())
        .isEqualTo(4);
    assertThat(model.getGraph().getNodeList())
        .extracting(NodeProto::getOpType)
        .startsWith("Flatten", "Gather", "Gemm");
    double[] runtime = OnnxRuntimeRunner.run(written, x, new long[] {ROWS, 1, 2, 4});
    double[] expected = pruned.forward(columns(x, ROWS, 8, kept), ROWS);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(runtime, expected)).isLessThan(1e-4);
    OnnxModel reread = reader.read(written);
    assertThat(reread.summary().selectedInputs()).containsExactly(1, 2, 4, 6, 7);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(reread.network().forward(x, ROWS), runtime))
        .isLessThan(1e-4);
  }

  /** The golden's input shape for {@link #ROWS} rows: its own dimensions after the batch. */
  private static long[] inputShape(OnnxModelSummary summary, DenseNetwork network) {
    List<String> dims = summary.input().shape();
    long[] shape = new long[dims.size()];
    shape[0] = ROWS;
    for (int d = 1; d < dims.size(); d++) {
      if (!dims.get(d).matches("\\d+")) {
        return new long[] {ROWS, network.inputs()};
      }
      shape[d] = Long.parseLong(dims.get(d));
    }
    return shape;
  }

  /** Keeps the given input features and first-layer units of a network with two or more layers. */
  private static DenseNetwork prune(DenseNetwork network, int[] inputs, int[] hidden) {
    DenseLayer first = network.layers().get(0);
    DenseLayer second = network.layers().get(1);
    float[] w1 = new float[inputs.length * hidden.length];
    float[] b1 = new float[hidden.length];
    for (int j = 0; j < hidden.length; j++) {
      b1[j] = first.bias()[hidden[j]];
      for (int i = 0; i < inputs.length; i++) {
        w1[i * hidden.length + j] = first.weight(inputs[i], hidden[j]);
      }
    }
    float[] w2 = new float[hidden.length * second.outputs()];
    for (int i = 0; i < hidden.length; i++) {
      for (int j = 0; j < second.outputs(); j++) {
        w2[i * second.outputs() + j] = second.weight(hidden[i], j);
      }
    }
    List<DenseLayer> layers = new ArrayList<>(network.layers());
    layers.set(0, new DenseLayer(inputs.length, hidden.length, w1, b1, first.activation()));
    layers.set(
        1, new DenseLayer(hidden.length, second.outputs(), w2, second.bias(), second.activation()));
    return new DenseNetwork(layers, network.output());
  }

  private static float[] columns(float[] x, int rows, int width, int[] kept) {
    float[] out = new float[rows * kept.length];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < kept.length; k++) {
        out[r * kept.length + k] = x[r * width + kept[k]];
      }
    }
    return out;
  }

  private static float[] randomRows(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  private static ModelProto parse(byte[] bytes) {
    try {
      return ModelProto.parseFrom(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Long> initializerDims(ModelProto model, String name) {
    return model.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .map(TensorProto::getDimsList)
        .findFirst()
        .orElseThrow();
  }
}
