package dev.slabprune.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bars of the suite per case, on the median over the seeds that succeeded: the delivered
 * network at most 1 point below the upload on the held-out test rows (RMSE at most 5% above), at
 * most 20% of the weights, not worse than magnitude pruning at the same size and fine-tuning (the
 * report's test split, the only place both are measured), the MNIST anchors, exact input selection
 * on the simulations (every seed).
 */
final class SuiteSummary {

  static final double MAX_ACCURACY_DROP = 0.01;
  static final double MAX_RMSE_RATIO = 1.05;
  static final double MAX_DENSITY = 0.20;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private SuiteSummary() {}

  static ObjectNode summarise(List<ObjectNode> lines) {
    Map<String, List<JsonNode>> byCase = new LinkedHashMap<>();
    for (ObjectNode line : lines) {
      byCase.computeIfAbsent(line.get("case").asString(), k -> new ArrayList<>()).add(line);
    }
    ObjectNode cases = JSON.createObjectNode();
    int met = 0;
    int judged = 0;
    for (Map.Entry<String, List<JsonNode>> e : byCase.entrySet()) {
      ObjectNode s = summariseCase(e.getKey(), e.getValue());
      cases.set(e.getKey(), s);
      if (s.has("all_bars")) {
        judged++;
        if (s.get("all_bars").asBoolean()) {
          met++;
        }
      }
    }
    ObjectNode summary = JSON.createObjectNode();
    summary.put("summary", "suite");
    summary.put("cases_judged", judged);
    summary.put("cases_meeting_all_bars", met);
    summary.set("cases", cases);
    return summary;
  }

  private static ObjectNode summariseCase(String name, List<JsonNode> runs) {
    List<JsonNode> ok = new ArrayList<>();
    for (JsonNode r : runs) {
      if (r.has("pruned") && !r.get("pruned").isNull()) {
        ok.add(r);
      }
    }
    ObjectNode s = JSON.createObjectNode();
    s.put("seeds", runs.size());
    s.put("succeeded", ok.size());
    if (ok.isEmpty()) {
      return s;
    }
    boolean classification = ok.get(0).get("kind").asString().equals("classification");
    s.put("metric", classification ? "accuracy" : "rmse");
    put(s, "uploaded", median(ok, r -> r.get("uploaded").asDouble()));
    put(s, "pruned", median(ok, r -> r.get("pruned").asDouble()));
    put(s, "density", median(ok, r -> r.get("density").asDouble()));
    put(s, "latency_ratio", median(ok, r -> number(r.get("latency_ratio"))));
    put(s, "job_seconds", median(ok, r -> r.get("job_seconds").asDouble()));
    ObjectNode bars = JSON.createObjectNode();
    boolean withinBudget;
    if (classification) {
      double drop = median(ok, r -> r.get("uploaded").asDouble() - r.get("pruned").asDouble());
      put(s, "accuracy_drop", drop);
      withinBudget = drop <= MAX_ACCURACY_DROP + 1e-12;
    } else {
      double ratio = median(ok, r -> r.get("pruned").asDouble() / r.get("uploaded").asDouble());
      put(s, "rmse_ratio", ratio);
      withinBudget = ratio <= MAX_RMSE_RATIO + 1e-12;
    }
    bars.put("within_budget", withinBudget);
    bars.put("at_most_20pct_weights", s.get("density").asDouble() <= MAX_DENSITY);
    // positive: the delivered network beats magnitude pruning on the report's test split
    double vsMagnitude =
        median(
            ok,
            r -> {
              JsonNode split = r.get("report_test_split");
              double pruned = number(split.get("pruned"));
              double magnitude = number(split.get("magnitudeBaseline"));
              return classification ? pruned - magnitude : magnitude - pruned;
            });
    put(s, "margin_over_magnitude", vsMagnitude);
    bars.put("not_worse_than_magnitude", vsMagnitude >= 0);
    if (name.equals("mnist")) {
      double error = 1 - s.get("pruned").asDouble();
      double h1 = median(ok, r -> r.get("nodes").get(1).asDouble());
      double h2 = median(ok, r -> r.get("nodes").get(2).asDouble());
      bars.put(
          "mnist_anchor",
          error <= 0.020 && s.get("density").asDouble() <= 0.02 && h1 <= 150 && h2 <= 50);
    }
    if (ok.get(0).has("inputs_exact")) {
      boolean exact = ok.size() == runs.size();
      for (JsonNode r : ok) {
        exact &= r.get("inputs_exact").asBoolean();
      }
      bars.put("exact_inputs_every_seed", exact);
    }
    boolean all = true;
    for (JsonNode b : bars) {
      all &= b.asBoolean();
    }
    s.set("bars", bars);
    s.put("all_bars", all);
    return s;
  }

  /** JSON has no NaN: a figure that could not be measured is null. */
  static void put(ObjectNode node, String key, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(key);
    } else {
      node.put(key, value);
    }
  }

  private static double number(JsonNode n) {
    return n == null || n.isNull() ? Double.NaN : n.asDouble();
  }

  static double median(List<JsonNode> runs, ToDoubleFunction<JsonNode> f) {
    double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
