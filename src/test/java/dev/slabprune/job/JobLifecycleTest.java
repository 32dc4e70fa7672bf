package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.jayway.jsonpath.JsonPath;
import dev.slabprune.engine.DenseNetwork;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job from queue to deletion with one worker running: its report and provenance, re-prunings of
 * it, its progress once it has ended however it ended, and its deletion with what it produced.
 */
@SpringBootTest(
    properties = {
      "slabprune.worker.enabled=true",
      "slabprune.worker.workers=1",
      "slabprune.worker.poll-interval=100ms",
      "slabprune.worker.heartbeat-interval=200ms",
      "slabprune.worker.heartbeat-timeout=2s",
      "slabprune.worker.reaper-interval=200ms"
    })
@AutoConfigureMockMvc
@DirtiesContext
class JobLifecycleTest {

  private static final Map<String, Object> QUICK =
      Map.of("epochs", 2, "fineTuneEpochs", 1, "evaluationSamples", 3);

  @Autowired MockMvc mvc;
  @Autowired JsonMapper json;
  @Autowired JdbcClient jdbc;

  private String model;
  private String dataset;
  private String modelSha;

  @BeforeEach
  void upload() throws Exception {
    jdbc.sql(
            "update job set state = 'CANCELLED', claimed_by = null, heartbeat_at = null"
                + " where state in ('QUEUED', 'RUNNING')")
        .update();
    DenseNetwork teacher = TeacherData.teacher();
    String uploaded =
        mvc.perform(
                multipart("/api/v1/models")
                    .file(
                        new MockMultipartFile(
                            "file",
                            "teacher.onnx",
                            "application/octet-stream",
                            new OnnxModelWriter()
                                .write(
                                    teacher,
                                    TestOnnx.allInputs(
                                        "x", "logits", TeacherData.FEATURES, Map.of())))))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse()
            .getContentAsString();
    model = JsonPath.read(uploaded, "$.id");
    modelSha = JsonPath.read(uploaded, "$.sha256");
    dataset =
        JsonPath.read(
            mvc.perform(
                    multipart("/api/v1/datasets")
                        .file(
                            new MockMultipartFile(
                                "file", "data.csv", "text/csv", TeacherData.dataset(teacher))))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString(),
            "$.id");
  }

  @Test
  void aFinishedJobsReportSaysWhereItCameFromAndItsProgressEnded() throws Exception {
    String job = succeeded(create(QUICK));

    Map<String, Object> view = read("/api/v1/jobs/" + job);
    Map<String, Object> report = read("/api/v1/jobs/" + job + "/report");
    Map<String, Object> provenance = map(report, "provenance");
    Map<String, Object> splits = map(provenance, "splits");
    int rows = datasetRows();

    assertThat(map(view, "progress"))
        .containsEntry("phase", "succeeded")
        .containsEntry("fraction", 1.0)
        .containsEntry("epoch", 2);
    assertThat(provenance.get("serviceVersion")).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(provenance.get("modelSha256")).isEqualTo(modelSha);
    assertThat((List<?>) provenance.get("datasetFiles")).hasSize(1);
    assertThat(provenance.get("settings")).isEqualTo(map(view, "parameters").get("settings"));
    // 10%, or enough for 200 validation rows on small data, at most 25%
    assertThat(splits)
        .containsEntry("validationFraction", Math.max(0.1, Math.min(0.25, 200.0 / rows)))
        .containsEntry("testFraction", 0.2);
    assertThat(
            (int) splits.get("trainRows")
                + (int) splits.get("validationRows")
                + (int) splits.get("testRows"))
        .isEqualTo(rows);
    assertThat(report).containsEntry("kind", "compression").containsEntry("jobId", job);
    assertThat(map(report, "scores").get("magnitudeBaseline")).isNotNull();
  }

  @Test
  void aRepruningWithTheJobsOwnRuleReproducesItsPruningAndOneThatKeepsAllSaysNothingWasPruned()
      throws Exception {
    String job = succeeded(create(QUICK));
    Map<String, Object> source = read("/api/v1/jobs/" + job + "/report");

    String same = succeeded(reprune(job, Map.of("maxAccuracyDrop", 0.01)));
    String all = succeeded(reprune(job, Map.of("threshold", 1e-9, "fineTuneEpochs", 0)));

    Map<String, Object> again = read("/api/v1/jobs/" + same + "/report");
    assertThat(again.get("pruning")).isEqualTo(source.get("pruning"));
    assertThat(map(again, "scores").get("pruned")).isEqualTo(map(source, "scores").get("pruned"));
    assertThat(map(again, "scores").get("magnitudeBaseline"))
        .isEqualTo(map(source, "scores").get("magnitudeBaseline"));
    assertThat(again).containsEntry("kind", "reprune").containsEntry("sourceJobId", job);

    Map<String, Object> kept = read("/api/v1/jobs/" + all + "/report");
    assertThat(map(kept, "pruning")).containsEntry("nothingPruned", true);
    assertThat((List<String>) kept.get("warnings"))
        .anySatisfy(w -> assertThat(w).startsWith("Nothing was pruned"))
        .anySatisfy(w -> assertThat(w).startsWith("Re-pruned without fine-tuning"));
  }

