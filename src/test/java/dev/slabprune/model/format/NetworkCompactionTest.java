package dev.slabprune.model.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.engine.DenseLayer;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.support.OnnxRuntimeRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworkCompactionTest {

  private static final int ROWS = 16;
  private final DenseNetwork torch =
      new OnnxModelReader().read(Golden.bytes("torch_mlp")).network();

  @Test
  void zeroedInputsDeadUnitsAndConstantUnitsAreRemovedWithoutChangingTheFunction() {
    List<float[]> w = weights(torch);
    zeroRow(w.get(0), 6, 1); // input 1 feeds nothing
    zeroRow(w.get(0), 6, 4); // input 4 feeds nothing
    zeroRow(w.get(1), 5, 2); // hidden unit 2 of layer 1 feeds nothing
    zeroColumn(w.get(0), 8, 6, 4); // hidden unit 4 of layer 1 is constant relu(bias)
    zeroColumn(w.get(1), 6, 5, 0); // hidden unit 0 of layer 2 is constant tanh(bias)
    DenseNetwork masked = withWeights(torch, w);

    NetworkCompaction.Compacted compacted = NetworkCompaction.compact(masked);

    assertThat(compacted.keptInputs()).containsExactly(0, 2, 3, 5, 6, 7);
    assertThat(compacted.network().architecture()).containsExactly(6, 4, 4, 3);
    float[] x = random(8);
    double[] expected = masked.forward(x, ROWS);
    double[] actual = compacted.network().forward(columns(x, compacted.keptInputs()), ROWS);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(actual, expected)).isLessThan(1e-6);
    byte[] onnx =
        new OnnxModelWriter()
            .write(
                compacted.network(),
                new OnnxExportOptions(
                    "features", "probabilities", 8, compacted.keptInputs(), false, Map.of()));
    assertThat(OnnxRuntimeRunner.maxAbsDiff(OnnxRuntimeRunner.run(onnx, x, ROWS, 8), expected))
        .isLessThan(1e-4);
  }

  @Test
  void aHiddenLayerWithEveryUnitPrunedKeepsOnePlaceholderUnit() {
    List<float[]> w = weights(torch);
    for (int j = 0; j < 5; j++) {
      zeroColumn(w.get(1), 6, 5, j);
    }
    DenseNetwork masked = withWeights(torch, w);

    NetworkCompaction.Compacted compacted = NetworkCompaction.compact(masked);

    assertThat(compacted.network().architecture()).containsExactly(1, 1, 1, 3);
    float[] x = random(8);
    double[] actual = compacted.network().forward(columns(x, compacted.keptInputs()), ROWS);
    assertThat(OnnxRuntimeRunner.maxAbsDiff(actual, masked.forward(x, ROWS))).isLessThan(1e-6);
  }

  @Test
  void aNetworkWithNothingPrunedIsLeftAsItIs() {
    NetworkCompaction.Compacted compacted = NetworkCompaction.compact(torch);

    assertThat(compacted.network().architecture()).containsExactly(torch.architecture());
    assertThat(compacted.keptInputs()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(compacted.originalInputs()).isEqualTo(8);
  }

  private static List<float[]> weights(DenseNetwork network) {
    List<float[]> w = new ArrayList<>();
    for (DenseLayer layer : network.layers()) {
      w.add(layer.weights().clone());
    }
    return w;
  }

  private static DenseNetwork withWeights(DenseNetwork network, List<float[]> w) {
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l < w.size(); l++) {
      DenseLayer layer = network.layers().get(l);
      layers.add(
          new DenseLayer(
              layer.inputs(), layer.outputs(), w.get(l), layer.bias(), layer.activation()));
    }
    return new DenseNetwork(layers, network.output());
  }

  private static void zeroRow(float[] w, int outputs, int row) {
    for (int j = 0; j < outputs; j++) {
      w[row * outputs + j] = 0;
    }
  }

  private static void zeroColumn(float[] w, int inputs, int outputs, int column) {
    for (int i = 0; i < inputs; i++) {
      w[i * outputs + column] = 0;
    }
  }

  private static float[] random(int width) {
    Random random = new Random(5);
    float[] x = new float[ROWS * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  private static float[] columns(float[] x, int[] kept) {
    float[] out = new float[ROWS * kept.length];
    int width = x.length / ROWS;
    for (int r = 0; r < ROWS; r++) {
      for (int k = 0; k < kept.length; k++) {
        out[r * kept.length + k] = x[r * width + kept[k]];
      }
    }
    return out;
  }
}
