package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slabprune.job.result.JobKind;
import dev.slabprune.job.result.JobResults;
import dev.slabprune.job.result.PriorInclusionSetting;
import dev.slabprune.job.result.StoredResult;
import dev.slabprune.storage.ArtifactStore;
import dev.slabprune.support.OpenApiContract;
import dev.slabprune.support.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A database written by the service before V3 (job settings with nulls for defaults, reports built
 * as maps, a re-pruning that replaced a job's report) is migrated, in a schema of its own, and read
 * back into the typed records; what the API would answer matches the OpenAPI document.
 */
@SpringBootTest
class UpgradeFromV2Test {

  private static final String OWNER = "upgraded";

  @Autowired JsonMapper json;

  @Test
  void jobsAndResultsStoredBeforeV3ReadBackAsTheTypedRecordsTheDocumentDescribes() {
    String schema = "upgrade_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(TestDatabase.get().jdbcUrl());
    dataSource.setUser(TestDatabase.get().user());
    dataSource.setPassword(TestDatabase.get().password());
    dataSource.setCurrentSchema(schema);
    Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .locations("classpath:db/migration")
        .target("2")
        .load()
        .migrate();
    JdbcClient jdbc = JdbcClient.create(dataSource);
    String modelBytes = artifact(jdbc);
    String csv = artifact(jdbc);
    String pruned = artifact(jdbc);
    String posterior = artifact(jdbc);
    UUID model = UUID.randomUUID();
    UUID dataset = UUID.randomUUID();
    jdbc.sql(
            "insert into model (id, owner, name, file_name, artifact_sha256, summary, created_at)"
                + " values (?, ?, 'm', 'm.onnx', ?, '{}', now())")
        .params(model, OWNER, modelBytes)
        .update();
    jdbc.sql(
            "insert into dataset (id, owner, name, format, summary, created_at)"
                + " values (?, ?, 'd', 'CSV', '{}', now())")
        .params(dataset, OWNER)
        .update();
    jdbc.sql(
            "insert into dataset_file (dataset_id, role, file_name, position, artifact_sha256)"
                + " values (?, 'file', 'd.csv', 0, ?)")
        .params(dataset, csv)
        .update();
    UUID trained = job(jdbc, model, dataset, "SUCCEEDED", PROGRESS, null);
    result(jdbc, trained, pruned, posterior, TRAINING_REPORT.replace("JOB", trained.toString()));
    UUID repruned = job(jdbc, model, dataset, "SUCCEEDED", PROGRESS, null);
    result(jdbc, repruned, pruned, posterior, REPRUNED_REPORT.replace("JOB", repruned.toString()));
    UUID failed =
        job(
            jdbc,
            model,
            dataset,
            "FAILED",
            null,
            "{\"type\": \"/problems/training-diverged\", \"title\": \"Training diverged\","
                + " \"status\": 500, \"detail\": \"the loss became NaN\"}");

    Flyway.configure()
        .dataSource(dataSource)
        .schemas(schema)
        .locations("classpath:db/migration")
        .load()
        .migrate();

    ArtifactStore artifacts = new ArtifactStore(dataSource, Clock.systemUTC());
    JobStore store = new JobStore(jdbc, json, Clock.systemUTC());
    JobResults results = new JobResults(jdbc, artifacts, json, Clock.systemUTC());
    JobView view = store.find(OWNER, trained).orElseThrow();
    assertThat(view.kind()).isEqualTo(JobKind.COMPRESSION);
    assertThat(view.parameters().settings().epochs()).isEqualTo(40);
    assertThat(view.parameters().settings().batchSize()).isEqualTo(128);
    assertThat(view.parameters().settings().temperature()).isEqualTo(0.5);
    assertThat(view.parameters().settings().threshold()).isEqualTo(0.5);
    assertThat(view.parameters().settings().priorInclusion()).isEqualTo(PriorInclusionSetting.AUTO);
    assertThat(view.parameters().datasetFiles()).extracting("sha256").containsExactly(csv);
    assertThat(view.progress().phase().json()).isEqualTo("succeeded");
    assertValid("/api/v1/jobs/" + trained, view);
    assertValid("/api/v1/jobs/" + failed, store.find(OWNER, failed).orElseThrow());

    StoredResult training = results.find(trained).orElseThrow();
    assertThat(training.report().pruning().keptWeights()).isEqualTo(30);
    assertThat(training.report().scores().magnitudeBaseline().accuracy()).isEqualTo(0.8);
    assertThat(training.report().provenance().settings()).isEqualTo(view.parameters().settings());
    assertThat(training.report().provenance().serviceVersion()).isNull();
    assertValid("/api/v1/jobs/" + trained + "/report", training.report());
    assertValid(
        "/api/v1/jobs/" + trained + "/inclusion-probabilities", training.inclusionProbabilities());

    StoredResult reprune = results.find(repruned).orElseThrow();
    assertThat(reprune.report().scores().magnitudeBaseline()).isNull();
    assertThat(reprune.report().scores().prunedBeforeFineTuning())
        .isEqualTo(reprune.report().scores().pruned());
    assertThat(reprune.report().size().prunedParameters()).isEqualTo(25);
    assertThat(reprune.report().warnings()).hasSize(1);
    assertValid("/api/v1/jobs/" + repruned + "/report", reprune.report());
  }

  private void assertValid(String path, Object body) {
    assertThat(
            OpenApiContract.check(
                new OpenApiContract.Exchange(
                    "GET",
                    path,
                    Map.of(),
                    Map.of(),
                    null,
                    200,
                    Map.of("Content-Type", List.of("application/json")),
                    json.writeValueAsBytes(body))))
        .isNotNull();
  }

  private static UUID job(
      JdbcClient jdbc, UUID model, UUID dataset, String state, String progress, String failure) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            with created as (
                insert into job (id, owner, model_id, dataset_id, state, parameters, attempts,
                                 max_attempts, run_after, progress, failure, created_at,
                                 started_at, finished_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), 1, 3, now(), cast(? as jsonb),
                        cast(? as jsonb), now(), now(), now())
                returning id
            )
            insert into job_event (job_id, at, type, to_state, attempt)
            select id, now(), 'CREATED', 'QUEUED', 0 from created
            """)
        .params(id, OWNER, model, dataset, state, PARAMETERS, progress, failure)
        .update();
    return id;
  }

  private static void result(
      JdbcClient jdbc, UUID job, String pruned, String posterior, String report) {
    jdbc.sql(
            """
            insert into job_result (job_id, pruned_sha256, posterior_sha256, report,
                                    inclusion_probabilities, prunings, created_at, updated_at)
            values (?, ?, ?, cast(? as jsonb), cast(? as jsonb), 1, now(), now())
            """)
        .params(job, pruned, posterior, report, PIPS)
        .update();
  }

  /** An artifact row as V2 had them; its bytes do not matter here. */
  private static String artifact(JdbcClient jdbc) {
    String sha = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    jdbc.sql(
            "insert into artifact (sha256, size_bytes, media_type, content, created_at)"
                + " values (?, 0, 'application/octet-stream', lo_create(0), now())")
        .param(sha)
        .update();
    return sha;
  }

  /** As JobParameters was serialised before V3: the settings given, null for the rest. */
  private static final String PARAMETERS =
      """
      {"settings": {"epochs": 40, "batchSize": null, "learningRate": null,
                    "priorInclusion": null, "slabSd": null, "temperature": null,
                    "evaluationSamples": 5, "threshold": null, "targetWeights": null,
                    "pruneNodes": null, "selectInputs": null, "fineTuneEpochs": 1,
                    "earlyStoppingPatience": null, "noiseSd": null},
       "validationFraction": 0.1, "testFraction": 0.2, "seed": 7, "reducedInput": false,
       "modelSha256": "0000000000000000000000000000000000000000000000000000000000000000"}
      """;

  private static final String PROGRESS =
      """
      {"phase": "writing", "epoch": 40, "totalEpochs": 40, "fraction": 1.0, "elbo": -12.5,
       "density": 0.4, "validationMetric": 0.9, "etaSeconds": null}
      """;

  private static final String SCORES =
      "{\"accuracy\": %s, \"nll\": 0.4, \"ece\": 0.03, \"rmse\": null, \"uncertainty\": 0.5}";

  private static final String PRUNING =
      """
      {"rule": {"kind": "threshold", "threshold": 0.5},
       "survivingArchitecture": [6, 5, 3], "originalArchitecture": [6, 8, 3],
       "keptWeights": 30, "totalWeights": 72, "weightDensity": 0.4166,
       "keptInputs": 6, "totalInputs": 6, "droppedInputs": [],
       "layers": [{"layer": 0, "inputsKept": 6, "outputsKept": 5, "weightsKept": 20,
                   "weightDensity": 0.41, "pipHistogram": [3, 0, 0, 0, 0, 0, 0, 0, 0, 20]},
                  {"layer": 1, "inputsKept": 5, "outputsKept": 3, "weightsKept": 10,
                   "weightDensity": 0.41, "pipHistogram": [1, 0, 0, 0, 0, 0, 0, 0, 0, 10]}]}
      """;

  private static final String PROVENANCE =
      """
      {"config": {"epochs": 40, "batchSize": 128, "learningRate": 0.001,
                  "priorInclusion": {"auto": true, "value": "NaN"}, "slabSd": 1.0,
                  "temperature": 0.5, "evaluationSamples": 5, "pruning": {"threshold": 0.5},
                  "pruneNodes": true, "selectInputs": true, "fineTuneEpochs": 1,
                  "earlyStoppingPatience": 0, "seed": 7, "noiseSd": 1.0,
                  "stepEventInterval": 50},
       "trainSha256": "1111111111111111111111111111111111111111111111111111111111111111",
       "nd4jVersion": "1.0.0-M2.1", "javaVersion": "17.0.15", "os": "Linux 6.1 amd64",
       "cpu": "a processor, 2 cores"}
      """;

  private static final String HISTORY =
      """
      [{"epoch": 1, "elbo": -20.5, "kl": 3.5, "nll": 0.9, "density": 1.0,
        "validationMetric": 0.7, "seconds": 0.2},
       {"epoch": 2, "elbo": -12.5, "kl": 3.1, "nll": 0.5, "density": 0.4,
        "validationMetric": null, "seconds": 0.2}]
      """;

  /** As JobReports.report built it before V3. */
  private static final String TRAINING_REPORT =
      ("""
      {"jobId": "JOB", "source": "training", "pruning": PRUNING,
       "scores": {"uploaded": UPLOADED, "prunedBeforeFineTuning": BEFORE, "pruned": PRUNED,
                  "modelAverage": AVERAGE, "magnitudeBaseline": MAGNITUDE},
       "size": {"uploadedParameters": 83, "prunedParameters": 38, "uploadedFlops": 300,
                "prunedFlops": 120, "prunedSparseFlops": 90, "uploadedLatencyMicros": 2.5,
                "prunedLatencyMicros": 1.5, "measuredSpeedup": 1.66},
       "artifact": {"sha256": "2222222222222222222222222222222222222222222222222222222222222222",
                    "sizeBytes": 900, "originalSizeBytes": 1500, "sizeRatio": 0.6},
       "priorInclusion": 0.0001, "history": HISTORY, "provenance": PROVENANCE,
       "warnings": []}
      """)
          .replace("PRUNING", PRUNING)
          .replace("UPLOADED", SCORES.formatted("0.9"))
          .replace("BEFORE", SCORES.formatted("0.7"))
          .replace("PRUNED", SCORES.formatted("0.85"))
          .replace("AVERAGE", SCORES.formatted("0.88"))
          .replace("MAGNITUDE", SCORES.formatted("0.8"))
          .replace("HISTORY", HISTORY)
          .replace("PROVENANCE", PROVENANCE);

  /** As JobReports.repruned built it before V3, replacing the job's report. */
  private static final String REPRUNED_REPORT =
      ("""
      {"jobId": "JOB", "source": "reprune", "pruningNumber": 2, "pruning": PRUNING,
       "scores": {"uploaded": UPLOADED, "modelAverage": AVERAGE, "pruned": PRUNED},
       "size": {"prunedParameters": 25},
       "artifact": {"sha256": "3333333333333333333333333333333333333333333333333333333333333333",
                    "sizeBytes": 700, "originalSizeBytes": 1500, "sizeRatio": 0.46},
       "history": HISTORY, "provenance": PROVENANCE,
       "warnings": ["Re-pruned without fine-tuning: scores are those of the pruned weights as trained."]}
      """)
          .replace("PRUNING", PRUNING)
          .replace("UPLOADED", SCORES.formatted("0.9"))
          .replace("PRUNED", SCORES.formatted("0.6"))
          .replace("AVERAGE", SCORES.formatted("0.88"))
          .replace("HISTORY", HISTORY)
          .replace("PROVENANCE", PROVENANCE);

  private static final String PIPS =
      """
      {"layers": [{"layer": 0, "inputs": 6, "outputs": 8,
                   "nodePips": [0.9, 0.8, 0.1, 0.9, 0.9, 0.9, 0.2, 0.9],
                   "nodePipsMonteCarlo": [0.9, 0.8, 0.1, 0.9, 0.9, 0.9, 0.2, 0.9],
                   "keptNodes": [0, 1, 3, 4, 5], "weightPipHistogram": [3, 0, 0, 0, 0, 0, 0, 0, 0, 20],
                   "weightsNpy": "/api/v1/jobs/x/inclusion-probabilities/weights.npy?layer=0"},
                  {"layer": 1, "inputs": 8, "outputs": 3,
                   "weightPipHistogram": [1, 0, 0, 0, 0, 0, 0, 0, 0, 10],
                   "weightsNpy": "/api/v1/jobs/x/inclusion-probabilities/weights.npy?layer=1"}],
       "inputs": [{"index": 0, "name": "a", "pip": 0.99, "kept": true},
                  {"index": 1, "pip": 0.98, "kept": true}]}
      """;
}
