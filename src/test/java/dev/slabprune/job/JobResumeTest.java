package dev.slabprune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slabprune.api.Owner;
import dev.slabprune.dataset.DatasetOptions;
import dev.slabprune.dataset.DatasetService;
import dev.slabprune.engine.Posterior;
import dev.slabprune.engine.PosteriorPath;
import dev.slabprune.job.queue.Crash;
import dev.slabprune.job.queue.JobQueue;
import dev.slabprune.job.queue.QueueProperties;
import dev.slabprune.job.queue.WorkerPool;
import dev.slabprune.job.result.JobReport;
import dev.slabprune.job.run.CompressionJobHandler;
import dev.slabprune.model.ModelService;
import dev.slabprune.model.format.OnnxModelWriter;
import dev.slabprune.storage.ArtifactStore;
import dev.slabprune.support.TeacherData;
import dev.slabprune.support.TestOnnx;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker that dies mid-job: the job is reaped, resumed from its checkpoint, and ends the same.
 */
@SpringBootTest(properties = "slabprune.jobs.checkpoint-interval=0s")
class JobResumeTest {

  @Autowired ModelService models;
  @Autowired DatasetService datasets;
  @Autowired JobService jobs;
  @Autowired JobQueue queue;
  @Autowired CompressionJobHandler handler;
  @Autowired JsonMapper json;
  @Autowired JdbcClient jdbc;
  @Autowired ArtifactStore artifacts;

  private final List<WorkerPool> pools = new ArrayList<>();

  @AfterEach
  void stop() {
    pools.forEach(WorkerPool::close);
  }

  @Test
  void aJobWhoseWorkerDiedResumesFromItsCheckpointAndEndsAsAnUninterruptedRunWould() {
    resumesAsAnUninterruptedRunWould(false);
  }

  @Test
  void aJobWithHeldOutRowsResumesOnTheSameSplits() {
    resumesAsAnUninterruptedRunWould(true);
  }

  private void resumesAsAnUninterruptedRunWould(boolean heldOut) {
    // Jobs left open by other test classes must not be claimed by these pools.
    jdbc.sql(
            "update job set state = 'CANCELLED', claimed_by = null, heartbeat_at = null"
                + " where state in ('QUEUED', 'RUNNING')")
        .update();
    Owner owner = Owner.LOCAL;
    byte[] onnx =
        new OnnxModelWriter()
            .write(TeacherData.teacher(), TestOnnx.allInputs("x", "logits", 6, Map.of()));
    UUID model =
        models.upload(owner, "teacher", "teacher.onnx", () -> new ByteArrayInputStream(onnx)).id();
    byte[] csv = TeacherData.dataset(TeacherData.teacher());
    UUID dataset =
        datasets
            .upload(
                owner,
                "data",
                null,
                new DatasetOptions(null, null, null, null),
                Map.of(
                    "file",
                    new DatasetService.Part("data.csv", () -> new ByteArrayInputStream(csv))))
            .id();
    EngineSettings settings =
        new EngineSettings(
            8, 64, null, null, null, null, 5, null, null, null, null, 1, null, null, null, null,
            null);
    UUID heldOutDataset = null;
    if (heldOut) {
      byte[] rows = TeacherData.heldOutDataset(TeacherData.teacher(), 200, 29, Set.of(0, 1, 2));
      heldOutDataset =
          datasets
              .upload(
                  owner,
                  "held-out",
                  null,
                  new DatasetOptions(null, null, null, null),
                  Map.of(
                      "file",
                      new DatasetService.Part(
                          "held-out.csv", () -> new ByteArrayInputStream(rows))))
              .id();
    }
    JobRequest request =
        heldOut
            ? new JobRequest(model, dataset, settings, null, null, 3L, false, heldOutDataset)
            : new JobRequest(model, dataset, settings, 0.1, 0.2, 3L, false, null);

    UUID interrupted = jobs.create(owner, request).id();
    WorkerPool doomed = pool("doomed");
    doomed.start();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> checkpointEpoch(interrupted) >= 3);
    Crash.of(doomed);
    int savedEpoch = checkpointEpoch(interrupted);
    assertThat(jobs.get(owner, interrupted).state()).isEqualTo(JobState.RUNNING);

    pool("survivor").start();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> jobs.get(owner, interrupted).state().isTerminal());
    JobView resumed = jobs.get(owner, interrupted);
    assertThat(resumed.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(resumed.attempts()).isEqualTo(2);
    assertThat(resumed.progress().resumedFromEpoch()).isGreaterThanOrEqualTo(savedEpoch);
    assertThat(events(interrupted))
        .containsExactly("CREATED", "CLAIMED", "REAPED", "CLAIMED", "SUCCEEDED");

    UUID straight = jobs.create(owner, request).id();
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> jobs.get(owner, straight).state().isTerminal());
    assertThat(jobs.get(owner, straight).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(jobs.get(owner, straight).attempts()).isEqualTo(1);

    // The posteriors' parameters agree bit for bit (their bytes differ: the history records how
    // long each epoch took).
    Posterior resumedPosterior = posterior(interrupted);
    Posterior straightPosterior = posterior(straight);
    for (int layer = 0; layer < resumedPosterior.layers(); layer++) {
      assertThat(resumedPosterior.weightPips(layer)).isEqualTo(straightPosterior.weightPips(layer));
      assertThat(resumedPosterior.biasPips(layer)).isEqualTo(straightPosterior.biasPips(layer));
    }
    JobReport a = jobs.report(owner, interrupted);
    JobReport b = jobs.report(owner, straight);
    assertThat(a.pruning()).isEqualTo(b.pruning());
    assertThat(a.scores().pruned()).isEqualTo(b.scores().pruned());
    assertThat(a.provenance().splits()).isEqualTo(b.provenance().splits());
    assertThat(a.provenance().splits().heldOut()).isEqualTo(heldOut);
    assertThat(a.provenance().trainSha256()).isEqualTo(b.provenance().trainSha256());
    if (heldOut) {
      assertThat(a.provenance().splits().trainRows()).isEqualTo(TeacherData.ROWS);
      assertThat(a.provenance().splits().validationRows()).isEqualTo(100);
      assertThat(a.budget().referenceSource()).isEqualTo("upload-held-out");
      assertThat(a.budget().reference()).isEqualTo(b.budget().reference());
    }
    assertThat(
            jdbc.sql("select count(*) from job_checkpoint where job_id in (?, ?)")
                .params(interrupted, straight)
                .query(Long.class)
                .single())
        .as("checkpoints are dropped once a job has its result")
        .isZero();
  }

  private int checkpointEpoch(UUID job) {
    return jdbc.sql("select coalesce(max(epoch), 0) from job_checkpoint where job_id = ?")
        .param(job)
        .query(Integer.class)
        .single();
  }

  private Posterior posterior(UUID job) {
    String sha =
        jdbc.sql("select posterior_sha256 from job_result where job_id = ?")
            .param(job)
            .query(String.class)
            .single();
    return PosteriorPath.fromBytes(artifacts.readAllBytes(sha)).posterior();
  }

  private List<String> events(UUID job) {
    return jdbc.sql("select type from job_event where job_id = ? order by id")
        .param(job)
        .query(String.class)
        .list();
  }

  private WorkerPool pool(String name) {
    WorkerPool pool =
        new WorkerPool(
            queue,
            handler,
            new QueueProperties(
                true,
                1,
                name,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofMillis(1000),
                Duration.ofMillis(200),
                3,
                Duration.ofMillis(100),
                Duration.ofSeconds(10)),
            json);
    pools.add(pool);
    return pool;
  }
}