  @Test
  void aFinishedJobIsDeletedWithItsEventsAndTheBytesNoOtherJobUses() throws Exception {
    String job = succeeded(create(QUICK));
    String prunedSha = sha("pruned_sha256", job);
    String posteriorSha = sha("posterior_sha256", job);

    // A long job holds the only worker, so the re-pruning waits in the queue.
    String blocker = create(Map.of("epochs", 1000));
    await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(state(blocker)));
    String repruning = reprune(job, Map.of("threshold", 0.6));

    deleteJob(blocker)
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("/problems/job-active"));
    deleteJob(job)
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("/problems/job-in-use"));
    mvc.perform(post("/api/v1/jobs/" + blocker + "/cancel")).andExpect(status().isAccepted());
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(state(blocker)));
    succeeded(repruning);

    deleteJob(blocker).andExpect(status().isNoContent());
    deleteJob(job).andExpect(status().isNoContent());

    mvc.perform(get("/api/v1/jobs/" + job)).andExpect(status().isNotFound());
    deleteJob(job).andExpect(status().isNotFound());
    assertThat(count("select count(*) from job_event where job_id = ?", job)).isZero();
    assertThat(count("select count(*) from artifact where sha256 = ?", prunedSha)).isZero();
    assertThat(count("select count(*) from artifact where sha256 = ?", posteriorSha))
        .as("the re-pruning's result still refers to the posterior")
        .isOne();
    assertThat(read("/api/v1/jobs/" + repruning)).containsEntry("sourceJobId", null);
    mvc.perform(get("/api/v1/jobs/" + repruning + "/inclusion-probabilities/weights.npy?layer=0"))
        .andExpect(status().isOk());
    mvc.perform(get("/api/v1/jobs/" + repruning + "/artifact")).andExpect(status().isOk());

    deleteJob(repruning).andExpect(status().isNoContent());
    assertThat(count("select count(*) from artifact where sha256 = ?", posteriorSha)).isZero();
  }

  @Test
  void theEventsOfAJobThatStillExistsStayAppendOnly() throws Exception {
    String job = create(QUICK);
    UUID id = UUID.fromString(job);

    assertThatThrownBy(
            () ->
                jdbc.sql("update job_event set type = 'EDITED' where job_id = ?")
                    .param(id)
                    .update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> jdbc.sql("delete from job_event where job_id = ?").param(id).update())
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> jdbc.sql("truncate job_event cascade").update())
        .hasMessageContaining("append-only");
    assertThat(count("select count(*) from job_event where job_id = ?", job)).isPositive();
  }

  @Test
  void progressEndsWithTheJobWhetherItWasCancelledFailedOrReaped() throws Exception {
    // The worker is kept busy so the next job stays queued until it is cancelled.
    String blocker = create(Map.of("epochs", 1000));
    await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(state(blocker)));
    String queued = create(QUICK);
    mvc.perform(post("/api/v1/jobs/" + queued + "/cancel")).andExpect(status().isAccepted());
    mvc.perform(post("/api/v1/jobs/" + blocker + "/cancel")).andExpect(status().isAccepted());
    await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(state(blocker)));

    assertThat(map(read("/api/v1/jobs/" + queued), "progress")).containsEntry("phase", "cancelled");
    assertThat(map(read("/api/v1/jobs/" + blocker), "progress"))
        .containsEntry("phase", "cancelled")
        .containsEntry("etaSeconds", null);

    // A job whose model is gone fails at once, for good.
    UUID failing = copyOf(blocker, "QUEUED", null);
    await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(state(failing.toString())));
    Map<String, Object> failed = read("/api/v1/jobs/" + failing);
    assertThat(map(failed, "progress")).containsEntry("phase", "failed");
    assertThat(map(failed, "failure"))
        .containsEntry("type", "/problems/job-input-deleted")
        .containsEntry("status", 422);
    assertThat(failed).containsEntry("attempts", 1);

    // A job whose stored parameters this version cannot read fails at once, for good.
    UUID unreadable = UUID.randomUUID();
    jdbc.sql(
            """
            insert into job (id, owner, kind, model_id, dataset_id, state, parameters,
                             max_attempts, run_after, created_at)
            select ?, owner, kind, model_id, dataset_id, 'QUEUED', '{"settings": {}}', 3, now(),
                   now()
            from job where id = ?
            """)
        .params(unreadable, UUID.fromString(blocker))
        .update();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "FAILED"
                    .equals(
                        jdbc.sql("select state from job where id = ?")
                            .param(unreadable)
                            .query(String.class)
                            .single()));
    assertThat(
            jdbc.sql("select attempts || ' ' || (failure->>'type') from job where id = ?")
                .param(unreadable)
                .query(String.class)
                .single())
        .isEqualTo("1 /problems/job-parameters-unreadable");

    // A job whose worker vanished on its last attempt is failed by the reaper.
    UUID lost = copyOf(blocker, "RUNNING", "a-worker-that-died");
    await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(state(lost.toString())));
    Map<String, Object> reaped = read("/api/v1/jobs/" + lost);
    assertThat(map(reaped, "progress")).containsEntry("phase", "failed");
    assertThat(map(reaped, "failure")).containsEntry("type", "/problems/worker-lost");
  }

  /** A job with another's parameters: queued without a model, or running on a dead worker. */
  private UUID copyOf(String job, String state, String worker) {
    UUID id = UUID.randomUUID();
    jdbc.sql(
            """
            insert into job (id, owner, kind, model_id, dataset_id, state, parameters, attempts,
                             max_attempts, run_after, claimed_by, heartbeat_at, progress,
                             created_at, started_at)
            select ?, owner, kind, null, dataset_id, ?, parameters, ?, 1, now(), cast(? as text),
                   case when cast(? as text) is null then null else now() - interval '1 hour' end,
                   case when cast(? as text) is null then null
                        else '{"phase": "training", "epoch": 3, "totalEpochs": 9,
                               "fraction": 0.3, "elbo": -10.5, "density": 1.0,
                               "validationMetric": 0.5, "etaSeconds": 20,
                               "resumedFromEpoch": null}'::jsonb end,
                   now(), case when cast(? as text) is null then null else now() end
            from job where id = ?
            """)
        .params(
            id, state, worker == null ? 0 : 1, worker, worker, worker, worker, UUID.fromString(job))
        .update();
    return id;
  }

  private String create(Map<String, Object> settings) throws Exception {
    return JsonPath.read(
        mvc.perform(
                post("/api/v1/jobs")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(
                        json.writeValueAsString(
                            Map.of(
                                "modelId",
                                model,
                                "datasetId",
                                dataset,
                                "seed",
                                5,
                                "settings",
                                settings))))
            .andExpect(status().isAccepted())
            .andReturn()
            .getResponse()
            .getContentAsString(),
        "$.id");
  }

  private String reprune(String job, Map<String, Object> rule) throws Exception {
    return JsonPath.read(
        mvc.perform(
                post("/api/v1/jobs/" + job + "/reprune")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content(json.writeValueAsString(rule)))
            .andExpect(status().isAccepted())
            .andExpect(jsonPath("$.kind").value("reprune"))
            .andReturn()
            .getResponse()
            .getContentAsString(),
        "$.id");
  }

  private String succeeded(String job) throws Exception {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(state(job)));
    assertThat(state(job)).isEqualTo("SUCCEEDED");
    return job;
  }

  private ResultActions deleteJob(String job) throws Exception {
    return mvc.perform(delete("/api/v1/jobs/" + job));
  }

  private String state(String job) throws Exception {
    return (String) read("/api/v1/jobs/" + job).get("state");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> read(String path) throws Exception {
    return json.readValue(
        mvc.perform(get(path))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString(),
        Map.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.get(key);
  }

  private String sha(String column, String job) {
    return jdbc.sql("select " + column + " from job_result where job_id = ?")
        .param(UUID.fromString(job))
        .query(String.class)
        .single();
  }

  private long count(String sql, String value) {
    Object parameter = value.length() == 36 ? UUID.fromString(value) : value;
    return jdbc.sql(sql).param(parameter).query(Long.class).single();
  }

  private int datasetRows() {
    return jdbc.sql("select (summary->>'rows')::int from dataset where id = ?")
        .param(UUID.fromString(dataset))
        .query(Integer.class)
        .single();
  }
}
