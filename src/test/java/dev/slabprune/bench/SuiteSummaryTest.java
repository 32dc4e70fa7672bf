package dev.slabprune.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SuiteSummaryTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ObjectNode run(
      String name, String kind, double uploaded, double pruned, double magnitude, double density) {
    ObjectNode line = JSON.createObjectNode();
    line.put("case", name);
    line.put("kind", kind);
    line.put("uploaded", uploaded);
    line.put("pruned", pruned);
    line.put("density", density);
    line.put("job_seconds", 10.0);
    ObjectNode split = line.putObject("report_test_split");
    split.put("pruned", pruned);
    split.put("magnitudeBaseline", magnitude);
    line.set("nodes", JSON.valueToTree(List.of(784, 140, 45, 10)));
    return line;
  }

  @Test
  void theBarsAreJudgedOnTheMedianSeedSoOneBadSeedDoesNotFailACase() {
    JsonNode wine =
        SuiteSummary.summarise(
                List.of(
                    run("wine", "classification", 0.98, 0.97, 0.96, 0.10),
                    run("wine", "classification", 0.98, 0.90, 0.96, 0.10),
                    run("wine", "classification", 0.98, 0.98, 0.96, 0.10)))
            .get("cases")
            .get("wine");

    assertThat(wine.get("accuracy_drop").asDouble()).isCloseTo(0.01, within());
    assertThat(wine.get("bars").get("within_budget").asBoolean()).isTrue();
    assertThat(wine.get("all_bars").asBoolean()).isTrue();
  }

  @Test
  void aRegressionMoreThanFivePercentWorseThanTheUploadFailsTheBudgetButCanStillBeatMagnitude() {
    JsonNode diabetes =
        SuiteSummary.summarise(List.of(run("diabetes", "regression", 50.0, 53.0, 60.0, 0.5)))
            .get("cases")
            .get("diabetes");

    assertThat(diabetes.get("rmse_ratio").asDouble()).isCloseTo(1.06, within());
    assertThat(diabetes.get("bars").get("within_budget").asBoolean()).isFalse();
    assertThat(diabetes.get("bars").get("at_most_20pct_weights").asBoolean()).isFalse();
    assertThat(diabetes.get("bars").get("not_worse_than_magnitude").asBoolean()).isTrue();
    assertThat(diabetes.get("all_bars").asBoolean()).isFalse();
  }

  @Test
  void mnistMustAlsoMeetTheAnchorOfTwoPercentErrorAtTwoPercentOfTheWeights() {
    JsonNode mnist =
        SuiteSummary.summarise(List.of(run("mnist", "classification", 0.983, 0.978, 0.97, 0.03)))
            .get("cases")
            .get("mnist");

    assertThat(mnist.get("bars").get("within_budget").asBoolean()).isTrue();
    assertThat(mnist.get("bars").get("mnist_anchor").asBoolean()).isFalse();
  }

  @Test
  void aSimulationSelectsExactlyOnlyWhenEverySeedDid() {
    ObjectNode exact = run("bai-sim", "regression", 2.5, 1.2, 2.0, 0.02);
    exact.put("inputs_exact", true);
    ObjectNode missed = run("bai-sim", "regression", 2.5, 1.2, 2.0, 0.02);
    missed.put("inputs_exact", false);

    JsonNode bai =
        SuiteSummary.summarise(List.of(exact, missed, exact)).get("cases").get("bai-sim");

    assertThat(bai.get("bars").get("exact_inputs_every_seed").asBoolean()).isFalse();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
