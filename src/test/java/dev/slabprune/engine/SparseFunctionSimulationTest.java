package dev.slabprune.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The simulation of Bai, Song &amp; Cheng (NeurIPS 2020): 200 inputs of which 5 matter. The reduced
 * budget here runs in CI; {@code -Dsimulation.epochs=N} runs a longer one.
 */
class SparseFunctionSimulationTest {

  static Examples simulate(int rows, long seed) {
    Random r = new Random(seed);
    int p = 200;
    float[] x = new float[rows * p];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < p; c++) {
        x[i * p + c] = (float) (2 * r.nextDouble() - 1);
      }
      double x1 = x[i * p];
      double x2 = x[i * p + 1];
      double x3 = x[i * p + 2];
      double x4 = x[i * p + 3];
      double x5 = x[i * p + 4];
      y[i] = (float) (7 * x2 / (1 + x1 * x1) + 5 * Math.sin(x3 * x4) + 2 * x5 + r.nextGaussian());
    }
    return Examples.regression(x, rows, p, y);
  }

  @Test
  void theFiveRelevantInputsAreSelectedAndFewIrrelevantOnes() {
    int epochs = Integer.getInteger("simulation.epochs", 400);
    Examples train = simulate(3000, 1);
    Examples validation = simulate(1000, 2);
    Examples test = simulate(1000, 3);
    DenseNetwork start =
        Initialisation.kaimingUniform(
            new int[] {200, 7, 7, 7, 1}, Activation.RELU, OutputKind.REGRESSION, 4);
    CompressionConfig config =
        CompressionConfig.defaults().toBuilder()
            .epochs(epochs)
            .learningRate(Double.parseDouble(System.getProperty("simulation.lr", "5e-3")))
            .fineTuneEpochs(1)
            .evaluationSamples(10)
            .seed(2020)
            // the method's own selection: the median model of the final posterior
            .pruning(PruningRule.median())
            .build();
    long t0 = System.nanoTime();
    Compression.Result result =
        Compression.run(
            start,
            train,
            validation,
            test,
            config,
            List.of(TrainingListener.failOnNaN()),
            () -> false);
    double seconds = (System.nanoTime() - t0) / 1e9;

    int[] kept = result.report().pruning().keptInputs();
    int falseNegatives = 5;
    List<Integer> falsePositives = new ArrayList<>();
    for (int i : kept) {
      if (i < 5) {
        falseNegatives--;
      } else {
        falsePositives.add(i);
      }
    }
    EpochSummary last = result.posterior().history().get(result.posterior().history().size() - 1);
    System.out.printf(
        "simulation: epochs %d, %.1f s, lambda %.3g, selected inputs %s, false negatives %d,"
            + " false positives %d %s, test RMSE pruned %.3f (before fine-tuning %.3f), model"
            + " average %.3f, weight density %.4f, architecture %s%n",
        epochs,
        seconds,
        result.report().lambda(),
        java.util.Arrays.toString(kept),
        falseNegatives,
        falsePositives.size(),
        falsePositives,
        result.report().pruned().rmse(),
        result.report().prunedBeforeFineTuning().rmse(),
        result.report().modelAverage().rmse(),
        last.density(),
        java.util.Arrays.toString(result.report().network().architecture()));

    assertThat(falseNegatives).isLessThanOrEqualTo(1);
    assertThat(falsePositives.size()).isLessThanOrEqualTo(5);
    // the noise sd is 1 and sd(y) is about 5: a useful network is well below 5
    assertThat(result.report().pruned().rmse()).isLessThan(2.5);
  }
}
