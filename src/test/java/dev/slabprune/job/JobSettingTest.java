package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.slabprune.engine.CompressionConfig;
import dev.slabprune.job.result.RunSettings;
import dev.slabprune.job.run.EngineConfigs;
import dev.slabprune.support.OpenApiContract;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The settings table against the two other places that state limits: the OpenAPI document's
 * minimum, maximum and default, and the range the engine's configuration accepts. A value the table
 * lets through must never fail in the engine (it answered 500 before the table).
 */
class JobSettingTest {

  private static final int MAX_EPOCHS = JobSetting.EPOCHS.max().intValue();

  @Test
  void theDocumentStatesEachSettingsTypeRangeAndDefaultAsTheTableDoes() throws IOException {
    Map<String, Map<String, Object>> documented = properties("EngineSettings");

    assertThat(documented.keySet())
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(JobSetting.values()).map(JobSetting::json).toList());
    for (JobSetting setting : JobSetting.values()) {
      Map<String, Object> schema = documented.get(setting.json());
      if (setting.type() == JobSetting.Type.NUMBER_OR_AUTO) {
        schema = oneOf(schema).get(0);
      }
      assertMatches(setting, schema);
      if (setting.defaultValue() instanceof Boolean flag) {
        assertThat(schema.get("default")).as("default of %s", setting.json()).isEqualTo(flag);
      } else if (setting.defaultValue() != null) {
        assertThat(decimal(schema.get("default")))
            .as("default of %s", setting.json())
            .isEqualByComparingTo(decimal(setting.defaultValue()));
      }
    }
  }

  @Test
  void theRepruningRequestHoldsItsSettingsToTheSameTable() throws IOException {
    Map<String, Map<String, Object>> documented = properties("PruningRequest");

    for (JobSetting setting :
        List.of(JobSetting.THRESHOLD, JobSetting.TARGET_WEIGHTS, JobSetting.FINE_TUNE_EPOCHS)) {
      assertMatches(setting, documented.get(setting.json()));
    }
  }

  @Test
  void theEngineAcceptsEverySettingAtBothEndsOfTheTablesRange() {
    for (JobSetting setting : JobSetting.values()) {
      for (Object value : ends(setting)) {
        RunSettings settings = withOne(setting, value);
        assertThatCode(() -> EngineConfigs.of(settings, 1L))
            .as("%s = %s", setting.json(), value)
            .doesNotThrowAnyException();
      }
    }
  }

  @Test
  void theTablesDefaultsAreTheEnginesDefaults() {
    int trainRows = 128 * 50;
    RunSettings resolved = EngineSettings.DEFAULTS.resolve(trainRows, MAX_EPOCHS);
    CompressionConfig defaults = CompressionConfig.defaults();

    assertThat(EngineConfigs.of(resolved, defaults.seed()))
        .isEqualTo(defaults.toBuilder().epochs(resolved.epochs()).build());
    assertThat(EngineSettings.MIN_DEFAULT_EPOCHS).isEqualTo(defaults.epochs());
    assertThat(resolved.epochs())
        .as("about 10,000 steps of 128 rows over 6,400 rows")
        .isEqualTo(200);
  }

  @Test
  void valuesJustOutsideTheRangeAreRefusedNamingTheSetting() {
    for (JobSetting setting : JobSetting.values()) {
      for (Object value : outside(setting)) {
        assertThat(setting.check(value)).as("%s = %s", setting.json(), value).isNotNull();
      }
      for (Object value : ends(setting)) {
        assertThat(setting.check(value)).as("%s = %s", setting.json(), value).isNull();
      }
    }
  }

  @Test
  void epochsWithinTheTableButAboveTheServicesCapAreRefusedNamingTheCap() {
    EngineSettings settings = withEpochs(5_000);

    assertThat(settings.violations(1_000))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.location()).isEqualTo("settings.epochs");
              assertThat(v.message()).contains("slabprune.jobs.max-epochs");
            });
    assertThat(settings.violations(MAX_EPOCHS)).isEmpty();
  }

  private static void assertMatches(JobSetting setting, Map<String, Object> schema) {
    String name = setting.json();
    String type =
        switch (setting.type()) {
          case INTEGER -> "integer";
          case NUMBER, NUMBER_OR_AUTO -> "number";
          case BOOLEAN -> "boolean";
        };
    assertThat(schema.get("type")).as("type of %s", name).isEqualTo(type);
    compare(name + " minimum", schema.get("minimum"), setting.min());
    compare(name + " maximum", schema.get("maximum"), setting.max());
    assertThat(Boolean.TRUE.equals(schema.get("exclusiveMinimum")))
        .as("exclusiveMinimum of %s", name)
        .isEqualTo(setting.minExclusive());
    assertThat(Boolean.TRUE.equals(schema.get("exclusiveMaximum")))
        .as("exclusiveMaximum of %s", name)
        .isEqualTo(setting.maxExclusive());
  }

  private static void compare(String what, Object documented, Number table) {
    if (table == null) {
      assertThat(documented).as(what).isNull();
    } else {
      assertThat(documented).as(what).isNotNull();
      assertThat(decimal(documented)).as(what).isEqualByComparingTo(decimal(table));
    }
  }

  /** The least and greatest values in range (just inside an exclusive end). */
  private static List<Object> ends(JobSetting setting) {
    return switch (setting.type()) {
      case BOOLEAN -> List.of(true, false);
      case INTEGER ->
          setting.max() == null
              ? List.of(setting.min().longValue(), Long.MAX_VALUE)
              : List.of(setting.min().intValue(), setting.max().intValue());
      case NUMBER, NUMBER_OR_AUTO -> {
        double low = setting.min().doubleValue();
        double high = setting.max().doubleValue();
        yield List.of(
            setting.minExclusive() ? Math.nextUp(low) : low,
            setting.maxExclusive() ? Math.nextDown(high) : high);
      }
    };
  }

  private static List<Object> outside(JobSetting setting) {
    return switch (setting.type()) {
      case BOOLEAN -> List.of("yes");
      case INTEGER ->
          setting.max() == null
              ? List.of(setting.min().longValue() - 1)
              : List.of(setting.min().intValue() - 1, setting.max().intValue() + 1);
      case NUMBER, NUMBER_OR_AUTO -> {
        double low = setting.min().doubleValue();
        double high = setting.max().doubleValue();
        yield List.of(
            setting.minExclusive() ? low : Math.nextDown(low),
            setting.maxExclusive() ? high : Math.nextUp(high),
            Double.NaN);
      }
    };
  }

  /** The defaults with one setting changed, as the service would resolve them. */
  private static RunSettings withOne(JobSetting setting, Object value) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(setting.json(), value);
    EngineSettings settings =
        new EngineSettings(
            (Integer) fields.get("epochs"),
            (Integer) fields.get("batchSize"),
            (Double) fields.get("learningRate"),
            fields.get("priorInclusion"),
            (Double) fields.get("slabSd"),
            (Double) fields.get("temperature"),
            (Integer) fields.get("evaluationSamples"),
            (Double) fields.get("threshold"),
            (Long) fields.get("targetWeights"),
            (Boolean) fields.get("pruneNodes"),
            (Boolean) fields.get("selectInputs"),
            (Integer) fields.get("fineTuneEpochs"),
            (Integer) fields.get("earlyStoppingPatience"),
            fields.get("noiseSd"),
            (Double) fields.get("targetDensity"),
            (Double) fields.get("maxAccuracyDrop"),
            (Double) fields.get("maxRelativeRmseIncrease"));
    assertThat(settings.violations(MAX_EPOCHS)).as("%s = %s", setting.json(), value).isEmpty();
    return settings.resolve(1_000, MAX_EPOCHS);
  }

  private static EngineSettings withEpochs(int epochs) {
    return new EngineSettings(
        epochs, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> properties(String schema) throws IOException {
    Map<String, Object> document;
    try (InputStream in = Files.newInputStream(OpenApiContract.DOCUMENT)) {
      document = new Yaml().load(in);
    }
    Map<String, Object> schemas =
        (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
    return (Map<String, Map<String, Object>>)
        ((Map<String, Object>) schemas.get(schema)).get("properties");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> oneOf(Map<String, Object> schema) {
    return ((List<Map<String, Object>>) schema.get("oneOf"))
        .stream().filter(s -> !"string".equals(s.get("type"))).collect(Collectors.toList());
  }

  private static BigDecimal decimal(Object value) {
    return new BigDecimal(value.toString());
  }
}
